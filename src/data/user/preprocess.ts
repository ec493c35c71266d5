/**
 * Preprocessing of a user's series, as a record that travels with the model.
 *
 * `fitPreprocessing` decides everything from the training rows alone (class list, length,
 * normalisation statistics); `applyPreprocessing` turns any table (training, test, or new
 * recordings months later) into fixed-shape float arrays with exactly those choices. The record
 * is plain JSON, saved in every checkpoint (ModelMeta.preprocessing), so `tsdnas eval` and
 * `tsdnas predict` apply the same pipeline without the training data. Order of the steps, and
 * why: missing values are filled first (so nothing after sees NaN), lengths are fitted next (so
 * statistics are over what the model sees), normalisation last.
 */

import { type SeriesTable, rowName } from './table.js';
import { applyChannelStats, channelStats, meanStd, standardizeInPlace } from '../features/standardize.js';
import { imagesToSequences } from '../datasets/common.js';
import { MAX_ABS_VALUE } from '../validate.js';

export const PREPROCESSING_FORMAT = 'tsdnas.preprocessing/1';

export type LengthPolicy = 'pad' | 'crop' | 'resample';
export type Normalize = 'none' | 'series' | 'channel';
export type Missing = 'interpolate' | 'zero' | 'error';

/** Format-level options that produced the series (so new files are read the same way). */
export interface SourceFeatures {
  /** Audio clips: resampling rate, clip length and the front end. */
  wav?: { rate: number; seconds: number; features: 'mfcc' | 'raw' };
  /** WFDB: windowing around beats or fixed windows, in seconds, and the channels taken. */
  wfdb?: { mode: 'beats' | 'windows'; before?: number; after?: number; window?: number; stride?: number; channels?: (number | string)[]; symbols?: string[] };
}

export interface Preprocessing {
  format: typeof PREPROCESSING_FORMAT;
  task: 'classification' | 'regression';
  /** Class index → label text as written in the files (classification only). */
  classes?: string[];
  /** Raw label → class label, applied before `classes` (e.g. beat symbols to AAMI classes). */
  labelMap?: Record<string, string>;
  channels: number;
  /** Time steps every sample is made to have. */
  length: number;
  lengthPolicy: LengthPolicy;
  /** How 'pad' fills: the last value (no artificial edge) or 0. */
  pad: 'last' | 'zero';
  missing: Missing;
  normalize: Normalize;
  /** Per-channel mean / std of the training rows ('channel'). */
  stats?: { mean: number; std: number }[];
  /**
   * The shape the model takes: [channels, length] for 1-D models, or for 2-D models
   * [1, length, channels] — time × features, the keyword-spotting (DS-CNN) convention.
   */
  sampleShape: number[];
  features?: SourceFeatures;
}

export interface FitOptions {
  task?: 'classification' | 'regression';
  classes?: string[];
  labelMap?: Record<string, string>;
  /** A number, or how to derive it from the training lengths. */
  length?: number | 'max' | 'min' | 'median';
  lengthPolicy?: LengthPolicy;
  pad?: 'last' | 'zero';
  missing?: Missing;
  normalize?: Normalize;
  layout?: 'sequence' | 'image';
  features?: SourceFeatures;
}

/** A label after labelMap; null when the label map drops it (mapped to ""). */
export function mappedLabel(raw: string, map: Record<string, string> | undefined): string {
  if (map === undefined) return raw;
  return Object.prototype.hasOwnProperty.call(map, raw) ? map[raw] : raw;
}

function isNumeric(s: string): boolean {
  return s.trim() !== '' && Number.isFinite(Number(s));
}

/** Class order: as declared, else numerically when every label is a number, else alphabetically. */
export function classOrder(labels: readonly string[], declared?: readonly string[]): string[] {
  const seen = [...new Set(labels)];
  if (declared !== undefined && declared.length > 0) return [...declared];
  if (seen.every(isNumeric)) return seen.sort((a, b) => Number(a) - Number(b));
  return seen.sort();
}

function chooseTask(t: SeriesTable, requested: FitOptions['task']): 'classification' | 'regression' {
  if (requested !== undefined) return requested;
  if (t.taskHint !== undefined) return t.taskHint;
  return 'classification';
}

