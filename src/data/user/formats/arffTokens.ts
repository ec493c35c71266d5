/**
 * Cells of an ARFF line: comma-separated, each either bare (trimmed) or quoted with '…' or
 * "…" where a backslash escapes the next character (\n, \r, \t stand for the control
 * characters — the UEA multivariate files separate the channels of a relational value with
 * a written "\n"). Used for data lines and for the `{a, b, c}` list of a nominal attribute.
 */

export interface ArffCell {
  text: string;
  /** Quoted cells are always text: '?' in quotes is the string "?", not a missing value. */
  quoted: boolean;
}

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t' };

/** Splits `line` into cells; `where` (file and line) prefixes any error. */
export function arffCells(line: string, where: string): ArffCell[] {
  const cells: ArffCell[] = [];
  let i = 0;
  const n = line.length;
  for (;;) {
    while (i < n && (line[i] === ' ' || line[i] === '\t')) i++;
    const q = line[i];
    if (q === "'" || q === '"') {
      let text = '';
      let j = i + 1;
      let from = j; // start of the run of plain characters not yet copied
      for (;;) {
        if (j >= n) throw new Error(`${where}: a quoted value opened at column ${i + 1} is never closed; close it with ${q}`);
        const c = line[j];
        if (c === '\\' && j + 1 < n) {
          text += line.slice(from, j) + (ESCAPES[line[j + 1]] ?? line[j + 1]);
          j += 2;
          from = j;
        } else if (c === q) {
          text += line.slice(from, j);
          j++;
          break;
        } else j++;
      }
      while (j < n && (line[j] === ' ' || line[j] === '\t')) j++;
      if (j < n && line[j] !== ',') throw new Error(`${where}: text after the closing quote at column ${j + 1}; separate values with commas`);
      cells.push({ text, quoted: true });
      i = j;
    } else {
      const end = line.indexOf(',', i);
      const stop = end < 0 ? n : end;
      cells.push({ text: line.slice(i, stop).trim(), quoted: false });
      i = stop;
    }
    if (i >= n) return cells;
    i++; // the comma
  }
}
