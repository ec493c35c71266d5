/**
 * UCR archive tables as a SeriesTable: the 2018 `.tsv` files (tab-separated) and the older
 * comma-separated ones. One series per line, column 0 the label (any text: "-1", "1",
 * "abnormal"), the rest the values. The archive pads shorter series with trailing 'NaN' so
 * every line has as many columns; those are padding and left out of `lengths`, while a NaN
 * inside a series is a missing value and stays. Univariate.
 */

import type { Input, SeriesTable } from '../table.js';
import { clip, valueOf } from './textValues.js';
import { splitLines, textOf } from './textLines.js';
import { cropSteps, unpaddedLength } from './seriesPadding.js';

export interface UcrTableOptions {
  /** Column separator; default: tab when the first data line holds a tab, else comma. */
  delimiter?: '\t' | ',';
}

/** Parses a UCR table held in memory; `source` (usually the file name) names it in every error. */
export function parseUcrTable(input: Input, source: string, opts: UcrTableOptions = {}): SeriesTable {
  let delimiter = opts.delimiter;
  if (delimiter !== undefined && delimiter !== '\t' && delimiter !== ',') {
    throw new Error(`${source}: delimiter must be a tab or a comma, got '${clip(String(delimiter))}'`);
  }
  const lines = splitLines(textOf(input));
  const series: Float32Array[] = [];
  const lengths: number[] = [];
  const labels: string[] = [];
  const rowNames: string[] = [];
  let width = -1;
  let firstLine = 0;
  for (let li = 0; li < lines.length; li++) {
    const line = lines[li];
    if (line.trim() === '') continue;
    delimiter ??= line.includes('\t') ? '\t' : ',';
    const sep = delimiter === '\t' ? 'tab' : 'comma';
    const tokens = line.split(delimiter);
    if (width < 0) {
      if (tokens.length < 2) {
        throw new Error(`${source} line ${li + 1}: expected ${sep}-separated columns (a label, then the values), found 1 column`);
      }
      width = tokens.length;
      firstLine = li + 1;
    } else if (tokens.length !== width) {
      throw new Error(`${source} line ${li + 1}: ${tokens.length} columns, but line ${firstLine} has ${width}; every line needs the label and the same number of values (pad shorter series with trailing NaN)`);
    }
    const label = tokens[0].trim();
    if (label === '') throw new Error(`${source} line ${li + 1}, column 1: empty label; column 1 holds each series' label`);
    const values = new Float32Array(width - 1);
    for (let j = 1; j < width; j++) {
      const v = valueOf(tokens[j], false);
      if (typeof v === 'string') throw new Error(`${source} line ${li + 1}, column ${j + 1}: ${v}`);
      values[j - 1] = v;
    }
    const n = unpaddedLength(values, 1, width - 1);
    if (n === 0) throw new Error(`${source} line ${li + 1}: the series has no values (all NaN); remove the line or fill in its values`);
    series.push(cropSteps(values, 1, width - 1, n));
    lengths.push(n);
    labels.push(label);
    rowNames.push(`${source} line ${li + 1}`);
  }
  if (series.length === 0) throw new Error(`${source}: no data lines; expected one series per line (a label, then the values)`);
  return { source, channels: 1, series, lengths, labels, groups: null, rowNames };
}
