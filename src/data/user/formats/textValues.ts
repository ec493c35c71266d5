/**
 * Value cells of the text readers: what counts as a number, what marks a missing value, and
 * why a cell is neither. Shared so that every text format accepts the same numbers and
 * refuses the same junk (hex, "Infinity", values a float32 cannot hold) with the same words.
 */

/** Plain decimal numbers only: `Number()` alone would also accept hex, '' and 'Infinity'. */
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Largest finite float32; larger values would silently become Infinity in the series. */
export const FLOAT32_MAX = 3.4028234663852886e38;

/** Missing-value markers: '?' (ARFF, .ts) and 'NaN' in any case; the empty cell only where `emptyIsMissing`. */
export function isMissingToken(token: string, emptyIsMissing = true): boolean {
  const t = token.trim();
  if (t === '') return emptyIsMissing;
  return t === '?' || t.toLowerCase() === 'nan';
}

/** The number a cell spells, or undefined when it is not a plain decimal number. */
export function numberOf(token: string): number | undefined {
  const t = token.trim();
  return NUMBER.test(t) ? Number(t) : undefined;
}

/** True for a number or a missing marker: a cell that could be a value (header detection). */
export function isValueCell(token: string): boolean {
  return isMissingToken(token) || numberOf(token) !== undefined;
}

/**
 * The value of a cell: a finite number within float32 range, NaN for a missing marker, or a
 * string saying why it is neither (the caller adds where: file, line, column).
 */
export function valueOf(token: string, emptyIsMissing: boolean): number | string {
  if (isMissingToken(token, emptyIsMissing)) return NaN;
  const v = numberOf(token);
  if (v === undefined) {
    if (token.trim() === '') return 'empty value (two separators in a row?); write NaN or ? for a missing value';
    const hint = /^[+-]?\d+,\d+$/.test(token.trim()) ? ' (decimal commas are not supported; use a point)' : '';
    return `'${clip(token.trim())}' is not a number${hint}; write plain decimal numbers, and NaN or ? for a missing value`;
  }
  if (!Number.isFinite(v) || Math.abs(v) > FLOAT32_MAX) {
    return `'${clip(token.trim())}' is beyond the float32 range (±3.4e38); rescale the data`;
  }
  return v;
}

/** A cell as quoted in an error message: short, so a huge junk cell does not flood the terminal. */
export function clip(s: string, max = 24): string {
  return s.length <= max ? s : `${s.slice(0, max)}…`;
}
