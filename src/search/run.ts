/**
 * The whole search protocol as library calls: warm-up of the seed, then for each regulariser
 * strength a mask search from the warm weights, export to a dense model, fine-tune, and test.
 * `runSweep` shares one warm-up across all points and returns the Pareto front.
 */

import type { DatasetSplits } from '../data/types.js';
import { getRng, type RngState } from '../tensor/rng.js';
import type { Module } from '../nn/module.js';
import { buildFromArchitecture, describeArchitecture } from '../nn/serialize.js';
import { fit, taskContext } from './train/fit.js';
import { evaluate } from './train/epoch.js';
import { MetricAccumulator } from '../nn/train/task.js';
import type { TrainConfig } from '../nn/train/config.js';
import type { SearchConfig } from './config.js';
import { searchMasks, costValues, type SearchHooks, type SearchEpochRecord, type SearchPhaseResult, type SearchProgress } from './protocol.js';
import { hingeRegularizer, multiComplexityRegularizer, plainRegularizer, withHingeConstraints, type Regularizer } from './regularizers.js';
import { memoryBudgets } from './constraints.js';
import { paretoFront } from './pareto.js';
import { budgetRegularizer, DEFAULT_BUDGETS, parseBudgets, resolveBudgets, type BudgetOutcome, type BudgetSpec } from './budget.js';
import type { LayerState, SearchableModel } from './types.js';
import type { EpochRecord, FitHooks, FitProgress } from './train/fit.js';

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

export interface SweepHooks extends SearchHooks {
  onPhase?: (phase: string, point: number | null) => void;
  onFitEpoch?: (phase: 'warm-up' | 'fine-tune', r: EpochRecord, point: number | null) => void;
  onFitBatch?: FitHooks['onBatch'];
  /** Called when a point is finished (e.g. to write its files at once). */
  onPoint?: (p: PointResult, index: number) => void;
  /** Called instead of onPoint for a point finished by an earlier, interrupted run (loaded, not recomputed). */
  onPointLoaded?: (p: PointResult, index: number) => void;
}

/** The saved state of one loop phase: loaded into `model` (undefined when none), saved after every epoch. */
export interface PhaseCheckpoint<P> {
  load(model: Module): P | undefined;
  save(model: Module, p: P): void;
}

/** A finished phase's output and the global random generator's state right after it (what the next phase starts from). */
export interface Finished<T> {
  value: T;
  rng: RngState;
}

/**
 * Where a sweep keeps its resumable state (src/io/search-state.ts: files in the run directory).
 * Each phase's state is written after every epoch; a phase's end is saved before the state of
 * the phase is dropped, so a kill at any moment leaves one consistent place to continue from.
 */
export interface SweepCheckpoints {
  warmup: PhaseCheckpoint<FitProgress>;
  /** The warmed seed's weights and its result. */
  saveWarm(seed: Module, r: Finished<SeedResult>): void;
  loadWarm(seed: Module): Finished<SeedResult> | null;
  search(point: number): PhaseCheckpoint<SearchProgress>;
  /** The searched point exported to a dense model, before fine-tuning. */
  saveSearched(point: number, dense: Module, r: Finished<SearchPhaseResult & { regularizer: Record<string, unknown> }>): void;
  loadSearched(point: number): (Finished<SearchPhaseResult & { regularizer: Record<string, unknown> }> & { dense: Module }) | null;
  finetune(point: number): PhaseCheckpoint<FitProgress>;
  /** A finished point (its model inside): never recomputed once saved. */
  savePoint(point: number, r: Finished<PointResult>): void;
  loadPoint(point: number): Finished<PointResult> | null;
}

const rngNow = (): RngState => getRng().getState();

export function trainingPart(cfg: SearchConfig, epochs: number): TrainConfig {
  return { ...cfg, epochs, patience: 0 } as TrainConfig;
}

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

/** A structural copy of a model with the same weights (each sweep point starts from the warm seed). */
export function cloneModel(m: Module): Module {
  const copy = buildFromArchitecture(describeArchitecture(m));
  copy.loadStateDict(m.stateDict());
  return copy;
}

export function warmUp(seed: Module, splits: DatasetSplits, cfg: SearchConfig, convert: Converter, hooks: SweepHooks = {}, store?: SweepCheckpoints): SeedResult {
  const done = store?.loadWarm(seed) ?? null;
  if (done !== null) {
    getRng().setState(done.rng);
    return done.value;
  }
  const t0 = performance.now();
  hooks.onPhase?.('warm-up', null);
  const r = fit(seed, splits, trainingPart(cfg, cfg.warmupEpochs), {
    onBatch: hooks.onFitBatch,
    onEpoch: (e) => hooks.onFitEpoch?.('warm-up', e, null),
    onEpochEnd: store === undefined ? undefined : (p) => store.warmup.save(seed, p),
  }, store?.warmup.load(seed));
  const va = evaluate(seed, splits.val, r.ctx);
  const te = evaluate(seed, splits.test, r.ctx);
  const searchable = convert(cloneModel(seed));
  const c = costValues(searchable);
  const result: SeedResult = {
    params: c.params, macs: c.macs, valMetric: va.metric, testMetric: te.metric, testMacroF1: te.macroF1,
    warmupHistory: r.history, costs: c, layerCosts: searchable.summary?.(), seconds: (performance.now() - t0) / 1000,
  };
  store?.saveWarm(seed, { value: result, rng: rngNow() });
  return result;
}

