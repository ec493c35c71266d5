/**
 * One pass over a dataset: `trainEpoch` updates the given parameters through an optimiser,
 * `evaluate` runs the model in eval mode without recording a graph. fit() and the searches
 * (searchMasks) run both in their epoch bodies, with their own optimisers and extra loss terms.
 */

import type { Tensor } from '../../tensor/tensor.js';
import { getRng, type Rng } from '../../tensor/rng.js';
import { tensor } from '../../tensor/create.js';
import { backward } from '../../autograd/backward.js';
import { noGrad } from '../../autograd/graph.js';
import { add } from '../../autograd/ops/elementwise.js';
import { batches, batchCount } from '../../data/batches.js';
import type { ArrayDataset } from '../../data/types.js';
import { augmentBatch, augmentEnabled, type AugmentOptions } from '../../data/augment.js';
import type { Module } from '../../nn/module.js';
import { checkGradients, checkLoss, LAMBDA_ADVICE, TrainingDivergedError } from '../../nn/train/divergence.js';
import { interruptRequested, TrainingInterruptedError, type PartialEpoch } from '../../nn/train/interrupt.js';
import { MetricAccumulator, taskLoss, type LossSettings, type MetricSummary, type TargetScaler, type TaskKind } from '../../nn/train/task.js';

export interface StepOptimizer {
  step(): void;
  zeroGrad(): void;
}

export interface EpochContext {
  task: TaskKind;
  numClasses: number;
  loss: LossSettings;
  scaler: TargetScaler | null;
}

export interface TrainEpochOptions {
  batchSize: number;
  rng: Rng;
  /** Optimisers stepped after every batch (e.g. one for weights). */
  optimizers: StepOptimizer[];
  /** Extra differentiable term added to the task loss (e.g. a cost regulariser), given the batch's task loss. */
  extraLoss?: (taskLoss: number) => Tensor | null;
  /** Called before each optimiser step (e.g. gradient clipping). */
  beforeStep?: () => void;
  onBatch?: (done: number, total: number, loss: number) => void;
  /** Random signal augmentation of each training batch (drawn from `rng`). */
  augment?: AugmentOptions;
  /** Epoch number named in a divergence error (omitted when not given). */
  epoch?: number;
  /** Finish an epoch interrupted after `resume.batch` batches (from TrainingInterruptedError.partial). */
  resume?: PartialEpoch;
  /** Draw a new order each epoch (default) or keep the dataset's order (a search's fixed validation order). */
  shuffle?: boolean;
  /**
   * Parameters this pass does not update (a search's masks and precision logits in its weights pass):
   * they are taken out of the graph while the forward runs, so the backward computes no gradient
   * for them (the same weight gradients, less work).
   */
  frozen?: readonly Tensor[];
}

/** Runs `f` with `frozen` marked as not requiring gradients, then restores their flags. */
function withFrozen<T>(frozen: readonly Tensor[] | undefined, f: () => T): T {
  if (frozen === undefined || frozen.length === 0) return f();
  const was = frozen.map((p) => p.requiresGrad);
  frozen.forEach((p) => (p.requiresGrad = false));
  try {
    return f();
  } finally {
    frozen.forEach((p, i) => (p.requiresGrad = was[i]));
  }
}

export interface EpochResult extends MetricSummary {
  /** Mean task loss per sample. */
  loss: number;
  samples: number;
  /** Mean of the extra term (extraLoss) per sample; 0 without one. */
  extra?: number;
}

function toInput(x: Float32Array, n: number, sampleShape: readonly number[]): Tensor {
  return tensor(x, [n, ...sampleShape]);
}

