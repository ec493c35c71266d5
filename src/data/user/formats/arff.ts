/**
 * Weka ARFF files as the UCR/UEA archive writes them, as a SeriesTable.
 *
 * Univariate: `@attribute … numeric|real|integer` per time step, then the label. Multivariate
 * (UEA): one `relational` attribute (its inner numeric attributes, up to `@end`, are the time
 * steps) whose value is a quoted string of channel rows separated by a written "\n", then the
 * label. The LAST attribute is the label — nominal `{a,b,c}` (its values become
 * declaredClasses) or string → classification, numeric → regression — unless it is the
 * relational one (then the file is unlabelled); when every label is '?', so is the table.
 * '?' is a missing value; trailing steps missing in every channel are the archive's padding
 * of shorter series and are left out of `lengths`. Sparse `{…}` data lines are refused.
 */

import type { Input, SeriesTable } from '../table.js';
import { clip, valueOf } from './textValues.js';
import { splitLines, textOf } from './textLines.js';
import { cropSteps, unpaddedLength } from './seriesPadding.js';
import { arffCells, type ArffCell } from './arffTokens.js';

type Kind = 'numeric' | 'nominal' | 'string' | 'relational';

interface Attribute {
  name: string;
  kind: Kind;
  line: number;
  /** Declared values of a nominal attribute. */
  classes?: string[];
  /** Inner numeric attributes of a relational one (its time steps). */
  steps?: number;
}

/** `@attribute <name> <type>`: the name (maybe quoted) and the type. */
function readAttribute(rest: string, where: string): Attribute {
  let name: string;
  let type: string;
  const q = rest[0];
  if (q === "'" || q === '"') {
    const end = rest.indexOf(q, 1);
    if (end < 0) throw new Error(`${where}: the attribute name's quote is never closed`);
    name = rest.slice(1, end);
    type = rest.slice(end + 1).trim();
  } else {
    const m = /^(\S+)\s*(.*)$/.exec(rest);
    if (m === null) throw new Error(`${where}: @attribute needs a name and a type`);
    name = m[1];
    type = m[2].trim();
  }
  const t = type.toLowerCase();
  if (t === 'numeric' || t === 'real' || t === 'integer') return { name, kind: 'numeric', line: 0 };
  if (t === 'string') return { name, kind: 'string', line: 0 };
  if (t === 'relational') return { name, kind: 'relational', line: 0 };
  if (t.startsWith('{')) {
    if (!t.endsWith('}')) throw new Error(`${where}: the value list of nominal attribute '${clip(name)}' has no closing '}'`);
    const classes = arffCells(type.slice(1, -1), where).map((c) => c.text);
    if (classes.length === 0 || classes.some((c) => c === '')) throw new Error(`${where}: nominal attribute '${clip(name)}' has an empty value in its list`);
    return { name, kind: 'nominal', classes, line: 0 };
  }
  if (t.startsWith('date')) throw new Error(`${where}: date attribute '${clip(name)}' is not supported; store time steps as numeric attributes`);
  throw new Error(`${where}: attribute '${clip(name)}' has type '${clip(type)}'; expected numeric, real, integer, string, relational or {a,b,c}`);
}

/** Reads the header up to `@data`; returns the attributes and the index of the `@data` line. */
function readHeader(lines: string[], source: string): { attrs: Attribute[]; dataAt: number } {
  const attrs: Attribute[] = [];
  let open: Attribute | null = null; // the relational attribute whose inner attributes are being read
  for (let li = 0; li < lines.length; li++) {
    const line = lines[li].trim();
    if (line === '' || line.startsWith('%')) continue;
    const where = `${source} line ${li + 1}`;
    const m = /^(@\S+)\s*(.*)$/.exec(line);
    if (m === null) throw new Error(`${where}: expected @relation, @attribute or @data before the data`);
    const key = m[1].toLowerCase();
    if (key === '@relation') continue;
    if (key === '@data') {
      if (open !== null) throw new Error(`${source} line ${open.line}: relational attribute '${clip(open.name)}' has no '@end ${clip(open.name)}'`);
      if (attrs.length === 0) throw new Error(`${where}: @data before any @attribute; declare the time steps and the label first`);
      return { attrs, dataAt: li };
    }
    if (key === '@end') {
      if (open === null) throw new Error(`${where}: @end without a relational attribute to close`);
      if ((open.steps ?? 0) === 0) throw new Error(`${where}: relational attribute '${clip(open.name)}' declares no time steps`);
      open = null;
      continue;
    }
    if (key !== '@attribute') throw new Error(`${where}: unknown keyword '${clip(m[1])}'; expected @relation, @attribute, @end or @data`);
    const a = readAttribute(m[2], where);
    a.line = li + 1;
    if (open !== null) {
      if (a.kind !== 'numeric') throw new Error(`${where}: attribute '${clip(a.name)}' inside relational '${clip(open.name)}' must be numeric (one per time step); is '@end ${clip(open.name)}' missing before it?`);
      open.steps = (open.steps ?? 0) + 1;
    } else {
      attrs.push(a);
      if (a.kind === 'relational') open = a;
    }
  }
  throw new Error(`${source}: no @data line; an ARFF file declares its attributes, then '@data', then one row per line`);
}