/** The search phase of a point and its export to a dense model (or both loaded when an earlier run finished them). */
function searchAndExport(warm: Module, splits: DatasetSplits, cfg: SearchConfig, strength: number, index: number, convert: Converter, hooks: SweepHooks, store?: SweepCheckpoints): { dense: Module; s: SearchPhaseResult; regularizer: Record<string, unknown> } {
  const done = store?.loadSearched(index) ?? null;
  if (done !== null) {
    getRng().setState(done.rng);
    const { regularizer, ...s } = done.value;
    return { dense: done.dense, s, regularizer };
  }
  const ctx = taskContext(splits, trainingPart(cfg, cfg.searchEpochs));
  const target = convert(cloneModel(warm));
  const reg = makeRegularizer(cfg, strength);
  hooks.onPhase?.('search', index);
  const ckpt = store?.search(index);
  const s = searchMasks(target, splits, ctx, cfg, reg, {
    ...hooks,
    onSearchEpochEnd: ckpt === undefined ? hooks.onSearchEpochEnd : (p) => ckpt.save(target.model, p),
  }, ckpt?.load(target.model));
  const dense = target.exportDense();
  const regularizer = reg.describe();
  store?.saveSearched(index, dense, { value: { ...s, regularizer }, rng: rngNow() });
  return { dense, s, regularizer };
}

export function searchPoint(warm: Module, splits: DatasetSplits, cfg: SearchConfig, strength: number, index: number, convert: Converter, hooks: SweepHooks = {}, store?: SweepCheckpoints): PointResult {
  const t0 = performance.now();
  const ctx = taskContext(splits, trainingPart(cfg, cfg.searchEpochs));
  const { dense, s, regularizer } = searchAndExport(warm, splits, cfg, strength, index, convert, hooks, store);
  // Before fine-tuning: what the search and the export alone give (PLiNIO's export loses BatchNorm here; ours is exact).
  const exportVal = evaluate(dense, splits.val, ctx);
  const exportTest = evaluate(dense, splits.test, ctx);
  hooks.onPhase?.('fine-tune', index);
  const ckpt = store?.finetune(index);
  const ft = fit(dense, splits, trainingPart(cfg, cfg.finetuneEpochs), {
    onBatch: hooks.onFitBatch,
    onEpoch: (e) => hooks.onFitEpoch?.('fine-tune', e, index),
    onEpochEnd: ckpt === undefined ? undefined : (p) => ckpt.save(dense, p),
  }, ckpt?.load(dense));
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

/** Higher-is-better metric to lower-is-better objective. */
function metricObjective(metricName: 'accuracy' | 'mae', v: number): number {
  return -MetricAccumulator.score({ metric: v, metricName });
}

export function fronts(points: readonly { params: number; macs: number; testMetric: number }[], metricName: 'accuracy' | 'mae'): { frontParams: number[]; frontMacs: number[] } {
  const idx = points.map((_, i) => i);
  const by = (key: 'params' | 'macs') => paretoFront(idx.map((i) => ({ item: i, objectives: [metricObjective(metricName, points[i].testMetric), points[i][key]] })));
  return { frontParams: by('params'), frontMacs: by('macs') };
}

/**
 * Warm-up, then one point per strength. With `store`, every phase's state is saved as it goes
 * and whatever an earlier (killed) run saved is continued from: finished points are loaded, not
 * recomputed, and the results equal an uninterrupted run's.
 */
export function runSweep(seed: Module, splits: DatasetSplits, cfg: SearchConfig, strengths: readonly number[], convert: Converter, hooks: SweepHooks = {}, store?: SweepCheckpoints): SweepResult {
  const seedResult = warmUp(seed, splits, cfg, convert, hooks, store);
  const points: PointResult[] = [];
  // Each point searches a clone, so the warm seed stays as it is for the next one.
  strengths.forEach((s, i) => {
    const done = store?.loadPoint(i) ?? null;
    if (done !== null) {
      getRng().setState(done.rng);
      points.push(done.value);
      hooks.onPointLoaded?.(done.value, i);
      return;
    }
    const p = searchPoint(seed, splits, cfg, s, i, convert, hooks, store);
    points.push(p);
    hooks.onPoint?.(p, i);
    store?.savePoint(i, { value: p, rng: rngNow() });
  });
  return { seed: seedResult, points, ...fronts(points, splits.info.metric) };
}
