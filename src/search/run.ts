/**
 * The whole search protocol as library calls: warm-up of the seed, then for each regulariser
 * strength a mask search from the warm weights, export to a dense model, fine-tune, and test.
 * `runSweep` shares one warm-up across all points (the search layer's sweep driver, sweep.ts)
 * and returns the Pareto front.
 */

import type { DatasetSplits } from '../data/types.js';
import type { Module } from '../nn/module.js';
import { taskContext } from './train/fit.js';
import { evaluate } from './train/epoch.js';
import type { SearchConfig } from './config.js';
import { costValues, type SearchHooks, type SearchEpochRecord, type SearchPhaseResult } from './protocol.js';
import { hingeRegularizer, multiComplexityRegularizer, plainRegularizer, withHingeConstraints, type Regularizer } from './regularizers.js';
import { memoryBudgets } from './constraints.js';
import { costFronts } from './pareto.js';
import { budgetRegularizer, DEFAULT_BUDGETS, parseBudgets, resolveBudgets, type BudgetOutcome, type BudgetSpec } from './budget.js';
import type { LayerState, SearchableModel } from './types.js';
import type { EpochRecord, FitHooks } from './train/fit.js';
import {
  cloneModel, fitPhase, runPhaseOnce, runSearchedOnce, runSweepDriver, searchPhase, trainingPart, type Finished, type PointCheckpoints, type RunCheckpoints, type SweepPointHooks,
} from './sweep.js';

export { cloneModel, trainingPart, type Finished, type PhaseCheckpoint } from './sweep.js';

/** Turns a plain model into a searchable one (e.g. PIT's conversion). */
export type Converter = (model: Module) => SearchableModel;

export interface PointResult {
  /** The strength that produced the point (λ, or μ for a multi-complexity sweep). */
  strength: number;
  regularizer: Record<string, unknown>;
  params: number;
  macs: number;
  valMetric: number;
  testMetric: number;
  testMacroF1?: number;
  searchBestEpoch: number;
  maskLr: number;
  /** Validation and test metric of the exported model before fine-tuning (what the search alone gives). */
  exportValMetric?: number;
  exportTestMetric?: number;
  /** Seconds of each phase of the point (search: the sum of its epochs, across a resumed run's segments). */
  phaseSeconds?: { search: number; finetune: number };
  /** A budget point: the budget, the exported model's cost and whether it is met. */
  budget?: BudgetOutcome;
  searchHistory: SearchEpochRecord[];
  finetuneHistory: EpochRecord[];
  /** Every cost of the exported model, and its per-layer costs (when the converter reports them). */
  costs: Record<string, number>;
  layerCosts?: LayerState[];
  seconds: number;
  model: Module;
}

export interface SeedResult {
  params: number;
  macs: number;
  valMetric: number;
  testMetric: number;
  testMacroF1?: number;
  warmupHistory: EpochRecord[];
  costs: Record<string, number>;
  layerCosts?: LayerState[];
  seconds: number;
}

export interface SweepHooks extends SearchHooks, SweepPointHooks<PointResult> {
  onPhase?: (phase: string, point: number | null) => void;
  onFitEpoch?: (phase: 'warm-up' | 'fine-tune', r: EpochRecord, point: number | null) => void;
  onFitBatch?: FitHooks['onBatch'];
}

/** A searched point as saved before its fine-tune: the search's result and the regulariser it ran with. */
export type Searched = SearchPhaseResult & { regularizer: Record<string, unknown> };

/** Where a PIT sweep keeps its resumable state (src/io/search-state.ts): the search layer's RunCheckpoints for its results. */
export type SweepCheckpoints = RunCheckpoints<SeedResult, Searched, PointResult>;

/** The configured regulariser at a strength, plus hinge penalties for the memory budgets (--max-flash, --max-ram). */
export function makeRegularizer(cfg: SearchConfig, strength: number): Regularizer {
  return withHingeConstraints(objectiveRegularizer(cfg, strength), memoryBudgets(cfg));
}

function objectiveRegularizer(cfg: SearchConfig, strength: number): Regularizer {
  switch (cfg.regularizer) {
    case 'plain': return plainRegularizer(cfg.cost, strength);
    case 'multi-complexity': return multiComplexityRegularizer({ size: cfg.cost, target: cfg.sizeTarget, lambda: cfg.lambda, ops: cfg.opsCost, mu: strength });
    case 'hinge': return hingeRegularizer([{ cost: cfg.cost, target: cfg.sizeTarget > 0 ? cfg.sizeTarget : strength }]);
    case 'budget': return budgetRegularizer(cfg.cost, strength);
    default: throw new Error(`unknown regularizer '${String(cfg.regularizer)}' (valid: plain, multi-complexity, hinge, budget)`);
  }
}

/** What a sweep (or a single search) runs: the regulariser and one strength per point (a budget's target in the cost's units). */
export interface SweepPlan {
  regularizer: SearchConfig['regularizer'];
  strengths: number[];
  /** Budget points: the budgets as written, in points order. */
  budgets?: BudgetSpec[];
}

