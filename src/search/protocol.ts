/**
 * The mask-search phase of the protocol (docs/design.md#search-protocol): each epoch, one pass
 * over the training split updates the weights on the task loss alone, then the masks are updated
 * on the validation split (in a fixed order by default, passed over several times when it is too
 * small to give `minMaskSteps` updates) on task loss + regulariser. The search objective (by
 * default that mask pass's mean, the quantity the masks minimise) picks the kept epoch and drives
 * early stopping; patience only counts once a mask can have crossed the threshold (and, for a
 * budget, once the budget was met). A budget search keeps its best epoch at or under the budget
 * and fits the masks to it (fitToBudget). The epochs run in the one resumable loop (loop.ts).
 */

import { Rng, type RngState } from '../tensor/rng.js';
import type { Tensor } from '../tensor/tensor.js';
import type { DatasetSplits } from '../data/types.js';
import { noGrad } from '../autograd/graph.js';
import { Adam } from '../nn/optim/adam.js';
import { batchCount } from '../data/batches.js';
import { evaluate, trainEpoch, type EpochContext, type EpochResult } from './train/epoch.js';
import type { PartialEpoch } from '../nn/train/interrupt.js';
import { checkEpochFinite, runEpochs } from './loop.js';
import { checkBatchBudget } from './train/batchBudget.js';
import type { OptimizerStateDict } from '../nn/optim/stateDict.js';
import type { Regularizer } from './regularizers.js';
import { defaultMaskLr, epochsToThreshold } from './regularizers.js';
import type { LayerState, SearchableModel } from './types.js';
import type { MaskSearchConfig } from './config.js';

export interface SearchEpochRecord {
  epoch: number;
  trainLoss: number;
  valLoss: number;
  valMetric: number;
  /** Mean task loss of the epoch's mask pass(es) (train-mode BatchNorm). */
  maskLoss?: number;
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
  /** After every finished search epoch (best updated): everything needed to resume. */
  onSearchEpochEnd?: (p: SearchProgress) => void;
  /** State the caller keeps beside the model and changes per epoch (mps: the selectors' temperature and noise generator): saved in SearchProgress.extra. */
  extraState?: { get(): unknown; set(s: unknown): void };
}

/**
 * The search loop's whole state at an epoch boundary, besides the model's weights and masks:
 * both optimisers' moments, the loop's and the global random generators (the loop's draws the
 * next epoch's data order), the regulariser's own state (hinge strengths), history and the best
 * epoch with its weights and masks.
 */
export interface SearchProgress {
  epoch: number;
  stopped: boolean;
  history: SearchEpochRecord[];
  best: number;
  bestEpoch: number;
  sinceBest: number;
  rng: RngState;
  globalRng: RngState;
  regularizer: unknown;
  /** SearchHooks.extraState's value (null without one). */
  extra: unknown;
  weightOptimizer: OptimizerStateDict;
  maskOptimizer: OptimizerStateDict;
  bestState: Map<string, Float32Array | Float64Array>;
  /**
   * Set when search epoch `epoch + 1` was interrupted (Ctrl-C): the pass and where it stopped,
   * and the weights pass's result when the masks pass was interrupted.
   */
  partial?: SearchPartial;
}

/** Where an interrupted search epoch stopped: the pass, its PartialEpoch, and the passes finished before it. */
export interface SearchPartial {
  pass: 'weights' | 'masks';
  epoch: PartialEpoch;
  weights: EpochResult | null;
  maskPass?: number;
  masksDone?: EpochResult[];
}

/** How many passes over the validation split one search epoch makes, and the updates they give. */
export function maskSchedule(valLength: number, batchSize: number, minSteps: number): { passes: number; stepsPerEpoch: number } {
  const perPass = batchCount(valLength, batchSize, valLength % batchSize === 1);
  const passes = Math.max(1, Math.ceil(minSteps / Math.max(perPass, 1)));
  return { passes, stepsPerEpoch: passes * perPass };
}

/** Every mask parameter's magnitude moved by the same δ from `orig` (δ < 0 shrinks, δ > 0 grows; never below 0). */
function shiftMasks(params: readonly Tensor[], orig: readonly Float64Array[], d: number): void {
  params.forEach((p, i) => {
    const o = orig[i];
    for (let j = 0; j < o.length; j++) p.data[j] = Math.sign(o[j]) * Math.max(Math.abs(o[j]) + d, 0);
  });
}

