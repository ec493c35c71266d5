/**
 * Pieces shared by the named dataset loaders: label mapping, the seeded validation split,
 * the `limit` cap and option checks.
 */

import { Rng } from '../../tensor/rng.js';
import { limitDataset, stratifiedSplit, subset } from '../split.js';
import type { ArrayDataset, DatasetInfo, DatasetSplits, LoadOptions } from '../types.js';

export function seedOf(opts: LoadOptions): number {
  const seed = opts.seed ?? 0;
  if (!Number.isFinite(seed)) throw new Error(`seed must be a finite number, got ${seed}`);
  return seed;
}

/** Maps raw file labels to class indices; an unexpected label names the file and the row. */
export function mapLabels(raw: ArrayLike<number>, mapping: Map<number, number>, source: string): Int32Array {
  const out = new Int32Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const c = mapping.get(raw[i]);
    if (c === undefined) {
      throw new Error(`${source}: series ${i + 1} has label ${raw[i]}; expected one of ${[...mapping.keys()].join(', ')}`);
    }
    out[i] = c;
  }
  return out;
}

/** Labels first..last mapped to 0..last-first. */
export function rangeMapping(first: number, last: number): Map<number, number> {
  const m = new Map<number, number>();
  for (let v = first; v <= last; v++) m.set(v, v - first);
  return m;
}

/**
 * Carves a stratified validation split of `fraction` out of `fullTrain` with the run's seed,
 * applies `limit` to what is left for training, and bundles the three splits.
 * Rng streams: the validation split draws from Rng(seed), the limit from a fork of it, so
 * the validation set does not change when `limit` does.
 */
export function splitsWithStratifiedVal(
  fullTrain: ArrayDataset,
  test: ArrayDataset,
  fraction: number,
  opts: LoadOptions,
  info: DatasetInfo,
): DatasetSplits {
  const rng = new Rng(seedOf(opts));
  const limitRng = rng.fork();
  const { a, b } = stratifiedSplit(fullTrain.y, fraction, rng);
  const train = limitDataset(subset(fullTrain, a), opts.limit, limitRng);
  return { train, val: subset(fullTrain, b), test, info };
}

/** Applies `limit` to a ready-made training split (for protocols with a fixed validation set). */
export function withLimit(splits: DatasetSplits, opts: LoadOptions): DatasetSplits {
  if (opts.limit === undefined) return splits;
  const rng = new Rng(seedOf(opts)).fork();
  return { ...splits, train: limitDataset(splits.train, opts.limit, rng) };
}

/** Rejects options that mean nothing for this dataset instead of silently ignoring them. */
export function checkOptions(name: string, opts: LoadOptions, allowed: { layout?: ('image' | 'sequence')[]; features?: ('mfcc' | 'raw')[] }): void {
  if (opts.layout !== undefined && !(allowed.layout ?? ['sequence']).includes(opts.layout)) {
    throw new Error(`dataset '${name}': layout '${opts.layout}' is not available; use ${(allowed.layout ?? ['sequence']).map((l) => `'${l}'`).join(' or ')}`);
  }
  if (opts.features !== undefined && !(allowed.features ?? []).includes(opts.features)) {
    throw new Error(
      allowed.features
        ? `dataset '${name}': features must be ${allowed.features.map((f) => `'${f}'`).join(' or ')}, got '${opts.features}'`
        : `dataset '${name}': the 'features' option applies only to fsdd`,
    );
  }
  if (opts.limit !== undefined && (!Number.isInteger(opts.limit) || opts.limit <= 0)) {
    throw new Error(`dataset '${name}': limit must be a positive integer, got ${opts.limit}`);
  }
}

/** Copies image samples [n][rows][cols] into [n][cols][rows]: pixel columns become channels, rows time steps. */
export function imagesToSequences(x: Float32Array, n: number, rows: number, cols: number): Float32Array {
  const out = new Float32Array(x.length);
  const size = rows * cols;
  for (let s = 0; s < n; s++) {
    const base = s * size;
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[base + c * rows + r] = x[base + r * cols + c];
  }
  return out;
}