function chooseLength(t: SeriesTable, want: FitOptions['length']): number {
  const lengths = [...t.lengths].sort((a, b) => a - b);
  if (lengths.length === 0) throw new Error(`${t.source}: no series to train on`);
  let n: number;
  if (typeof want === 'number') n = want;
  else if (want === 'min') n = lengths[0];
  else if (want === 'median') n = lengths[Math.floor(lengths.length / 2)];
  else n = lengths[lengths.length - 1];
  if (!Number.isInteger(n) || n < 1) throw new Error(`${t.source}: length ${n} is not a positive integer (series lengths ${lengths[0]}..${lengths[lengths.length - 1]})`);
  return n;
}

/** Decides the preprocessing from the training table alone. */
export function fitPreprocessing(train: SeriesTable, o: FitOptions = {}): Preprocessing {
  const task = chooseTask(train, o.task);
  const length = chooseLength(train, o.length);
  const p: Preprocessing = {
    format: PREPROCESSING_FORMAT, task, channels: train.channels, length,
    lengthPolicy: o.lengthPolicy ?? 'pad', pad: o.pad ?? 'last', missing: o.missing ?? 'interpolate',
    normalize: o.normalize ?? 'none',
    sampleShape: o.layout === 'image' ? [1, length, train.channels] : [train.channels, length],
  };
  if (o.labelMap !== undefined) p.labelMap = { ...o.labelMap };
  if (o.features !== undefined) p.features = o.features;
  if (train.labels === null) throw new Error(`${train.source}: the training data has no labels; name the label column (or target) in the dataset description`);
  if (task === 'classification') {
    const mapped = train.labels.map((l) => mappedLabel(l, o.labelMap)).filter((l) => l !== '');
    const declared = o.classes ?? (o.labelMap === undefined ? train.declaredClasses : undefined);
    p.classes = classOrder(mapped, declared);
    if (p.classes.length < 2) throw new Error(`${train.source}: the training data has ${p.classes.length} class${p.classes.length === 1 ? ` ('${p.classes[0]}')` : 'es'}; classification needs at least 2 (for a numeric target, set "task": "regression")`);
  }
  if (p.normalize === 'channel') {
    const { x } = shapeValues(train, p);
    p.stats = channelStats(x, p.channels, p.length);
  }
  return p;
}

/** Missing values of one channel row, filled in place; returns how many were filled. */
function fillMissing(row: Float32Array, how: Missing, where: () => string): number {
  let missing = 0;
  for (let t = 0; t < row.length; t++) if (Number.isNaN(row[t])) missing++;
  if (missing === 0) return 0;
  if (how === 'error') throw new Error(`${where()}: ${missing} missing value(s) (NaN / '?'); set "missing": "interpolate" or "zero" in the dataset description, or fix the file`);
  if (how === 'zero' || missing === row.length) {
    for (let t = 0; t < row.length; t++) if (Number.isNaN(row[t])) row[t] = 0;
    return missing;
  }
  // Linear interpolation between the nearest known values; the edges repeat the nearest one.
  let prev = -1;
  for (let t = 0; t <= row.length; t++) {
    if (t < row.length && Number.isNaN(row[t])) continue;
    const a = prev >= 0 ? row[prev] : row[t];
    const b = t < row.length ? row[t] : row[prev];
    for (let k = prev + 1; k < t; k++) row[k] = prev < 0 || t >= row.length ? (prev < 0 ? b : a) : a + ((b - a) * (k - prev)) / (t - prev);
    prev = t;
  }
  return missing;
}

/** One channel row fitted to `length` by the policy. */
function fitRow(row: Float32Array, length: number, policy: LengthPolicy, pad: 'last' | 'zero'): Float32Array {
  const n = row.length;
  if (n === length) return row;
  const out = new Float32Array(length);
  if (policy === 'resample' && n > 1) {
    // Linear interpolation over the same time span (first and last samples kept).
    for (let t = 0; t < length; t++) {
      const pos = length === 1 ? 0 : (t * (n - 1)) / (length - 1);
      const i = Math.floor(pos);
      const f = pos - i;
      out[t] = i + 1 < n ? row[i] * (1 - f) + row[i + 1] * f : row[n - 1];
    }
    return out;
  }
  if (n > length) {
    // 'crop' and 'pad' both cut longer series; 'crop' keeps the centre, 'pad' the start.
    const start = policy === 'crop' ? Math.floor((n - length) / 2) : 0;
    out.set(row.subarray(start, start + length));
    return out;
  }
  out.set(row);
  out.fill(pad === 'last' && n > 0 ? row[n - 1] : 0, n);
  return out;
}

