/**
 * Splitting and sub-setting datasets: stratified splits drawn from a seeded Rng, index-based
 * subsets, and the `limit` cap used by quick tests.
 */

import { Rng } from '../tensor/rng.js';
import { type ArrayDataset, sampleSize } from './types.js';

/**
 * Splits sample indices into `a` (the rest) and `b` (≈ `fraction` of each class).
 *
 * The total size of `b` is round(fraction · n); it is shared among the classes by largest
 * remainder (ties → the smaller class label) so that each class gets ⌊fraction · n_c⌋ or one
 * more. Within each class the members of `b` are drawn with `rng`. Both outputs are sorted,
 * so the dataset order is kept.
 */
export function stratifiedSplit(labels: ArrayLike<number>, fraction: number, rng: Rng): { a: Int32Array; b: Int32Array } {
  if (!(fraction >= 0 && fraction <= 1)) throw new Error(`stratifiedSplit: fraction must be in [0, 1], got ${fraction}`);
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const list = byClass.get(labels[i]);
    if (list) list.push(i);
    else byClass.set(labels[i], [i]);
  }
  const classes = [...byClass.keys()].sort((p, q) => p - q);
  const target = Math.round(fraction * labels.length);
  const quota = classes.map((c) => Math.floor(fraction * byClass.get(c)!.length));
  let left = target - quota.reduce((s, q) => s + q, 0);
  const order = classes
    .map((c, i) => ({ i, rem: fraction * byClass.get(c)!.length - quota[i] }))
    .sort((p, q) => q.rem - p.rem || p.i - q.i);
  for (const { i } of order) {
    if (left <= 0) break;
    if (quota[i] < byClass.get(classes[i])!.length) {
      quota[i]++;
      left--;
    }
  }
  const inB = new Uint8Array(labels.length);
  classes.forEach((c, ci) => {
    const members = byClass.get(c)!;
    const perm = rng.permutation(members.length);
    for (let j = 0; j < quota[ci]; j++) inB[members[perm[j]]] = 1;
  });
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < labels.length; i++) (inB[i] ? b : a).push(i);
  return { a: Int32Array.from(a), b: Int32Array.from(b) };
}

/** The samples at `indices`, copied into a new dataset (same name, task and shape). */
export function subset(ds: ArrayDataset, indices: ArrayLike<number>): ArrayDataset {
  const size = sampleSize(ds.sampleShape);
  const x = new Float32Array(indices.length * size);
  const y = ds.y instanceof Int32Array ? new Int32Array(indices.length) : new Float32Array(indices.length);
  for (let j = 0; j < indices.length; j++) {
    const i = indices[j];
    if (!Number.isInteger(i) || i < 0 || i >= ds.length) {
      throw new Error(`subset of '${ds.name}': index ${i} (position ${j}) is out of range 0..${ds.length - 1}`);
    }
    x.set(ds.x.subarray(i * size, (i + 1) * size), j * size);
    y[j] = ds.y[i];
  }
  const out: ArrayDataset = { name: ds.name, x, sampleShape: [...ds.sampleShape], y, length: indices.length, task: ds.task };
  if (ds.numClasses !== undefined) out.numClasses = ds.numClasses;
  return out;
}

/**
 * At most `limit` samples of a training split: a stratified subset drawn with `rng` for
 * classification (the files are often sorted by class, so a prefix would hold one class),
 * evenly spaced samples for regression (so every recording is represented).
 */
export function limitDataset(ds: ArrayDataset, limit: number | undefined, rng: Rng): ArrayDataset {
  if (limit === undefined || limit >= ds.length) return ds;
  if (!Number.isInteger(limit) || limit <= 0) throw new Error(`limit must be a positive integer, got ${limit}`);
  if (ds.task === 'classification') return subset(ds, stratifiedSplit(ds.y, limit / ds.length, rng).b);
  const idx = new Int32Array(limit);
  for (let j = 0; j < limit; j++) idx[j] = Math.floor((j * ds.length) / limit);
  return subset(ds, idx);
}

/** Makes an ArrayDataset after checking that the arrays agree with the shape. */
export function makeDataset(
  name: string,
  x: Float32Array,
  sampleShape: number[],
  y: Int32Array | Float32Array,
  task: 'classification' | 'regression',
  numClasses?: number,
): ArrayDataset {
  const size = sampleSize(sampleShape);
  if (x.length !== y.length * size) {
    throw new Error(`${name}: ${x.length} values do not make ${y.length} samples of shape [${sampleShape.join(', ')}]`);
  }
  const ds: ArrayDataset = { name, x, sampleShape, y, length: y.length, task };
  if (numClasses !== undefined) ds.numClasses = numClasses;
  return ds;
}
