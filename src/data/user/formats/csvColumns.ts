/**
 * Which CSV rows and columns are what: whether the first row is a header, which column a
 * name or index means, and which column holds the labels when the caller does not say.
 * The rules are simple on purpose, so they can be stated in the docs and overridden.
 */

import { clip, isMissingToken, isValueCell, numberOf } from './textValues.js';

/** Header names taken as the label column when the caller names none (any case). */
export const LABEL_NAMES = ['label', 'class', 'target', 'y'];

const isText = (cell: string): boolean => !isValueCell(cell);

/**
 * The first row is a header when every cell of it is text (not a number, not a missing
 * marker), or when some column holds text in the first row and a number in the second.
 */
export function detectHeader(rows: string[][]): boolean {
  if (rows.length === 0) return false;
  const first = rows[0];
  if (first.every(isText)) return true;
  if (rows.length < 2) return false;
  const second = rows[1];
  return first.some((c, j) => isText(c) && j < second.length && numberOf(second[j]) !== undefined);
}

/** The 0-based column a name or index refers to; `what` ("labelColumn") names the option in errors. */
export function columnIndex(ref: string | number, names: string[] | null, width: number, source: string, what: string): number {
  if (typeof ref === 'number') {
    if (!Number.isInteger(ref) || ref < 0 || ref >= width) {
      throw new Error(`${source}: ${what} ${ref} is not a column; columns are numbered 0 to ${width - 1}`);
    }
    return ref;
  }
  if (typeof ref !== 'string') throw new Error(`${source}: ${what} must be a column name or a 0-based column number`);
  if (names === null) {
    throw new Error(`${source}: ${what} '${clip(ref)}' is a column name, but the file has no header row; give a 0-based column number (or header: true)`);
  }
  let j = names.indexOf(ref);
  if (j < 0) j = names.findIndex((n) => n.toLowerCase() === ref.toLowerCase());
  if (j < 0) {
    const shown = names.slice(0, 12).map((n) => `'${clip(n)}'`).join(', ');
    throw new Error(`${source}: ${what} '${clip(ref)}' is not a column; the header has ${shown}${names.length > 12 ? ', …' : ''}`);
  }
  return j;
}

/**
 * The label column when the caller does not say: with a header, the first column named
 * label / class / target / y (any case). Otherwise column 0 when it looks like labels: some
 * cell of it is text, or (without a header) all its cells are whole numbers while some other
 * column holds a fraction (like the UCR files: "1,0.53,0.61,…"). Else none (-1): unlabelled.
 */
export function defaultLabelColumn(rows: string[][], start: number, names: string[] | null): number {
  if (names !== null) {
    const j = names.findIndex((n) => LABEL_NAMES.includes(n.trim().toLowerCase()));
    if (j >= 0) return j;
  }
  if (rows.length <= start || rows[start].length < 2) return -1;
  let allWhole = true;
  let fractionElsewhere = false;
  for (let r = start; r < rows.length; r++) {
    const row = rows[r];
    const cell = row[0];
    if (!isValueCell(cell)) return 0;
    const v = numberOf(cell);
    if (v === undefined || !Number.isInteger(v)) allWhole = false;
    if (!fractionElsewhere && names === null) {
      for (let j = 1; j < row.length; j++) {
        const x = numberOf(row[j]);
        if (x !== undefined && !Number.isInteger(x)) {
          fractionElsewhere = true;
          break;
        }
      }
    }
  }
  return names === null && allWhole && fractionElsewhere ? 0 : -1;
}

/** True when a label / group cell is empty or a missing marker. */
export function blankCell(cell: string): boolean {
  return cell.trim() === '' || isMissingToken(cell);
}