/**
 * Fit the kept masks to a budget by moving every mask parameter's magnitude by the same δ, which
 * keeps the order the search learnt (the least important masks cross 0.5 first, the most
 * important pruned ones come back first):
 *  - over the budget (no search epoch met it): the smallest shrink that meets it; when even
 *    every mask down does not (each layer keeps one channel and one tap), the smallest network;
 *  - far under it (Adam moves masks that start together at the same speed, so they often cross
 *    0.5 together and land well under the budget): the largest growth that stays within it.
 * Bisection on the discrete cost. Returns 'shrunk', 'filled' or null (unchanged).
 */
export function fitToBudget(target: SearchableModel, c: { cost: string; target: number }, fill = true): 'shrunk' | 'filled' | null {
  const cost = (): number => noGrad(() => target.costs({ discrete: true })[c.cost].item());
  const now = cost();
  const over = now > c.target;
  if (!over && !fill) return null;
  const params = target.maskParameters();
  const orig = params.map((p) => Float64Array.from(p.data));
  const maxAbs = orig.reduce((m, o) => o.reduce((a, v) => Math.max(a, Math.abs(v)), m), 0);
  // Over: find the smallest shrink s ∈ (0, maxAbs + 1] that meets the budget. Under: the largest growth g ∈ [0, 1] that keeps it.
  let ok = over ? maxAbs + 1 : 0;
  let bad = over ? 0 : 1;
  shiftMasks(params, orig, over ? -ok : bad);
  if (over && cost() > c.target) return 'shrunk';
  if (!over && cost() <= c.target) return 'filled';
  for (let it = 0; it < 40; it++) {
    const mid = (ok + bad) / 2;
    shiftMasks(params, orig, over ? -mid : mid);
    if (cost() <= c.target) ok = mid;
    else bad = mid;
  }
  shiftMasks(params, orig, over ? -ok : ok);
  if (!over && cost() === now) return null;
  return over ? 'shrunk' : 'filled';
}

export interface SearchPhaseResult {
  history: SearchEpochRecord[];
  bestEpoch: number;
  maskLr: number;
  /** Mask updates per search epoch (passes over the validation split × its batches). */
  maskStepsPerEpoch?: number;
  /** A budget search that met its budget in no epoch projects the masks under it before export. */
  projected?: boolean;
  /** A budget search whose kept masks were under the budget grows them back towards it (budgetFill). */
  filled?: boolean;
}

export function costValues(target: SearchableModel): Record<string, number> {
  return noGrad(() => Object.fromEntries(Object.entries(target.costs({ discrete: true })).map(([k, v]) => [k, v.item()])));
}

/**
 * Search the masks of `target`. With `resume` (a SearchProgress from onSearchEpochEnd, the model
 * already holding that epoch's weights and masks) the loop continues after `resume.epoch` exactly
 * as the uninterrupted run would have. A NaN / Inf stops it with a TrainingDivergedError, the
 * model restored to the last finished epoch.
 */
