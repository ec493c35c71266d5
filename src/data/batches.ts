/**
 * Mini-batch iteration over an ArrayDataset.
 *
 * The epoch's order is drawn up front from the Rng (one permutation per call), so resuming an
 * interrupted epoch with `startBatch` and a restored Rng state yields exactly the remaining
 * batches of the original run.
 */

import { getRng, type Rng } from '../tensor/rng.js';
import { type ArrayDataset, sampleSize } from './types.js';

export interface Batch {
  /** n samples of the dataset's sampleShape, contiguous. */
  x: Float32Array;
  y: Int32Array | Float32Array;
  n: number;
  /** Positions of these samples in the dataset. */
  indices: Int32Array;
}

export interface BatchOptions {
  /** Generator for the shuffle; the library-wide one (getRng()) when omitted. */
  rng?: Rng;
  /** Shuffle the order; default true when an rng is given, false otherwise. */
  shuffle?: boolean;
  /** Drop a final batch smaller than batchSize. */
  dropLast?: boolean;
  /** Skip the first batches of this epoch's order (for resuming). */
  startBatch?: number;
}

export function* batches(ds: ArrayDataset, batchSize: number, opts: BatchOptions = {}): Generator<Batch> {
  if (!Number.isInteger(batchSize) || batchSize <= 0) throw new Error(`batches: batchSize must be a positive integer, got ${batchSize}`);
  const startBatch = opts.startBatch ?? 0;
  if (!Number.isInteger(startBatch) || startBatch < 0) throw new Error(`batches: startBatch must be a non-negative integer, got ${startBatch}`);
  const shuffle = opts.shuffle ?? opts.rng !== undefined;
  let order: Int32Array;
  if (shuffle) {
    order = (opts.rng ?? getRng()).permutation(ds.length);
  } else {
    order = new Int32Array(ds.length);
    for (let i = 0; i < ds.length; i++) order[i] = i;
  }
  const size = sampleSize(ds.sampleShape);
  const isInt = ds.y instanceof Int32Array;
  for (let start = startBatch * batchSize; start < ds.length; start += batchSize) {
    const n = Math.min(batchSize, ds.length - start);
    if (n < batchSize && opts.dropLast) return;
    const indices = order.slice(start, start + n);
    const x = new Float32Array(n * size);
    const y = isInt ? new Int32Array(n) : new Float32Array(n);
    for (let j = 0; j < n; j++) {
      const i = indices[j];
      x.set(ds.x.subarray(i * size, (i + 1) * size), j * size);
      y[j] = ds.y[i];
    }
    yield { x, y, n, indices };
  }
}

/** Number of batches `batches` yields for these settings (startBatch not counted). */
export function batchCount(length: number, batchSize: number, dropLast = false): number {
  return dropLast ? Math.floor(length / batchSize) : Math.ceil(length / batchSize);
}
