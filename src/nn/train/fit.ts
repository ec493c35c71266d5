/**
 * The training protocol as one library call: epochs of mini-batch training with an optimiser
 * and a schedule, validation after every epoch, the best weights (by validation metric, or by
 * validation loss with select 'best-loss') kept and restored at the end, optional early stopping.
 */

import type { Tensor } from '../../tensor/tensor.js';
import { getRng, Rng, type RngState } from '../../tensor/rng.js';
import type { OptimizerStateDict } from '../optim/stateDict.js';
import type { LRScheduler, LRSchedulerStateDict } from '../optim/lrScheduler.js';
import type { DatasetSplits } from '../../data/types.js';
import type { Module } from '../module.js';
import { Adam, AdamW } from '../optim/adam.js';
import { SGD } from '../optim/sgd.js';
import { CosineAnnealingLR, StepLR } from '../optim/schedulers.js';
import { clipGradNorm } from '../optim/clip.js';
import type { TrainConfig } from './config.js';
import { checkFiniteOptimizer, checkFiniteState, TrainingDivergedError } from './divergence.js';
import { checkBatchBudget } from './batchBudget.js';
import { TrainingInterruptedError, type PartialEpoch } from './interrupt.js';
import { evaluate, trainEpoch, type EpochContext, type EpochResult } from './epoch.js';
import { defaultLoss, fitScaler, MetricAccumulator, type TaskKind } from './task.js';

export interface EpochRecord {
  epoch: number;
  lr: number;
  trainLoss: number;
  trainMetric: number;
  valLoss: number;
  valMetric: number;
  seconds: number;
}

export interface FitHooks {
  onBatch?: (epoch: number, done: number, total: number, loss: number) => void;
  onEpoch?: (r: EpochRecord) => void;
  /**
   * After every finished epoch (scheduler stepped, best updated): everything needed to resume.
   * Also when an epoch is interrupted (Ctrl-C), with `partial` saying where it stopped.
   */
  onEpochEnd?: (p: FitProgress) => void;
}

/**
 * The training loop's whole state at an epoch boundary, besides the model's own weights and
 * buffers: optimiser moments, scheduler, both random generators (the loop's and the global one
 * that dropout may draw from), history, and the best epoch with its weights. The data order of
 * the next epoch is drawn from `rng`, so restoring it resumes the data order exactly.
 */
export interface FitProgress {
  epoch: number;
  stopped: boolean;
  history: EpochRecord[];
  best: number;
  bestLoss: number;
  bestEpoch: number;
  sinceBest: number;
  rng: RngState;
  globalRng: RngState;
  optimizer: OptimizerStateDict;
  scheduler: LRSchedulerStateDict | null;
  bestState: Map<string, Float32Array | Float64Array>;
  /** Set when epoch `epoch + 1` was interrupted: where it stopped (the model holds the weights of then). */
  partial?: PartialEpoch;
}

export interface FitResult {
  history: EpochRecord[];
  bestEpoch: number;
  ctx: EpochContext;
  seconds: number;
}

type Optim = Adam | AdamW | SGD;

export function makeOptimizer(params: Tensor[], cfg: TrainConfig): Optim {
  switch (cfg.optimizer) {
    case 'adam': return new Adam(params, { lr: cfg.lr, weightDecay: cfg.weightDecay });
    case 'adamw': return new AdamW(params, { lr: cfg.lr, weightDecay: cfg.weightDecay });
    case 'sgd': return new SGD(params, { lr: cfg.lr, momentum: cfg.momentum, weightDecay: cfg.weightDecay });
    default: throw new Error(`unknown optimizer '${String(cfg.optimizer)}' (valid: adam, adamw, sgd)`);
  }
}

export function makeScheduler(opt: Optim, cfg: TrainConfig): LRScheduler | null {
  if (cfg.scheduler === 'cosine') return new CosineAnnealingLR(opt, { tMax: Math.max(cfg.epochs, 1) });
  if (cfg.scheduler === 'step') return new StepLR(opt, { stepSize: cfg.stepSize, gamma: cfg.gamma });
  return null;
}

export function taskContext(splits: DatasetSplits, cfg: TrainConfig): EpochContext {
  const task: TaskKind = splits.info.task;
  return {
    task,
    numClasses: splits.info.numClasses ?? 1,
    loss: { loss: (cfg.loss ?? defaultLoss(task)) as EpochContext['loss']['loss'], labelSmoothing: cfg.labelSmoothing, huberDelta: cfg.huberDelta },
    scaler: task === 'regression' ? fitScaler(splits.train.y) : null,
  };
}

/** Copies of every parameter and buffer value, to restore the best epoch later. */
export function snapshot(model: Module): Map<string, Float32Array | Float64Array> {
  const m = new Map<string, Float32Array | Float64Array>();
  for (const [k, t] of model.stateDict()) m.set(k, Float64Array.from(t.data));
  return m;
}

export function restore(model: Module, snap: Map<string, Float32Array | Float64Array>): void {
  for (const [k, t] of model.stateDict()) {
    const v = snap.get(k);
    if (v !== undefined) for (let i = 0; i < t.data.length; i++) t.data[i] = v[i];
  }
}

/** On divergence, restore the last finished epoch's weights and record it on the error. */
function rollBack(e: unknown, model: Module, lastGood: Map<string, Float32Array | Float64Array>, lastGoodEpoch: number, history: EpochRecord[]): unknown {
  if (e instanceof TrainingDivergedError) {
    restore(model, lastGood);
    e.lastGoodEpoch = lastGoodEpoch;
    e.history = history;
  }
  return e;
}

