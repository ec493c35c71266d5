/**
 * sktime / UEA `.ts` files as a SeriesTable. A header of `@keyword value` lines (any case;
 * `#` comments) ends at `@data`; then one case per line: dimensions separated by ':', values
 * by ',', and the label after the last ':' when `@classLabel true …` or `@targetLabel true`
 * declares one. '?' and 'NaN' are missing values. All dimensions of a case must have the same
 * length; cases may differ in length (each keeps its own). `@seriesLength` / `@equalLength`
 * are informative: lengths come from the data. Timestamped files are refused.
 */

import type { Input, SeriesTable } from '../table.js';
import { clip, valueOf } from './textValues.js';
import { splitLines, textOf } from './textLines.js';

interface TsHeader {
  classes: string[] | null;
  target: boolean;
  univariate: boolean | null;
  dimensions: number | null;
}

const KEYWORDS = '@problemName, @timeStamps, @missing, @univariate, @dimensions, @equalLength, @seriesLength, @classLabel, @targetLabel, @data';

function flag(words: string[], source: string, line: number): boolean {
  const w = (words[1] ?? '').toLowerCase();
  if (w === 'true') return true;
  if (w === 'false') return false;
  throw new Error(`${source} line ${line}: ${clip(words[0])} needs true or false, found '${clip(words[1] ?? '')}'`);
}

function count(words: string[], source: string, line: number): number {
  const w = words[1] ?? '';
  if (!/^\d{1,9}$/.test(w) || Number(w) < 1) throw new Error(`${source} line ${line}: ${clip(words[0])} needs a positive whole number, found '${clip(w)}'`);
  return Number(w);
}

/** Reads the header; returns it and the index of the `@data` line. */
function readHeader(lines: string[], source: string): { header: TsHeader; dataAt: number } {
  const header: TsHeader = { classes: null, target: false, univariate: null, dimensions: null };
  for (let li = 0; li < lines.length; li++) {
    const line = lines[li].trim();
    if (line === '' || line.startsWith('#')) continue;
    const at = li + 1;
    if (!line.startsWith('@')) throw new Error(`${source} line ${at}: data before the @data line; the header must end with a line '@data'`);
    const words = line.split(/\s+/);
    switch (words[0].toLowerCase()) {
      case '@data':
        if (header.classes !== null && header.target) throw new Error(`${source}: both @classLabel true and @targetLabel true; a file has one label, keep one of the two`);
        return { header, dataAt: li };
      case '@problemname':
      case '@missing':
        break;
      case '@timestamps':
        if (flag(words, source, at)) throw new Error(`${source} line ${at}: @timeStamps true: timestamped series are not supported; write the values without (time,value) pairs and set @timeStamps false`);
        break;
      case '@univariate':
        header.univariate = flag(words, source, at);
        break;
      case '@dimension':
      case '@dimensions':
        header.dimensions = count(words, source, at);
        break;
      case '@equallength':
        flag(words, source, at);
        break;
      case '@serieslength':
        count(words, source, at);
        break;
      case '@classlabel':
        if (flag(words, source, at)) {
          const classes = words.slice(2);
          if (classes.length === 0) throw new Error(`${source} line ${at}: @classLabel true lists no classes; write them after it (@classLabel true a b c)`);
          if (new Set(classes).size !== classes.length) throw new Error(`${source} line ${at}: @classLabel lists a class twice`);
          header.classes = classes;
        } else header.classes = null;
        break;
      case '@targetlabel':
        header.target = flag(words, source, at);
        break;
      default:
        throw new Error(`${source} line ${at}: unknown header line '${clip(words[0])}'; the .ts header knows ${KEYWORDS}`);
    }
  }
  throw new Error(`${source}: no @data line; a .ts file is a header ending with '@data', then one case per line`);
}

