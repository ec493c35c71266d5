/**
 * The cells of a CSV file after the steps every CSV reader shares: byte-order mark dropped,
 * separator and header detected unless given, and every row checked to have as many cells
 * as the first (an error names the line).
 */

import type { Input } from '../table.js';
import { textOf } from './textLines.js';
import { detectDelimiter, parseCsvRecords, type CsvRecords } from './csvRecords.js';
import { detectHeader } from './csvColumns.js';

/** A CSV file's rows, separator and header, after the checks every CSV reader shares. */
export interface CsvGrid extends CsvRecords {
  names: string[] | null;
  /** Index of the first data row in `rows`. */
  start: number;
  width: number;
}

/** Reads the cells of a CSV file and checks that every row has as many cells as the first. */
export function csvGrid(input: Input, source: string, opts: { delimiter?: string; header?: boolean }): CsvGrid {
  const text = textOf(input);
  if (text.trim() === '') throw new Error(`${source}: the file is empty`);
  const delimiter = opts.delimiter ?? detectDelimiter(text);
  if (typeof delimiter !== 'string') throw new Error(`${source}: delimiter must be a one-character string`);
  const records = parseCsvRecords(text, delimiter, source);
  const { rows, lines } = records;
  if (rows.length === 0) throw new Error(`${source}: the file holds no cells`);
  const header = opts.header ?? detectHeader(rows);
  const names = header ? rows[0].map((c) => c.trim()) : null;
  const start = header ? 1 : 0;
  if (rows.length <= start) throw new Error(`${source}: no data rows after the header line`);
  const width = rows[0].length;
  const sep = delimiter === '\t' ? 'tab' : `'${delimiter}'`;
  for (let r = 1; r < rows.length; r++) {
    if (rows[r].length !== width) {
      throw new Error(`${source} line ${lines[r]}: ${rows[r].length} cells, but line ${lines[0]} has ${width} (separator ${sep}); every row needs the same cells (quote cells that contain the separator)`);
    }
  }
  return { ...records, names, start, width };
}

