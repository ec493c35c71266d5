/**
 * CSV with one sample per row, as a SeriesTable: a label column, maybe a group column
 * (subject / recording id), and value columns split into equal channels, channel-major
 * (channel 0's steps, then channel 1's …). Empty cells, 'NaN' and '?' are missing values;
 * trailing steps missing in every channel are padding (left out of `lengths`). Also the entry
 * point of the other CSV readers (records, columns, one file per series).
 *
 * Defaults, each overridable: the separator by `detectDelimiter`, the header by
 * `detectHeader`, the label column by `defaultLabelColumn` (csvColumns.ts).
 */

import type { Input, SeriesTable } from '../table.js';
import { clip, valueOf } from './textValues.js';
import { cropSteps, unpaddedLength } from './seriesPadding.js';
import { blankCell, columnIndex, defaultLabelColumn } from './csvColumns.js';
import { csvGrid } from './csvGrid.js';

export { CSV_DELIMITERS, detectDelimiter, parseCsvRecords, type CsvRecords } from './csvRecords.js';
export { LABEL_NAMES, columnIndex, defaultLabelColumn, detectHeader } from './csvColumns.js';
export { csvGrid, type CsvGrid } from './csvGrid.js';
export { csvSeriesTable, parseCsvSeriesFile, type CsvSeries, type CsvSeriesFile, type CsvSeriesOptions } from './csvSeries.js';

export interface CsvRowOptions {
  /** Cell separator; default `detectDelimiter`. */
  delimiter?: string;
  /** Whether row 1 is a header; default `detectHeader`. */
  header?: boolean;
  /** Label / target column (header name or 0-based index); null = none; default `defaultLabelColumn`. */
  labelColumn?: string | number | null;
  /** Group column (subject, recording): its cells become `groups`. */
  groupColumn?: string | number;
  /** Columns that are neither values, label nor group (ids, timestamps). */
  ignoreColumns?: (string | number)[];
  /** The value columns are this many channels of equal length, channel-major; default 1. */
  channels?: number;
}

function cellError(source: string, line: number, j: number, names: string[] | null, why: string): Error {
  const col = names !== null && names[j] !== '' ? ` ('${clip(names[j])}')` : '';
  return new Error(`${source} line ${line}, column ${j + 1}${col}: ${why}`);
}

/** Parses a one-sample-per-row CSV held in memory; `source` (usually the file name) names it in every error. */
export function parseCsvRows(input: Input, source: string, opts: CsvRowOptions = {}): SeriesTable {
  const { rows, lines, names, start, width } = csvGrid(input, source, opts);
  const group = opts.groupColumn === undefined ? -1 : columnIndex(opts.groupColumn, names, width, source, 'groupColumn');
  const ignored = new Set((opts.ignoreColumns ?? []).map((c) => columnIndex(c, names, width, source, 'ignoreColumns entry')));
  let label: number;
  if (opts.labelColumn === null) label = -1;
  else if (opts.labelColumn !== undefined) label = columnIndex(opts.labelColumn, names, width, source, 'labelColumn');
  else {
    label = defaultLabelColumn(rows, start, names);
    if (label === group || ignored.has(label)) label = -1;
  }
  if (label >= 0 && label === group) throw new Error(`${source}: labelColumn and groupColumn are the same column (${label}); name two different columns`);
  if (ignored.has(label) || ignored.has(group)) throw new Error(`${source}: ignoreColumns lists the ${ignored.has(label) ? 'label' : 'group'} column; leave it out of ignoreColumns`);
  const valueCols: number[] = [];
  for (let j = 0; j < width; j++) if (j !== label && j !== group && !ignored.has(j)) valueCols.push(j);
  if (valueCols.length === 0) throw new Error(`${source}: no value columns left after the label, group and ignored columns`);
  const channels = opts.channels ?? 1;
  if (!Number.isInteger(channels) || channels < 1) throw new Error(`${source}: channels must be a positive whole number, got ${channels}`);
  if (valueCols.length % channels !== 0) {
    throw new Error(`${source}: ${valueCols.length} value columns do not split into ${channels} channels of equal length; check channels, ignoreColumns and labelColumn`);
  }
  const length = valueCols.length / channels;
  const series: Float32Array[] = [];
  const lengths: number[] = [];
  const labels: string[] = [];
  const groups: string[] = [];
  const rowNames: string[] = [];
  for (let r = start; r < rows.length; r++) {
    const row = rows[r];
    const line = lines[r];
    const values = new Float32Array(valueCols.length);
    for (let k = 0; k < valueCols.length; k++) {
      const v = valueOf(row[valueCols[k]], true);
      if (typeof v === 'string') throw cellError(source, line, valueCols[k], names, `${v} (if this column is not a value, name it with labelColumn, groupColumn or ignoreColumns)`);
      values[k] = v;
    }
    const n = unpaddedLength(values, channels, length);
    if (n === 0) throw new Error(`${source} line ${line}: the row has no values (all missing); remove it or fill in its values`);
    if (label >= 0) {
      if (blankCell(row[label])) throw cellError(source, line, label, names, 'the label is missing; every row needs one (or labelColumn: null to read the file unlabelled)');
      labels.push(row[label].trim());
    }
    if (group >= 0) {
      if (blankCell(row[group])) throw cellError(source, line, group, names, 'the group id is missing; every row needs one');
      groups.push(row[group].trim());
    }
    series.push(cropSteps(values, channels, length, n));
    lengths.push(n);
    rowNames.push(`${source} row ${line}`);
  }
  return { source, channels, series, lengths, labels: label >= 0 ? labels : null, groups: group >= 0 ? groups : null, rowNames };
}