/** Parses an ARFF file held in memory; `source` (usually the file name) names it in every error. */
export function parseArff(input: Input, source: string): SeriesTable {
  const lines = splitLines(textOf(input));
  const { attrs, dataAt } = readHeader(lines, source);
  const last = attrs[attrs.length - 1];
  const label = last.kind === 'relational' ? null : last;
  const valueAttrs = label === null ? attrs : attrs.slice(0, -1);
  const relational = valueAttrs.find((a) => a.kind === 'relational');
  for (const a of valueAttrs) {
    if (a.kind === 'nominal' || a.kind === 'string') {
      throw new Error(`${source} line ${a.line}: attribute '${clip(a.name)}' is ${a.kind}; only the last attribute (the label) may be non-numeric`);
    }
  }
  if (valueAttrs.length === 0) throw new Error(`${source}: no value attributes, only the label '${clip(last.name)}'`);
  if (relational !== undefined && valueAttrs.length > 1) {
    throw new Error(`${source} line ${relational.line}: a relational attribute cannot be mixed with other value attributes; the UEA form is one relational attribute, then the label`);
  }
  const classSet = label?.kind === 'nominal' ? new Set(label.classes) : null;
  const series: Float32Array[] = [];
  const lengths: number[] = [];
  const labels: string[] = [];
  const rowNames: string[] = [];
  let channels = relational === undefined ? 1 : -1;
  let firstLine = 0;
  let missingLabels = 0;
  let missingLabelLine = 0;
  for (let li = dataAt + 1; li < lines.length; li++) {
    const line = lines[li].trim();
    if (line === '' || line.startsWith('%')) continue;
    const where = `${source} line ${li + 1}`;
    if (line.startsWith('{')) throw new Error(`${where}: sparse ARFF rows ({index value, …}) are not supported; save the file as dense ARFF`);
    const cells = arffCells(line, where);
    if (cells.length !== attrs.length) {
      throw new Error(`${where}: ${cells.length} values, but ${attrs.length} attributes are declared; every row needs one value per attribute`);
    }
    if (label !== null) {
      const text = readLabel(cells[cells.length - 1], label, classSet, where);
      if (text === null) {
        missingLabels++;
        missingLabelLine ||= li + 1;
      }
      labels.push(text ?? '?');
    }
    let values: Float32Array;
    let length: number;
    if (relational === undefined) {
      length = valueAttrs.length;
      values = new Float32Array(length);
      for (let t = 0; t < length; t++) values[t] = cellValue(cells[t], `${where}, value ${t + 1}`);
    } else {
      const rows = cells[0].text.split(/\r\n|\n|\r/);
      if (channels < 0) {
        channels = rows.length;
        firstLine = li + 1;
      } else if (rows.length !== channels) {
        throw new Error(`${where}: ${rows.length} channel${rows.length === 1 ? '' : 's'} (rows separated by \\n), but line ${firstLine} has ${channels}; every case needs the same channels`);
      }
      length = relational.steps!;
      values = new Float32Array(channels * length);
      for (let c = 0; c < channels; c++) {
        const row = rows[c].split(',');
        if (row.length !== length) {
          throw new Error(`${where}: channel ${c + 1} has ${row.length} values, but '${clip(relational.name)}' declares ${length} time steps (pad shorter series with ?)`);
        }
        for (let t = 0; t < length; t++) {
          const v = valueOf(row[t], false);
          if (typeof v === 'string') throw new Error(`${where}, channel ${c + 1}, value ${t + 1}: ${v}`);
          values[c * length + t] = v;
        }
      }
    }
    const n = unpaddedLength(values, channels, length);
    if (n === 0) throw new Error(`${where}: the series has no values (all missing); remove the row or fill in its values`);
    series.push(cropSteps(values, channels, length, n));
    lengths.push(n);
    rowNames.push(where);
  }
  if (series.length === 0) throw new Error(`${source}: no rows after @data; write one row per line`);
  const allMissing = missingLabels === series.length;
  if (missingLabels > 0 && !allMissing) {
    throw new Error(`${source} line ${missingLabelLine}: the label is missing ('?'); give every row a label, or none (all '?') to read the file unlabelled`);
  }
  const table: SeriesTable = { source, channels, series, lengths, labels: label === null || allMissing ? null : labels, groups: null, rowNames };
  if (label !== null) {
    if (classSet !== null) table.declaredClasses = label.classes;
    table.taskHint = label.kind === 'numeric' ? 'regression' : 'classification';
  }
  return table;
}

/** A numeric cell: a number, or NaN for an unquoted '?'. */
function cellValue(cell: ArffCell, where: string): number {
  const v = cell.quoted && cell.text.trim() === '?' ? 'a quoted \'?\' is text; write ? without quotes for a missing value' : valueOf(cell.text, false);
  if (typeof v === 'string') throw new Error(`${where}: ${v}`);
  return v;
}

/** The label of a row as text, or null when it is missing (an unquoted '?'). */
function readLabel(cell: ArffCell, label: Attribute, classSet: Set<string> | null, where: string): string | null {
  if (!cell.quoted && cell.text === '?') return null;
  if (classSet !== null && !classSet.has(cell.text)) {
    throw new Error(`${where}: class '${clip(cell.text)}' is not declared by attribute '${clip(label.name)}' {${clip(label.classes!.join(','), 80)}}; add it there or fix the label`);
  }
  if (label.kind === 'numeric') {
    const v = valueOf(cell.text, false);
    if (typeof v === 'string') throw new Error(`${where}: the regression target: ${v}`);
    if (Number.isNaN(v)) return null;
  }
  if (cell.text === '') throw new Error(`${where}: empty label; write the label as the last value (? if unknown)`);
  return cell.text;
}