/**
 * The points of a sweep (or of one search) from the config: budgets by default (--budgets, else
 * 50 %, 20 %, 5 %, 1 % of the seed's cost), a λ grid when --lambdas is given, μ values for the
 * multi-complexity regulariser. `seedCost` gives the seed's cost (for budgets given as shares).
 */
export function sweepPlan(cfg: SearchConfig, seedCost: () => number, sweep: boolean): SweepPlan {
  const budgetPlan = (text: string): SweepPlan => {
    const budgets = parseBudgets(text, cfg.cost, sweep ? '--budgets' : '--budgets (search)');
    if (!sweep && budgets.length !== 1) throw new Error(`--budgets ${text} names ${budgets.length} budgets; a search finds one model (give one budget, or use sweep)`);
    return { regularizer: 'budget', strengths: resolveBudgets(budgets, budgets.some((b) => b.share !== null) ? seedCost() : 0), budgets };
  };
  switch (cfg.regularizer) {
    case 'multi-complexity': return { regularizer: cfg.regularizer, strengths: sweep ? [...cfg.mus] : [cfg.mu] };
    case 'hinge': {
      if (sweep && cfg.lambdas.length === 0) throw new Error('the hinge regulariser sweeps its upper bounds from --lambdas (in cost units); give --lambdas, or use --budgets');
      return { regularizer: cfg.regularizer, strengths: sweep ? [...cfg.lambdas] : [cfg.lambda] };
    }
    case 'budget': return budgetPlan(cfg.budgets ?? DEFAULT_BUDGETS);
    default:
      if (cfg.budgets !== undefined && cfg.lambdas.length > 0) throw new Error(`both --budgets ${cfg.budgets} and --lambdas ${cfg.lambdas.join(',')} given; a sweep runs one or the other`);
      if (!sweep) return cfg.budgets !== undefined ? budgetPlan(cfg.budgets) : { regularizer: cfg.regularizer, strengths: [cfg.lambda] };
      return cfg.lambdas.length > 0 ? { regularizer: cfg.regularizer, strengths: [...cfg.lambdas] } : budgetPlan(cfg.budgets ?? DEFAULT_BUDGETS);
  }
}

/** The seed's cost `cost` as the search counts it (the converter's cost models, all masks alive). */
export function seedCostOf(seed: Module, convert: Converter, cost: string): number {
  const c = costValues(convert(cloneModel(seed)));
  if (c[cost] === undefined) throw new Error(`budgets: the search does not count '${cost}'; available costs: ${Object.keys(c).join(', ')}`);
  return c[cost];
}

export function warmUp(seed: Module, splits: DatasetSplits, cfg: SearchConfig, convert: Converter, hooks: SweepHooks = {}, store?: SweepCheckpoints): SeedResult {
  return runPhaseOnce(store === undefined ? undefined : () => store.loadWarm(seed), () => {
    const t0 = performance.now();
    hooks.onPhase?.('warm-up', null);
    const r = fitPhase(seed, splits, cfg, cfg.warmupEpochs, { onBatch: hooks.onFitBatch, onEpoch: (e) => hooks.onFitEpoch?.('warm-up', e, null) }, store?.warmup);
    const va = evaluate(seed, splits.val, r.ctx);
    const te = evaluate(seed, splits.test, r.ctx);
    const searchable = convert(cloneModel(seed));
    const c = costValues(searchable);
    return {
      params: c.params, macs: c.macs, valMetric: va.metric, testMetric: te.metric, testMacroF1: te.macroF1,
      warmupHistory: r.history, costs: c, layerCosts: searchable.summary?.(), seconds: (performance.now() - t0) / 1000,
    };
  }, store === undefined ? undefined : (r) => store.saveWarm(seed, r));
}

/** The search phase of a point and its export to a dense model (or both loaded when an earlier run finished them). */
function searchAndExport(warm: Module, splits: DatasetSplits, cfg: SearchConfig, strength: number, index: number, convert: Converter, hooks: SweepHooks, ckpt?: PointCheckpoints<Searched>): { dense: Module; s: SearchPhaseResult; regularizer: Record<string, unknown> } {
  const { value: { regularizer, ...s }, model: dense } = runSearchedOnce<Searched>(ckpt, () => {
    const ctx = taskContext(splits, trainingPart(cfg, cfg.searchEpochs));
    const target = convert(cloneModel(warm));
    const reg = makeRegularizer(cfg, strength);
    hooks.onPhase?.('search', index);
    const r = searchPhase(target, splits, ctx, cfg, reg, hooks, ckpt?.search);
    const model = target.exportDense();
    return { value: { ...r, regularizer: reg.describe() }, model };
  });
  return { dense, s, regularizer };
}