/** The table's series with missing values filled and lengths fitted (no normalisation yet). */
function shapeValues(t: SeriesTable, p: Preprocessing): { x: Float32Array; filled: number } {
  if (t.channels !== p.channels) {
    throw new Error(`${t.source}: ${t.channels} channel(s) per sample, but the model was trained on ${p.channels}; give the same channels in the same order`);
  }
  const size = p.channels * p.length;
  const x = new Float32Array(t.series.length * size);
  let filled = 0;
  for (let i = 0; i < t.series.length; i++) {
    const L = t.lengths[i];
    if (L < 1) throw new Error(`${t.source}: ${rowName(t, i)} is empty (0 time steps)`);
    for (let c = 0; c < p.channels; c++) {
      const row = t.series[i].slice(c * L, (c + 1) * L);
      filled += fillMissing(row, p.missing, () => `${t.source}: ${rowName(t, i)}, channel ${c + 1}`);
      for (let k = 0; k < row.length; k++) {
        if (!Number.isFinite(row[k]) || Math.abs(row[k]) > MAX_ABS_VALUE) {
          throw new Error(`${t.source}: ${rowName(t, i)}, channel ${c + 1}, step ${k + 1}: value ${row[k]} is not a usable number (|x| must be < 1e30); fix or remove that row`);
        }
      }
      x.set(fitRow(row, p.length, p.lengthPolicy, p.pad), i * size + c * p.length);
    }
  }
  return { x, filled };
}

export interface Prepared {
  x: Float32Array;
  /** Class indices, or targets; null when the table has no labels. */
  y: Int32Array | Float32Array | null;
  /** Rows kept (a label map may drop some), as indices into the table. */
  kept: Int32Array;
  /** Missing values that were filled. */
  filled: number;
}

/** Applies a fitted preprocessing to any table with the same channels. */
export function applyPreprocessing(t: SeriesTable, p: Preprocessing): Prepared {
  let keep: number[] | null = null;
  let labels: string[] | null = null;
  if (t.labels !== null) {
    labels = t.labels.map((l) => (p.task === 'classification' ? mappedLabel(l, p.labelMap) : l));
    if (labels.some((l) => l === '')) keep = labels.flatMap((l, i) => (l === '' ? [] : [i]));
  }
  const table = keep === null ? t : selectRows(t, keep);
  const kept = keep === null ? Int32Array.from(t.series, (_, i) => i) : Int32Array.from(keep);
  const shaped = shapeValues(table, p);
  normalizeInPlace(shaped.x, p);
  // The image layout is time × channels: the per-sample transpose of [C][L].
  const x = p.sampleShape.length === 3 ? imagesToSequences(shaped.x, shaped.x.length / (p.channels * p.length), p.channels, p.length) : shaped.x;
  const filled = shaped.filled;
  let y: Int32Array | Float32Array | null = null;
  if (labels !== null) {
    const rows = Array.from(kept, (i) => labels![i]);
    y = p.task === 'classification' ? classIndices(rows, p, table) : targets(rows, table);
  }
  return { x, y, kept, filled };
}

function normalizeInPlace(x: Float32Array, p: Preprocessing): void {
  if (p.normalize === 'channel') {
    const stats = p.stats;
    if (stats === undefined || stats.length !== p.channels) throw new Error(`preprocessing: 'channel' normalisation needs ${p.channels} fitted mean/std pairs`);
    applyChannelStats(x, p.channels, p.length, stats);
  } else if (p.normalize === 'series') {
    // Each channel of each series to zero mean and unit variance (the UCR archive's convention).
    for (let off = 0; off < x.length; off += p.length) standardizeInPlace(x, meanStd(x, off, off + p.length), off, off + p.length);
  }
}

