/**
 * The mask-search phase of the protocol (DESIGN.md §5): each epoch, one pass over the training
 * split updates the weights on the task loss alone, one pass over the validation split updates
 * the masks on task loss + regulariser; the validation objective decides early stopping, and
 * the best weights and masks are restored at the end.
 */

import { Rng } from '../../tensor/rng.js';
import type { DatasetSplits } from '../../data/types.js';
import { noGrad } from '../../autograd/graph.js';
import { Adam } from '../../nn/optim/adam.js';
import { batchCount } from '../../data/batches.js';
import { evaluate, trainEpoch, type EpochContext } from '../../nn/train/epoch.js';
import { restore, snapshot } from '../../nn/train/fit.js';
import type { Regularizer } from './regularizers.js';
import { defaultMaskLr } from './regularizers.js';
import type { LayerState, SearchableModel } from './types.js';
import type { SearchConfig } from './config.js';

export interface SearchEpochRecord {
  epoch: number;
  trainLoss: number;
  valLoss: number;
  valMetric: number;
  /** Regulariser term on the validation objective (discrete costs). */
  regTerm: number;
  objective: number;
  /** Discrete cost values of the masked model after the epoch. */
  costs: Record<string, number>;
  /** Each layer's mask state after the epoch (when the model reports one), for the report's heat maps. */
  layers?: LayerState[];
  seconds: number;
}

export interface SearchHooks {
  onBatch?: (phase: 'weights' | 'masks', epoch: number, done: number, total: number, loss: number) => void;
  onEpoch?: (r: SearchEpochRecord) => void;
}

export interface SearchPhaseResult {
  history: SearchEpochRecord[];
  bestEpoch: number;
  maskLr: number;
}

export function costValues(target: SearchableModel): Record<string, number> {
  return noGrad(() => Object.fromEntries(Object.entries(target.costs({ discrete: true })).map(([k, v]) => [k, v.item()])));
}

export function searchMasks(target: SearchableModel, splits: DatasetSplits, ctx: EpochContext, cfg: SearchConfig, reg: Regularizer, hooks: SearchHooks = {}): SearchPhaseResult {
  const model = target.model;
  const rng = new Rng(cfg.seed * 7919 + 1031);
  const maskUpdates = cfg.searchEpochs * batchCount(splits.val.length, cfg.batchSize);
  const maskLr = cfg.maskLr > 0 ? cfg.maskLr : defaultMaskLr(maskUpdates);
  const wOpt = new Adam(target.weightParameters(), { lr: cfg.lr, weightDecay: cfg.weightDecay });
  const mOpt = new Adam(target.maskParameters(), { lr: maskLr, weightDecay: 0 });
  const history: SearchEpochRecord[] = [];
  let best = Infinity;
  let bestEpoch = 0;
  let bestState = snapshot(model);
  let sinceBest = 0;
  for (let epoch = 1; epoch <= cfg.searchEpochs; epoch++) {
    const t0 = performance.now();
    const tr = trainEpoch(model, splits.train, ctx, {
      batchSize: cfg.batchSize, rng, optimizers: [wOpt],
      augment: { scale: cfg.augScale, noise: cfg.augNoise, shift: cfg.augShift },
      onBatch: (d, t, l) => hooks.onBatch?.('weights', epoch, d, t, l),
    });
    trainEpoch(model, splits.val, ctx, {
      batchSize: cfg.batchSize, rng, optimizers: [mOpt],
      extraLoss: (taskLoss) => reg.term(target.costs({ discrete: cfg.discreteCost }), { epoch, epochs: cfg.searchEpochs, taskLoss }),
      onBatch: (d, t, l) => hooks.onBatch?.('masks', epoch, d, t, l),
    });
    const va = evaluate(model, splits.val, ctx);
    const regTerm = noGrad(() => reg.term(target.costs({ discrete: true }), { epoch, epochs: cfg.searchEpochs, taskLoss: va.loss }).item());
    const rec: SearchEpochRecord = {
      epoch, trainLoss: tr.loss, valLoss: va.loss, valMetric: va.metric, regTerm, objective: va.loss + regTerm,
      costs: costValues(target), layers: target.summary?.(), seconds: (performance.now() - t0) / 1000,
    };
    history.push(rec);
    hooks.onEpoch?.(rec);
    if (rec.objective < best) {
      best = rec.objective;
      bestEpoch = epoch;
      bestState = snapshot(model);
      sinceBest = 0;
    } else if (cfg.searchPatience > 0 && ++sinceBest >= cfg.searchPatience) {
      break;
    }
  }
  restore(model, bestState);
  return { history, bestEpoch, maskLr };
}