/**
 * Train `model` by the protocol in `cfg`. With `resume` (a FitProgress from onEpochEnd, the
 * model already holding that epoch's weights) the loop continues after `resume.epoch` exactly
 * as the uninterrupted run would have.
 */
export function fit(model: Module, splits: DatasetSplits, cfg: TrainConfig, hooks: FitHooks = {}, resume?: FitProgress): FitResult {
  // Before any allocation for training: a batch that cannot fit fails here, not in a kernel.
  checkBatchBudget(cfg.batchSize, splits.train);
  const t0 = performance.now();
  const ctx = taskContext(splits, cfg);
  const rng = new Rng(cfg.seed * 7919 + 17);
  const opt = makeOptimizer(model.parameters(), cfg);
  const sched = makeScheduler(opt, cfg);
  const history: EpochRecord[] = [];
  // Best epoch: highest validation metric, ties broken by lower validation loss (a small
  // validation split, e.g. ECG200's 20 series, ties often). With select 'best-loss': the first
  // epoch of lowest validation loss, as PLiNIO's reference scripts keep it. `best` then holds
  // that epoch's metric; the comparison reads only `bestLoss`, which a resume restores, so a
  // resumed run picks the same epoch.
  let best = -Infinity;
  let bestLoss = Infinity;
  let bestEpoch = 0;
  let bestState = snapshot(model);
  let sinceBest = 0;
  // The weights at the end of the last finished epoch: what a divergence rolls back to.
  let lastGood = bestState;
  let lastGoodEpoch = 0;
  let stopped = false;
  if (resume !== undefined) {
    opt.loadStateDict(resume.optimizer);
    if (resume.scheduler !== null) sched?.loadStateDict(resume.scheduler);
    rng.setState(resume.rng);
    getRng().setState(resume.globalRng);
    history.push(...resume.history);
    ({ best, bestLoss, bestEpoch, sinceBest, stopped, bestState } = resume);
    lastGood = snapshot(model);
    lastGoodEpoch = resume.epoch;
  }
  // The loop's state after `done` epochs (and, when interrupted, where the next one stopped).
  const progress = (done: number, rngState: RngState, partial?: PartialEpoch): FitProgress => ({
    epoch: done, stopped, history: [...history], best, bestLoss, bestEpoch, sinceBest, rng: rngState, globalRng: partial?.globalRng ?? getRng().getState(),
    optimizer: opt.stateDict(), scheduler: sched?.stateDict() ?? null, bestState, ...(partial === undefined ? {} : { partial }),
  });
  const first = (resume?.epoch ?? 0) + 1;
  for (let epoch = first; epoch <= cfg.epochs && !stopped; epoch++) {
    const e0 = performance.now();
    const lr = opt.paramGroups[0].lr;
    let tr: EpochResult;
    try {
      tr = trainEpoch(model, splits.train, ctx, {
        epoch,
        resume: epoch === first ? resume?.partial : undefined,
        batchSize: cfg.batchSize,
        rng,
        optimizers: [opt],
        beforeStep: cfg.clipGradNorm > 0 ? () => clipGradNorm(model.parameters(), cfg.clipGradNorm) : undefined,
        onBatch: (d, t, l) => hooks.onBatch?.(epoch, d, t, l),
        augment: { scale: cfg.augScale, noise: cfg.augNoise, shift: cfg.augShift },
      });
    } catch (e) {
      if (e instanceof TrainingInterruptedError && e.partial !== null) {
        hooks.onEpochEnd?.(progress(epoch - 1, e.partial.rngStart, e.partial));
      }
      throw rollBack(e, model, lastGood, lastGoodEpoch, history);
    }
    const va = evaluate(model, splits.val, ctx);
    try {
      // Weights that give a NaN / Inf validation loss are not a good state to keep or resume.
      if (!Number.isFinite(va.loss)) {
        throw new TrainingDivergedError({ epoch, batch: 0, batches: 0 }, 'validation', '(validation)', `validation loss is ${va.loss} after the epoch (training loss ${tr.loss})`);
      }
      // Running statistics can overflow while the loss stays finite; such weights are never kept.
      checkFiniteState(model.stateDict(), { epoch, batch: 0, batches: 0 });
      checkFiniteOptimizer(opt.stateDict(), 'optimiser', { epoch, batch: 0, batches: 0 });
    } catch (e) {
      throw rollBack(e, model, lastGood, lastGoodEpoch, history);
    }
    sched?.step();
    const rec: EpochRecord = {
      epoch, lr, trainLoss: tr.loss, trainMetric: tr.metric, valLoss: va.loss, valMetric: va.metric,
      seconds: (performance.now() - e0) / 1000,
    };
    history.push(rec);
    lastGood = snapshot(model);
    lastGoodEpoch = epoch;
    hooks.onEpoch?.(rec);
    const score = MetricAccumulator.score(va);
    const improved = cfg.select === 'best-loss' ? va.loss < bestLoss : score > best || (score === best && va.loss < bestLoss);
    if (improved) {
      best = score;
      bestLoss = va.loss;
      bestEpoch = epoch;
      bestState = snapshot(model);
      sinceBest = 0;
    } else if (cfg.patience > 0 && ++sinceBest >= cfg.patience) {
      stopped = true;
    }
    hooks.onEpochEnd?.(progress(epoch, rng.getState()));
  }
  if (cfg.epochs > 0 && cfg.select !== 'last') restore(model, bestState);
  if (cfg.select === 'last') bestEpoch = history.length;
  return { history, bestEpoch, ctx, seconds: (performance.now() - t0) / 1000 };
}