function classIndices(labels: string[], p: Preprocessing, t: SeriesTable): Int32Array {
  const index = new Map((p.classes ?? []).map((c, i) => [c, i]));
  const out = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const c = index.get(labels[i]);
    if (c === undefined) {
      const known = (p.classes ?? []).slice(0, 20).map((s) => `'${s}'`).join(', ');
      throw new Error(`${t.source}: ${rowName(t, i)} has label '${labels[i]}', which is not a class the model knows (${known}); map it with "labelMap" or drop those rows`);
    }
    out[i] = c;
  }
  return out;
}

function targets(labels: string[], t: SeriesTable): Float32Array {
  const out = new Float32Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const v = Number(labels[i]);
    if (labels[i].trim() === '' || !Number.isFinite(v)) throw new Error(`${t.source}: ${rowName(t, i)} has target '${labels[i]}', which is not a finite number (regression)`);
    out[i] = v;
  }
  return out;
}

/** The rows `idx` of a table (labels, groups and names follow). */
export function selectRows(t: SeriesTable, idx: ArrayLike<number>): SeriesTable {
  const pick = <T>(a: T[]): T[] => Array.from(idx as ArrayLike<number>, (i) => a[i]);
  const out: SeriesTable = {
    ...t,
    series: pick(t.series),
    lengths: pick(t.lengths),
    labels: t.labels === null ? null : pick(t.labels),
    groups: t.groups === null ? null : pick(t.groups),
  };
  if (t.rowNames !== undefined) out.rowNames = pick(t.rowNames);
  return out;
}

/** Checks a preprocessing record read from a file (a checkpoint's metadata); `source` names it. */
export function checkPreprocessing(v: unknown, source: string): Preprocessing {
  const p = v as Partial<Preprocessing>;
  const bad = (what: string) => new Error(`${source}: preprocessing record: ${what}`);
  if (typeof p !== 'object' || p === null || p.format !== PREPROCESSING_FORMAT) throw bad(`format must be '${PREPROCESSING_FORMAT}'`);
  const posInt = (n: unknown) => typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 1 << 24;
  if (p.task !== 'classification' && p.task !== 'regression') throw bad(`task must be 'classification' or 'regression'`);
  if (!posInt(p.channels) || !posInt(p.length)) throw bad('channels and length must be positive integers');
  if (!['pad', 'crop', 'resample'].includes(String(p.lengthPolicy))) throw bad(`lengthPolicy '${String(p.lengthPolicy)}' is not pad, crop or resample`);
  if (!['none', 'series', 'channel'].includes(String(p.normalize))) throw bad(`normalize '${String(p.normalize)}' is not none, series or channel`);
  if (p.task === 'classification' && (!Array.isArray(p.classes) || !p.classes.every((c) => typeof c === 'string'))) throw bad('classes must list the class labels');
  if (p.normalize === 'channel' && (!Array.isArray(p.stats) || p.stats.length !== p.channels || !p.stats.every((s) => Number.isFinite(s?.mean) && Number.isFinite(s?.std) && s.std > 0))) throw bad('stats must hold one finite mean / positive std per channel');
  const okShape = Array.isArray(p.sampleShape) && p.sampleShape.every(posInt)
    && (p.sampleShape.length === 2 ? p.sampleShape[0] === p.channels && p.sampleShape[1] === p.length : p.sampleShape.length === 3 && p.sampleShape[0] === 1 && p.sampleShape[1] === p.length && p.sampleShape[2] === p.channels);
  if (!okShape) throw bad(`sampleShape [${String(p.sampleShape)}] must be [channels, length] or [1, length, channels]`);
  return p as Preprocessing;
}

/** A one-line account of the preprocessing, for run records and logs. */
export function describePreprocessing(p: Preprocessing): string {
  const parts = [
    `${p.task}${p.classes ? ` over ${p.classes.length} classes (${p.classes.slice(0, 12).join(', ')}${p.classes.length > 12 ? ', …' : ''})` : ''}`,
    `${p.channels} channel(s) × ${p.length} steps (${p.lengthPolicy}${p.lengthPolicy === 'pad' ? ` with ${p.pad === 'last' ? 'the last value' : 'zeros'}` : ''})`,
    `missing values: ${p.missing}`,
    `normalisation: ${p.normalize === 'channel' ? 'per channel with training statistics' : p.normalize === 'series' ? 'each series to zero mean / unit variance' : 'none'}`,
  ];
  if (p.labelMap) parts.push(`label map of ${Object.keys(p.labelMap).length} entries`);
  return parts.join('; ');
}