/** One point of a sweep from the warm seed: search, export, fine-tune, test; `ckpt` saves and resumes its phases. */
export function searchPoint(warm: Module, splits: DatasetSplits, cfg: SearchConfig, strength: number, index: number, convert: Converter, hooks: SweepHooks = {}, ckpt?: PointCheckpoints<Searched>): PointResult {
  const t0 = performance.now();
  const ctx = taskContext(splits, trainingPart(cfg, cfg.searchEpochs));
  const { dense, s, regularizer } = searchAndExport(warm, splits, cfg, strength, index, convert, hooks, ckpt);
  // Before fine-tuning: what the search and the export alone give (PLiNIO's export loses BatchNorm here; ours is exact).
  const exportVal = evaluate(dense, splits.val, ctx);
  const exportTest = evaluate(dense, splits.test, ctx);
  hooks.onPhase?.('fine-tune', index);
  const ft = fitPhase(dense, splits, cfg, cfg.finetuneEpochs, { onBatch: hooks.onFitBatch, onEpoch: (e) => hooks.onFitEpoch?.('fine-tune', e, index) }, ckpt?.finetune);
  const va = evaluate(dense, splits.val, ctx);
  const te = evaluate(dense, splits.test, ctx);
  const searchable = convert(cloneModel(dense));
  const c = costValues(searchable);
  const constraint = cfg.regularizer === 'budget' ? { cost: cfg.cost, target: strength } : null;
  const budget = constraint === null ? undefined : {
    cost: constraint.cost, target: constraint.target, value: c[constraint.cost], met: c[constraint.cost] <= constraint.target, projected: s.projected === true, filled: s.filled === true,
  };
  return {
    strength, regularizer, params: c.params, macs: c.macs, valMetric: va.metric, testMetric: te.metric,
    testMacroF1: te.macroF1, searchBestEpoch: s.bestEpoch, maskLr: s.maskLr,
    exportValMetric: exportVal.metric, exportTestMetric: exportTest.metric,
    phaseSeconds: { search: s.history.reduce((t, e) => t + e.seconds, 0), finetune: ft.seconds },
    ...(budget === undefined ? {} : { budget }),
    searchHistory: s.history,
    finetuneHistory: ft.history, costs: c, layerCosts: searchable.summary?.(), seconds: (performance.now() - t0) / 1000, model: dense,
  };
}

export interface SweepResult {
  seed: SeedResult;
  points: PointResult[];
  /** Indices into points of the non-dominated ones: metric vs params, and metric vs MACs. */
  frontParams: number[];
  frontMacs: number[];
}

/** The fronts of PIT points: metric vs params, and metric vs MACs (costFronts). */
export function fronts(points: readonly { params: number; macs: number; testMetric: number }[], metricName: 'accuracy' | 'mae'): { frontParams: number[]; frontMacs: number[] } {
  const f = costFronts(points, metricName, ['params', 'macs']);
  return { frontParams: f.params, frontMacs: f.macs };
}

/**
 * Warm-up, then one point per strength. With `store`, every phase's state is saved as it goes
 * and whatever an earlier (killed) run saved is continued from: finished points are loaded, not
 * recomputed, and the results equal an uninterrupted run's.
 */
export function runSweep(seed: Module, splits: DatasetSplits, cfg: SearchConfig, strengths: readonly number[], convert: Converter, hooks: SweepHooks = {}, store?: SweepCheckpoints): SweepResult {
  const r = driveSweep(seed, splits, cfg, strengths, convert, hooks, store);
  return { seed: r.warm, points: r.points, ...fronts(r.points, splits.info.metric) };
}

/**
 * A worker's share of a sweep: the warm-up (loaded from `store` when done, else run and saved),
 * then only the points in `only`, each saved in `store` when finished. The points are the same
 * bits as in runSweep (each point has its own random stream), so a coordinator can hand the
 * points of one sweep to several processes and then load them all (runSweep on the same store).
 */
export function runSweepShare(seed: Module, splits: DatasetSplits, cfg: SearchConfig, strengths: readonly number[], convert: Converter, only: readonly number[], store: SweepCheckpoints, hooks: SweepHooks = {}): void {
  for (const i of only) {
    if (!Number.isInteger(i) || i < 0 || i >= strengths.length) throw new Error(`runSweepShare: point ${i} is not one of the sweep's ${strengths.length} points`);
  }
  driveSweep(seed, splits, cfg, strengths, convert, hooks, store, new Set(only));
}

function driveSweep(seed: Module, splits: DatasetSplits, cfg: SearchConfig, strengths: readonly number[], convert: Converter, hooks: SweepHooks, store?: SweepCheckpoints, only?: ReadonlySet<number>) {
  // Each point searches a clone, so the warm seed stays as it is for the next one.
  return runSweepDriver({
    warmUp: () => warmUp(seed, splits, cfg, convert, hooks, store),
    points: () => strengths.map((s, i) => (ckpt: PointCheckpoints<Searched> | undefined) => searchPoint(seed, splits, cfg, s, i, convert, hooks, ckpt)),
    store,
    loaded: (saved: Finished<PointResult>) => saved.value,
    hooks,
    only,
  });
}
