/**
 * The RFC 4180 layer of the CSV readers: cells (quoted with "…", a doubled "" for a quote
 * inside, line breaks allowed inside quotes), rows ending in LF, CRLF or CR, and guessing the
 * separator of a file from its first lines. Rows whose cells are all empty (blank lines, the
 * ",,,," rows spreadsheets leave at the end) are skipped.
 */

export interface CsvRecords {
  /** Cells of each non-empty row, unquoted, not trimmed. */
  rows: string[][];
  /** The 1-based file line each row starts on (for errors and row names). */
  lines: number[];
}

/** Separators `detectDelimiter` chooses among, in the order that breaks ties. */
export const CSV_DELIMITERS = [',', '\t', ';', '|'] as const;

function newlinesIn(text: string, from: number, to: number): number {
  let k = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) k++;
  }
  return k;
}

/** Splits CSV `text` (without byte-order mark) into rows of cells; `source` names the file in errors. */
export function parseCsvRecords(text: string, delimiter: string, source: string): CsvRecords {
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
    throw new Error(`${source}: the delimiter must be one character other than a quote or a line break, got '${delimiter.slice(0, 8)}'`);
  }
  const d = delimiter.charCodeAt(0);
  const rows: string[][] = [];
  const lines: number[] = [];
  const n = text.length;
  let row: string[] = [];
  let line = 1;
  let rowLine = 1;
  let i = 0;
  const endRow = (): void => {
    if (row.some((c) => c.trim() !== '')) {
      rows.push(row);
      lines.push(rowLine);
    }
    row = [];
  };
  while (i < n) {
    if (text.charCodeAt(i) === 34) {
      // A quoted cell: copy runs up to each quote; "" is one quote, a single one closes.
      const openLine = line;
      let cell = '';
      let j = i + 1;
      for (;;) {
        const q = text.indexOf('"', j);
        if (q < 0) throw new Error(`${source} line ${openLine}: a quoted cell is never closed; close it with " (and write a quote inside a cell as "")`);
        cell += text.slice(j, q);
        line += newlinesIn(text, j, q);
        if (text.charCodeAt(q + 1) === 34) {
          cell += '"';
          j = q + 2;
        } else {
          j = q + 1;
          break;
        }
      }
      while (j < n && (text[j] === ' ' || text[j] === '\t') && text.charCodeAt(j) !== d) j++;
      if (j < n && text.charCodeAt(j) !== d && text[j] !== '\n' && text[j] !== '\r') {
        throw new Error(`${source} line ${line}: text after the closing quote of a cell; write a quote inside a quoted cell as ""`);
      }
      row.push(cell);
      i = j;
    } else {
      let j = i;
      for (; j < n; j++) {
        const c = text.charCodeAt(j);
        if (c === d || c === 10 || c === 13) break;
      }
      row.push(text.slice(i, j));
      i = j;
    }
    if (i >= n) break;
    if (text.charCodeAt(i) === d) {
      i++;
      if (i >= n) row.push(''); // a separator at the very end: one more (empty) cell
      continue;
    }
    i += text[i] === '\r' && text[i + 1] === '\n' ? 2 : 1;
    line++;
    endRow();
    rowLine = line;
  }
  if (row.length > 0) endRow();
  return { rows, lines };
}

/**
 * The separator of a CSV file, among `,` tab `;` `|`: counted outside quotes on each of the
 * first 20 non-empty lines, the candidate found on line 1 whose count is the same on the most
 * lines wins; ties go to the larger count, then to the order above. When `,` and `;` are both
 * consistent `;` wins (commas are then decimal commas). A file with none of them is one
 * column: `,`.
 */
export function detectDelimiter(text: string): string {
  const counts: Map<string, number>[] = [];
  let cur = new Map<string, number>();
  let nonEmpty = false;
  let inQuotes = false;
  for (let i = 0; i < text.length && counts.length < 20; i++) {
    const c = text[i];
    if (c === '"') inQuotes = !inQuotes;
    else if (!inQuotes && (c === '\n' || c === '\r')) {
      if (nonEmpty) counts.push(cur);
      cur = new Map();
      nonEmpty = false;
    } else if (!inQuotes && (CSV_DELIMITERS as readonly string[]).includes(c)) {
      cur.set(c, (cur.get(c) ?? 0) + 1);
      nonEmpty = true;
    } else if (c !== ' ') nonEmpty = true;
  }
  if (nonEmpty && counts.length < 20) counts.push(cur);
  if (counts.length === 0) return ',';
  let best = ',';
  let bestAgree = 0;
  let bestCount = 0;
  const agreeing = new Map<string, number>();
  for (const c of CSV_DELIMITERS) {
    const first = counts[0].get(c) ?? 0;
    if (first === 0) continue;
    const agree = counts.filter((m) => (m.get(c) ?? 0) === first).length;
    agreeing.set(c, agree);
    if (agree > bestAgree || (agree === bestAgree && first > bestCount)) {
      best = c;
      bestAgree = agree;
      bestCount = first;
    }
  }
  if (best === ',' && agreeing.get(';') === bestAgree) return ';';
  return best;
}
