/**
 * CSV with one file per series: rows are time steps, columns channels (a recording exported
 * from a logger or a phone). `parseCsvSeriesFile` reads one such file; `csvSeriesTable`
 * builds a table from many, each with its label and group given by the caller (usually from
 * its folder and file name). Empty cells, 'NaN' and '?' are missing values.
 */

import type { Input, SeriesTable } from '../table.js';
import { valueOf } from './textValues.js';
import { columnIndex } from './csvColumns.js';
import { csvGrid } from './csvGrid.js';

export interface CsvSeriesOptions {
  delimiter?: string;
  header?: boolean;
  /** Columns to take as channels, in this order (header names or 0-based indexes); default all. */
  columns?: (string | number)[];
}

export interface CsvSeries {
  /** `channels × length` values, channel-major. */
  values: Float32Array;
  channels: number;
  length: number;
  /** Header names of the channels, when the file has a header. */
  channelNames?: string[];
}

/** Parses one series file held in memory; `source` (the file name) names it in every error. */
export function parseCsvSeriesFile(input: Input, source: string, opts: CsvSeriesOptions = {}): CsvSeries {
  const { rows, lines, names, start, width } = csvGrid(input, source, opts);
  const cols = opts.columns === undefined ? Array.from({ length: width }, (_, j) => j) : opts.columns.map((c) => columnIndex(c, names, width, source, 'columns entry'));
  if (cols.length === 0) throw new Error(`${source}: columns is empty; name at least one column`);
  if (new Set(cols).size !== cols.length) throw new Error(`${source}: columns names a column twice`);
  const channels = cols.length;
  const length = rows.length - start;
  const values = new Float32Array(channels * length);
  for (let t = 0; t < length; t++) {
    const row = rows[start + t];
    for (let c = 0; c < channels; c++) {
      const v = valueOf(row[cols[c]], true);
      if (typeof v === 'string') {
        const name = names !== null && names[cols[c]] !== '' ? ` ('${names[cols[c]].slice(0, 24)}')` : '';
        throw new Error(`${source} line ${lines[start + t]}, column ${cols[c] + 1}${name}: ${v} (choose the value columns with columns)`);
      }
      values[c * length + t] = v;
    }
  }
  const out: CsvSeries = { values, channels, length };
  if (names !== null) out.channelNames = cols.map((j) => names[j]);
  return out;
}

export interface CsvSeriesFile {
  /** The file's name (a path); errors about it and its row name use it. */
  name: string;
  input: Input;
  label: string | null;
  group: string | null;
}

/** A table of one-series files: all must have the same channels (same names when they have a header). */
export function csvSeriesTable(files: CsvSeriesFile[], source: string, opts: CsvSeriesOptions = {}): SeriesTable {
  if (files.length === 0) throw new Error(`${source}: no series files`);
  const labelled = files[0].label !== null;
  const grouped = files[0].group !== null;
  const series: Float32Array[] = [];
  const lengths: number[] = [];
  const labels: string[] = [];
  const groups: string[] = [];
  let channels = -1;
  let channelNames: string[] | undefined;
  for (const f of files) {
    const s = parseCsvSeriesFile(f.input, f.name, opts);
    if (channels < 0) {
      channels = s.channels;
      channelNames = s.channelNames;
    } else if (s.channels !== channels) {
      throw new Error(`${f.name}: ${s.channels} channel columns, but ${files[0].name} has ${channels}; every file needs the same columns (or choose them with columns)`);
    } else if (channelNames !== undefined && s.channelNames !== undefined && s.channelNames.join('\u0000') !== channelNames.join('\u0000')) {
      throw new Error(`${f.name}: columns ${s.channelNames.join(', ').slice(0, 120)} differ from ${files[0].name} (${channelNames.join(', ').slice(0, 120)}); every file needs the same columns in the same order`);
    }
    if ((f.label !== null) !== labelled) throw new Error(`${f.name}: ${labelled ? 'has no label' : 'has a label'} but ${files[0].name} ${labelled ? 'has one' : 'has none'}; give every file a label, or none`);
    if ((f.group !== null) !== grouped) throw new Error(`${f.name}: ${grouped ? 'has no group' : 'has a group'} but ${files[0].name} ${grouped ? 'has one' : 'has none'}; give every file a group, or none`);
    series.push(s.values);
    lengths.push(s.length);
    if (f.label !== null) labels.push(f.label);
    if (f.group !== null) groups.push(f.group);
  }
  const table: SeriesTable = {
    source, channels, series, lengths, labels: labelled ? labels : null, groups: grouped ? groups : null, rowNames: files.map((f) => f.name),
  };
  if (channelNames !== undefined) table.channelNames = channelNames;
  return table;
}