export function trainEpoch(model: Module, ds: ArrayDataset, ctx: EpochContext, o: TrainEpochOptions): EpochResult {
  model.train();
  // A final batch of one sample cannot be batch-normalised; drop it in that case only.
  const dropLast = ds.length % o.batchSize === 1;
  const total = batchCount(ds.length, o.batchSize, dropLast);
  const acc = new MetricAccumulator(ctx.task, ctx.numClasses, ctx.scaler);
  let resuming = o.resume;
  if (resuming !== undefined) {
    o.rng.setState(resuming.rngStart);
    acc.restore(resuming);
  }
  const rngStart = o.rng.getState();
  let lossSum = resuming?.lossSum ?? 0;
  let extraSum = resuming?.extraSum ?? 0;
  let samples = resuming?.samples ?? 0;
  let done = resuming?.batch ?? 0;
  // Every parameter's gradient is cleared before each backward, not only the stepped ones:
  // a search alternates optimisers over disjoint parameter sets on the same graph.
  const params = model.parameters();
  const named = model.namedParameters();
  for (const b of batches(ds, o.batchSize, { rng: o.rng, shuffle: o.shuffle ?? true, dropLast, startBatch: done })) {
    // The epoch's order is drawn again from rngStart; every draw after it continues where the interrupted epoch stopped.
    if (resuming !== undefined) {
      o.rng.setState(resuming.rng);
      getRng().setState(resuming.globalRng);
      resuming = undefined;
    }
    if (o.augment !== undefined && augmentEnabled(o.augment)) augmentBatch(b.x, b.n, ds.sampleShape, o.augment, o.rng);
    const out = withFrozen(o.frozen, () => model.call(toInput(b.x, b.n, ds.sampleShape)));
    let loss = taskLoss(out, b.y, ctx.task, ctx.loss, ctx.scaler);
    const lossValue = loss.item();
    const step = { epoch: o.epoch ?? 0, batch: done + 1, batches: total };
    checkLoss(loss, lossValue, step);
    const extra = o.extraLoss?.(lossValue) ?? null;
    // The task loss is finite here and the data was checked at load time, so a bad extra term is the regulariser's doing.
    const extraValue = extra === null ? 0 : extra.item();
    if (!Number.isFinite(extraValue)) {
      throw new TrainingDivergedError(step, 'regulariser', '(regulariser)', `the regulariser term is ${extraValue} while the task loss is ${lossValue}`, LAMBDA_ADVICE);
    }
    if (extra !== null) loss = add(loss, extra);
    for (const opt of o.optimizers) opt.zeroGrad();
    for (const p of params) p.grad = null;
    backward(loss);
    // Before clipping, which would spread one NaN over every gradient and hide its source.
    checkGradients(named, step, Math.abs(extraValue) > 1e6 * Math.max(1, Math.abs(lossValue)) ? LAMBDA_ADVICE : undefined);
    o.beforeStep?.();
    for (const opt of o.optimizers) opt.step();
    acc.add(out.values(), b.y);
    lossSum += lossValue * b.n;
    extraSum += extraValue * b.n;
    samples += b.n;
    done++;
    o.onBatch?.(done, total, lossValue);
    // Not after the last batch: that epoch ends normally and saves a whole-epoch state.
    if (done < total && interruptRequested()) {
      throw new TrainingInterruptedError({ ...step, batch: done }, {
        batch: done, rngStart, rng: o.rng.getState(), globalRng: getRng().getState(), lossSum, extraSum, samples, ...acc.state(),
      });
    }
  }
  return { ...acc.summary(), loss: lossSum / Math.max(samples, 1), samples, extra: extraSum / Math.max(samples, 1) };
}

export function evaluate(model: Module, ds: ArrayDataset, ctx: EpochContext, batchSize = 256): EpochResult & { outputs: Float32Array } {
  const wasTraining = model.training;
  model.eval();
  const acc = new MetricAccumulator(ctx.task, ctx.numClasses, ctx.scaler);
  const width = ctx.task === 'classification' ? ctx.numClasses : 1;
  const outputs = new Float32Array(ds.length * width);
  let lossSum = 0;
  let pos = 0;
  noGrad(() => {
    for (const b of batches(ds, batchSize, { shuffle: false })) {
      const out = model.call(toInput(b.x, b.n, ds.sampleShape));
      lossSum += taskLoss(out, b.y, ctx.task, ctx.loss, ctx.scaler).item() * b.n;
      const v = out.values();
      outputs.set(v, pos * width);
      acc.add(v, b.y);
      pos += b.n;
    }
  });
  model.train(wasTraining);
  return { ...acc.summary(), loss: lossSum / Math.max(ds.length, 1), samples: ds.length, outputs };
}
