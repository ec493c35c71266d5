/**
 * The training protocol as one library call: epochs of mini-batch training with an optimiser
 * and a schedule, validation after every epoch, the best weights (by validation metric, or by
 * validation loss with select 'best-loss') kept and restored at the end, optional early stopping.
 * The epochs run in the search layer's one resumable loop (../loop.ts).
 */

import type { Tensor } from '../../tensor/tensor.js';
import { Rng, type RngState } from '../../tensor/rng.js';
import type { OptimizerStateDict } from '../../nn/optim/stateDict.js';
import type { LRScheduler, LRSchedulerStateDict } from '../../nn/optim/lrScheduler.js';
import type { DatasetSplits } from '../../data/types.js';
import type { Module } from '../../nn/module.js';
import { Adam, AdamW } from '../../nn/optim/adam.js';
import { SGD } from '../../nn/optim/sgd.js';
import { CosineAnnealingLR, StepLR } from '../../nn/optim/schedulers.js';
import { clipGradNorm } from '../../nn/optim/clip.js';
import type { TrainConfig } from '../../nn/train/config.js';
import { checkBatchBudget } from './batchBudget.js';
import type { PartialEpoch } from '../../nn/train/interrupt.js';
import { evaluate, trainEpoch, type EpochContext } from './epoch.js';
import { checkEpochFinite, runEpochs } from '../loop.js';
import { defaultLoss, fitScaler, MetricAccumulator, type TaskKind } from '../../nn/train/task.js';

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

export { snapshot, restore } from '../../nn/train/snapshot.js';

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
  if (resume !== undefined) {
    opt.loadStateDict(resume.optimizer);
    if (resume.scheduler !== null) sched?.loadStateDict(resume.scheduler);
  }
  // Best epoch: highest validation metric, ties broken by lower validation loss (a small
  // validation split, e.g. ECG200's 20 series, ties often). With select 'best-loss': the first
  // epoch of lowest validation loss, as PLiNIO's reference scripts keep it. `best` then holds
  // that epoch's metric; the comparison reads only `bestLoss`, which a resume restores, so a
  // resumed run picks the same epoch.
  const r = runEpochs<EpochRecord, FitKey, PartialEpoch, FitProgress>({
    model, epochs: cfg.epochs, rng, initialKey: { best: -Infinity, bestLoss: Infinity },
    body: (epoch, partial) => {
      const e0 = performance.now();
      const lr = opt.paramGroups[0].lr;
      const tr = trainEpoch(model, splits.train, ctx, {
        epoch,
        resume: partial,
        batchSize: cfg.batchSize,
        rng,
        optimizers: [opt],
        beforeStep: cfg.clipGradNorm > 0 ? () => clipGradNorm(model.parameters(), cfg.clipGradNorm) : undefined,
        onBatch: (d, t, l) => hooks.onBatch?.(epoch, d, t, l),
        augment: { scale: cfg.augScale, noise: cfg.augNoise, shift: cfg.augShift },
      });
      const va = evaluate(model, splits.val, ctx);
      checkEpochFinite(model, epoch, va.loss, `validation loss is ${va.loss} after the epoch (training loss ${tr.loss})`, [['optimiser', opt]]);
      sched?.step();
      const record: EpochRecord = {
        epoch, lr, trainLoss: tr.loss, trainMetric: tr.metric, valLoss: va.loss, valMetric: va.metric,
        seconds: (performance.now() - e0) / 1000,
      };
      return { record, key: { best: MetricAccumulator.score(va), bestLoss: va.loss } };
    },
    better: (c, b) => (cfg.select === 'best-loss' ? c.bestLoss < b.bestLoss : c.best > b.best || (c.best === b.best && c.bestLoss < b.bestLoss)),
    patience: cfg.patience,
    interrupted: (p) => p,
    // FitProgress keeps its fields and their order (state files written before keep loading; the saved JSON keeps its layout).
    progress: (s) => ({
      epoch: s.epoch, stopped: s.stopped, history: s.history, best: s.key.best, bestLoss: s.key.bestLoss, bestEpoch: s.bestEpoch, sinceBest: s.sinceBest,
      rng: s.rng, globalRng: s.globalRng, optimizer: opt.stateDict(), scheduler: sched?.stateDict() ?? null, bestState: s.bestState,
      ...(s.partial === undefined ? {} : { partial: s.partial }),
    }),
    onEpoch: hooks.onEpoch,
    onEpochEnd: hooks.onEpochEnd,
    select: cfg.select === 'last' ? 'last' : 'best',
    withoutBest: 'restore',
  }, resume === undefined ? undefined : { ...resume, key: { best: resume.best, bestLoss: resume.bestLoss } });
  return { history: r.history, bestEpoch: r.bestEpoch, ctx, seconds: (performance.now() - t0) / 1000 };
}

/** fit's best-so-far: the validation score and loss of the best epoch. */
interface FitKey {
  best: number;
  bestLoss: number;
}
