/**
 * NumPy arrays (from .npy / .npz) → the shared SeriesTable: x as [n, L] (one channel),
 * [n, C, L] (channels first, the default) or [n, L, C] (channelsLast, the Keras layout);
 * y and groups as [n] (or [n, 1]) arrays of numbers or strings, kept as text.
 */

import { checkTable, MAX_VALUES, type SeriesTable } from '../table.js';
import type { NpyArray } from './npy.js';

export interface NpyTableOptions {
  /** x is [n, L, C] rather than [n, C, L]. */
  channelsLast?: boolean;
  /** One group id (subject, recording) per sample. */
  groups?: NpyArray | null;
}

export function npyTable(x: NpyArray, y: NpyArray | null, source: string, opts: NpyTableOptions = {}): SeriesTable {
  const shape = x.shape;
  if (Array.isArray(x.data)) throw new Error(`${source}: x holds text (dtype ${x.dtype}); the series must be numbers`);
  if (shape.length < 2 || shape.length > 3) {
    throw new Error(`${source}: x has shape [${shape.join(', ')}]; expected [n, L] (one channel), [n, C, L] or, with channelsLast, [n, L, C]${shape.length > 3 ? ' — reshape images or multi-axis samples to [n, C, L] first' : ''}`);
  }
  if (shape.some((d) => d === 0)) throw new Error(`${source}: x has shape [${shape.join(', ')}]; every dimension must be at least 1`);
  if (x.data.length > MAX_VALUES) throw new Error(`${source}: x holds ${x.data.length} values, more than ${MAX_VALUES}`);
  const n = shape[0];
  const last = opts.channelsLast === true;
  const C = shape.length === 2 ? 1 : last ? shape[2] : shape[1];
  const L = shape.length === 2 ? shape[1] : last ? shape[1] : shape[2];
  const data = x.data;
  const series: Float32Array[] = [];
  for (let i = 0; i < n; i++) {
    const base = i * C * L;
    let s: Float32Array;
    if (!last || C === 1) s = Float32Array.from(data.subarray(base, base + C * L));
    else {
      // [L, C] → channel-major [C, L].
      s = new Float32Array(C * L);
      for (let t = 0; t < L; t++) for (let c = 0; c < C; c++) s[c * L + t] = data[base + t * C + c];
    }
    series.push(s);
  }
  const table: SeriesTable = {
    source,
    channels: C,
    series,
    lengths: new Array<number>(n).fill(L),
    labels: y === null ? null : column(y, 'y', n, source),
    groups: opts.groups ? column(opts.groups, 'groups', n, source) : null,
    rowNames: Array.from({ length: n }, (_, i) => `x[${i}]`),
  };
  return checkTable(table);
}

/** A per-sample array as text: integers as "3", floats as their shortest text, strings as they are. */
function column(a: NpyArray, name: string, n: number, source: string): string[] {
  const ok = a.shape.length === 1 || (a.shape.length === 2 && a.shape[1] === 1);
  if (!ok || a.shape[0] !== n) {
    throw new Error(`${source}: ${name} has shape [${a.shape.join(', ')}] but x has ${n} samples; expected [${n}]`);
  }
  const d = a.data;
  if (Array.isArray(d)) return d.slice();
  const out: string[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = a.dtype === 'b1' ? (d[i] ? 'True' : 'False') : d instanceof Float32Array ? float32Text(d[i]) : String(d[i]);
  return out;
}

/** The shortest decimal that reads back as the same float32 (0.1f → "0.1", not "0.10000000149011612"). */
function float32Text(v: number): string {
  if (!Number.isFinite(v) || Number.isInteger(v)) return String(v);
  for (let p = 1; p < 9; p++) {
    const s = String(Number(v.toPrecision(p)));
    if (Math.fround(Number(s)) === v) return s;
  }
  return String(v);
}