/** Parses a `.ts` file held in memory; `source` (usually the file name) names it in every error. */
export function parseSktimeTs(input: Input, source: string): SeriesTable {
  const lines = splitLines(textOf(input));
  const { header, dataAt } = readHeader(lines, source);
  const classSet = header.classes === null ? null : new Set(header.classes);
  const hasLabel = classSet !== null || header.target;
  const series: Float32Array[] = [];
  const lengths: number[] = [];
  const labels: string[] = [];
  const rowNames: string[] = [];
  let channels = -1;
  let firstLine = 0;
  for (let li = dataAt + 1; li < lines.length; li++) {
    const line = lines[li].trim();
    if (line === '' || line.startsWith('#')) continue;
    const at = li + 1;
    const parts = line.split(':');
    if (hasLabel) {
      const label = parts.length > 1 ? parts.pop()!.trim() : '';
      if (label === '') throw new Error(`${source} line ${at}: no label after the last ':'; the header declares one (${header.target ? '@targetLabel' : '@classLabel'} true)`);
      if (classSet !== null && !classSet.has(label)) {
        throw new Error(`${source} line ${at}: class '${clip(label)}' is not declared by @classLabel (${clip(header.classes!.join(' '), 80)}); add it there or fix the label`);
      }
      if (header.target && typeof valueOf(label, false) !== 'number') {
        throw new Error(`${source} line ${at}: the regression target '${clip(label)}' is not a number`);
      }
      if (header.target && Number.isNaN(valueOf(label, false))) {
        throw new Error(`${source} line ${at}: the regression target is missing ('${clip(label)}'); every case needs a target`);
      }
      labels.push(label);
    }
    if (parts.some((p) => p.includes('('))) throw new Error(`${source} line ${at}: '(' in the data: timestamped (time,value) series are not supported; write the values only`);
    if (channels < 0) {
      channels = parts.length;
      firstLine = at;
      if (header.dimensions !== null && channels !== header.dimensions) {
        throw new Error(`${source} line ${at}: ${channels} dimension${channels === 1 ? '' : 's'}, but @dimensions says ${header.dimensions}`);
      }
      if (header.univariate === true && channels !== 1) {
        throw new Error(`${source} line ${at}: ${channels} dimensions, but the header says @univariate true${hasLabel ? '' : " (or is this a label after ':'? declare it with @classLabel / @targetLabel)"}`);
      }
    } else if (parts.length !== channels) {
      throw new Error(`${source} line ${at}: ${parts.length} dimension${parts.length === 1 ? '' : 's'}, but line ${firstLine} has ${channels}; every case needs the same dimensions`);
    }
    const cells = parts.map((p) => p.split(','));
    const length = cells[0].length;
    for (let d = 0; d < channels; d++) {
      if (parts[d].trim() === '') throw new Error(`${source} line ${at}: dimension ${d + 1} is empty; write its values (? for missing ones)`);
      if (cells[d].length !== length) {
        throw new Error(`${source} line ${at}: dimension ${d + 1} has ${cells[d].length} values, but dimension 1 has ${length}; all dimensions of a case must have the same length (pad with ?)`);
      }
    }
    const values = new Float32Array(channels * length);
    for (let d = 0; d < channels; d++) {
      for (let t = 0; t < length; t++) {
        const v = valueOf(cells[d][t], false);
        if (typeof v === 'string') throw new Error(`${source} line ${at}, dimension ${d + 1}, value ${t + 1}: ${v}`);
        values[d * length + t] = v;
      }
    }
    series.push(values);
    lengths.push(length);
    rowNames.push(`${source} line ${at}`);
  }
  if (series.length === 0) throw new Error(`${source}: no cases after @data; write one case per line`);
  const table: SeriesTable = { source, channels, series, lengths, labels: hasLabel ? labels : null, groups: null, rowNames };
  if (header.classes !== null) {
    table.declaredClasses = header.classes;
    table.taskHint = 'classification';
  } else if (header.target) table.taskHint = 'regression';
  return table;
}
