/**
 * A memory bound on the mini-batch, checked before the first batch is built: a batch larger than
 * the machine can hold otherwise ends in `offset is out of bounds` deep in the wasm kernels, or
 * in unbounded memory on js, after the data was loaded and the model built.
 */

import { sampleSize, type ArrayDataset } from '../../data/types.js';

/** Most bytes one batch may take: its inputs times ACTIVATION_FACTOR. */
export const BATCH_MEMORY_BUDGET = 2 * 1024 ** 3;
/**
 * Bytes of activations, gradients and kernel scratch per input byte, rounded up from a
 * measurement: tcn-mnist on one batch of 7200 MNIST images (22 MB of inputs) peaked at 2.2 GB.
 * An estimate for the seed models; wider models need more.
 */
export const ACTIVATION_FACTOR = 128;

/** Throws when a batch of `batchSize` from `ds` would exceed the budget, naming the option and a size that fits. */
export function checkBatchBudget(batchSize: number, ds: ArrayDataset, split = 'training'): void {
  const n = Math.min(batchSize, ds.length);
  const perSample = sampleSize(ds.sampleShape) * 4 * ACTIVATION_FACTOR;
  const bytes = n * perSample;
  if (bytes <= BATCH_MEMORY_BUDGET) return;
  const fits = Math.max(1, Math.floor(BATCH_MEMORY_BUDGET / perSample));
  const gib = (b: number) => (b / 1024 ** 3).toFixed(1);
  const clamp = batchSize > ds.length ? ` (it is larger than the ${ds.length} ${split} samples, so one batch holds all of them)` : '';
  throw new Error(`--batch-size ${batchSize}${clamp}: a batch of ${n} samples of shape [${ds.sampleShape.join(', ')}] needs about ${gib(bytes)} GiB for its inputs and activations, more than the ${gib(BATCH_MEMORY_BUDGET)} GiB budget; use --batch-size ${fits} or less (64–256 is usual)`);
}