export function searchMasks(target: SearchableModel, splits: DatasetSplits, ctx: EpochContext, cfg: MaskSearchConfig, reg: Regularizer, hooks: SearchHooks = {}, resume?: SearchProgress): SearchPhaseResult {
  checkBatchBudget(cfg.batchSize, splits.train);
  checkBatchBudget(cfg.batchSize, splits.val, 'validation');
  const model = target.model;
  const rng = new Rng(cfg.seed * 7919 + 1031);
  const { passes, stepsPerEpoch } = maskSchedule(splits.val.length, cfg.batchSize, cfg.minMaskSteps);
  const maskUpdates = cfg.searchEpochs * stepsPerEpoch;
  const maskLr = cfg.maskLr > 0 ? cfg.maskLr : defaultMaskLr(maskUpdates);
  // Before a mask can have crossed 0.5 the cost cannot fall, so running out of patience then would stop every search unpruned.
  const grace = epochsToThreshold(maskLr, stepsPerEpoch);
  const budget = reg.constraint;
  const feasible = (costs: Record<string, number>): boolean => budget === undefined || costs[budget.cost] <= budget.target;
  const wOpt = new Adam(target.weightParameters(), { lr: cfg.lr, weightDecay: cfg.weightDecay });
  const searched = target.maskParameters();
  const mOpt = new Adam(searched, { lr: maskLr, weightDecay: 0 });
  if (resume !== undefined) {
    wOpt.loadStateDict(resume.weightOptimizer);
    mOpt.loadStateDict(resume.maskOptimizer);
    reg.setState?.(resume.regularizer);
    hooks.extraState?.set(resume.extra);
  }
  // Where the current epoch is (what an interruption records): the pass, the weights pass's result, the finished mask passes.
  let pass: 'weights' | 'masks' = 'weights';
  let tr: EpochResult | null = null;
  let masks: EpochResult[] = [];
  const r = runEpochs<SearchEpochRecord, { best: number }, SearchPartial, SearchProgress>({
    model, epochs: cfg.searchEpochs, rng, initialKey: { best: Infinity },
    body: (epoch, partial) => {
      const t0 = performance.now();
      pass = 'weights';
      tr = partial?.pass === 'masks' ? partial.weights : null;
      masks = partial?.pass === 'masks' ? [...(partial.masksDone ?? [])] : [];
      const weights = tr ?? trainEpoch(model, splits.train, ctx, {
        epoch, batchSize: cfg.batchSize, rng, optimizers: [wOpt], frozen: searched,
        augment: { scale: cfg.augScale, noise: cfg.augNoise, shift: cfg.augShift },
        onBatch: (d, t, l) => hooks.onBatch?.('weights', epoch, d, t, l),
        resume: partial?.pass === 'weights' ? partial.epoch : undefined,
      });
      tr = weights;
      pass = 'masks';
      for (let p = masks.length; p < passes; p++) {
        const resumeMask = partial?.pass === 'masks' && (partial.maskPass ?? 0) === p ? partial.epoch : undefined;
        masks.push(trainEpoch(model, splits.val, ctx, {
          epoch, batchSize: cfg.batchSize, rng, optimizers: [mOpt], shuffle: cfg.valOrder === 'shuffled',
          resume: resumeMask,
          extraLoss: (taskLoss) => reg.term(target.costs({ discrete: cfg.discreteCost }), { epoch, epochs: cfg.searchEpochs, taskLoss, train: true, updates: maskUpdates }),
          onBatch: (d, t, l) => hooks.onBatch?.('masks', epoch, p * t + d, passes * t, l),
        }));
      }
      const va = evaluate(model, splits.val, ctx);
      checkEpochFinite(model, epoch, va.loss, `validation loss is ${va.loss} after search epoch ${epoch} (training loss ${weights.loss})`, [['weight optimiser', wOpt], ['mask optimiser', mOpt]]);
      const regTerm = noGrad(() => reg.term(target.costs({ discrete: true }), { epoch, epochs: cfg.searchEpochs, taskLoss: va.loss }).item());
      const maskLoss = masks.reduce((s, m) => s + m.loss, 0) / masks.length;
      const maskExtra = masks.reduce((s, m) => s + (m.extra ?? 0), 0) / masks.length;
      // A budget's term is 0 under it and its strength moves, so budget epochs compare by task loss alone.
      const objective = cfg.searchObjective === 'validation'
        ? va.loss + (budget === undefined ? regTerm : 0)
        : maskLoss + (budget === undefined ? maskExtra : 0);
      const record: SearchEpochRecord = {
        epoch, trainLoss: weights.loss, valLoss: va.loss, valMetric: va.metric, maskLoss, regTerm, objective,
        costs: costValues(target), layers: target.summary?.(), seconds: (performance.now() - t0) / 1000,
      };
      return { record, key: { best: objective } };
    },
    better: (c, b, rec) => feasible(rec.costs) && c.best < b.best,
    patience: cfg.searchPatience,
    patienceCounts: (epoch, bestEpoch) => epoch > grace && (budget === undefined || bestEpoch > 0),
    interrupted: (p) => ({ pass, epoch: p, weights: tr, maskPass: masks.length, masksDone: masks }),
    // SearchProgress keeps its fields and their order (state files written before keep loading; the saved JSON keeps its layout).
    progress: (s) => ({
      epoch: s.epoch, stopped: s.stopped, history: s.history, best: s.key.best, bestEpoch: s.bestEpoch, sinceBest: s.sinceBest, rng: s.rng, globalRng: s.globalRng,
      regularizer: reg.getState?.() ?? null, extra: hooks.extraState?.get() ?? null, weightOptimizer: wOpt.stateDict(), maskOptimizer: mOpt.stateDict(), bestState: s.bestState,
      ...(s.partial === undefined ? {} : { partial: s.partial }),
    }),
    onEpoch: hooks.onEpoch,
    onEpochEnd: hooks.onSearchEpochEnd,
    // 'last', or a budget met in no epoch: the last state, projected under the budget below.
    select: cfg.searchSelect === 'last' ? 'last' : 'best',
    withoutBest: 'last',
  }, resume === undefined ? undefined : { ...resume, key: { best: resume.best } });
  const { history, bestEpoch } = r;
  let projected = false;
  let filled = false;
  if (budget !== undefined) {
    const fitted = fitToBudget(target, budget, cfg.budgetFill);
    projected = fitted === 'shrunk';
    filled = fitted === 'filled';
  }
  return { history, bestEpoch, maskLr, maskStepsPerEpoch: stepsPerEpoch, projected, filled };
}
