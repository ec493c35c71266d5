/**
 * The mixed-precision search protocol as library calls (the PIT protocol's phases, docs/design.md#search-protocol):
 * float warm-up of the seed (or a trained checkpoint) → per strength and granularity: clone,
 * convert, calibrate the clips, search (weights on train, precision logits on validation with
 * task + λ·cost, temperature annealed per epoch) → argmax plan → fixed-precision fake-quant
 * model → quantisation-aware fine-tune → test. Uniform w8 / w4 / w2 QAT baselines get the same
 * number of quantised epochs. Fronts: accuracy vs weight memory (bytes) and vs BitOps.
 */

import type { DatasetSplits } from '../../data/types.js';
import type { Tensor } from '../../tensor/tensor.js';
import { tensor } from '../../tensor/create.js';
import type { Module } from '../../nn/module.js';
import { restore } from '../../nn/train/snapshot.js';
import { taskContext, type EpochRecord, type FitHooks } from '../../search/train/fit.js';
import { evaluate } from '../../search/train/epoch.js';
import { MetricAccumulator } from '../../nn/train/task.js';
import {
  cloneModel, fitPhase, runPhaseOnce, runSearchedOnce, runSweepDriver, searchPhase, trainingPart, type Finished, type PhaseCheckpoint, type PointCheckpoints, type RunCheckpoints, type SweepPointHooks,
} from '../../search/sweep.js';
import { costValues, type SearchEpochRecord, type SearchHooks } from '../../search/protocol.js';
import { plainRegularizer } from '../../search/regularizers.js';
import { costFronts } from '../../search/pareto.js';
import type { FitProgress } from '../../search/train/fit.js';
import type { SearchableModel } from '../../search/types.js';
import { uniformPlan, type QuantPlan } from '../plan.js';
import type { CostModel } from '../../hw/spec.js';
import type { MpsConfig } from './config.js';
import { mps, fixedPrecision } from './convert.js';
import type { MpsModel } from './model.js';
import type { SamplingMode, SelectionState } from './selector.js';
import { bitHistogram } from './plan.js';
import { foldBatchNorms } from './fold.js';
import { quantize } from '../convert.js';
import { calibrate } from '../calibrate.js';
import type { QuantModel } from '../qmodel.js';
import { integerize } from '../integer/engine.js';

export type Granularity = 'layer' | 'channel';

export interface MpsPoint {
  /** 'mps-layer', 'mps-channel' or 'uniform'. */
  kind: string;
  label: string;
  strength: number | null;
  /**
   * Weight memory of the deployed model: bytes of the integer engine's packed weight buffers. It
   * can exceed the search's expected `costs.size`, which assumes the next layer drops its inputs
   * from 0-bit channels; the integer model keeps them (a pruned channel still outputs its bias).
   */
  sizeBytes: number;
  bitops: number;
  /** Every named cost of the plan (size, bitops, and a target's cycles / latency / … when given). */
  costs: Record<string, number>;
  valMetric: number;
  testMetric: number;
  plan: QuantPlan;
  histogram: Record<string, number>;
  searchHistory: SearchEpochRecord[];
  finetuneHistory: EpochRecord[];
  searchBestEpoch: number | null;
  seconds: number;
  /** The fine-tuned fake-quant model (quantize() of the plan). */
  model: QuantModel;
  /** The float model the plan was applied to (BN folded; searched weights for a search point). */
  source: Module;
  handle: MpsModel;
}

export interface MpsSweepResult {
  /** The float model after warm-up, and after BN folding (the searches' starting point). */
  float: { valMetric: number; testMetric: number; foldedTestMetric: number; foldedLayers: string[]; seconds: number; warmupHistory: EpochRecord[] };
  points: MpsPoint[];
  /** Indices of non-dominated points (all kinds together): metric vs size, metric vs BitOps. */
  frontSize: number[];
  frontBitops: number[];
  comparison: ChannelVsLayer[];
}

export interface MpsHooks extends SearchHooks, SweepPointHooks<MpsPoint> {
  /** Extra cost models (e.g. a hardware target's), computed for every point and usable as cfg.cost. */
  costs?: Readonly<Record<string, CostModel>>;
  onPhase?: (phase: string, label: string | null) => void;
  onFitEpoch?: (phase: string, r: EpochRecord) => void;
  onFitBatch?: FitHooks['onBatch'];
  /** Where to save the run's state as it goes and continue an interrupted run from (src/io/mps-state.ts). */
  checkpoints?: MpsCheckpoints;
}

/** A searched point's plan and search record, before its quantisation-aware fine-tune. */
export interface MpsSearched {
  plan: QuantPlan;
  searchHistory: SearchEpochRecord[];
  searchBestEpoch: number;
}

/** The resumable state of one point (a baseline uses only `finetune`): the search layer's PointCheckpoints of a searched plan. */
export type MpsPointCheckpoints = PointCheckpoints<MpsSearched>;

/** A finished point as saved: its record, float source model and fine-tuned fake-quant weights. */
export type SavedMpsPoint = Finished<Omit<MpsPoint, 'model' | 'source' | 'handle'>> & { source: Module; quantWeights: Map<string, Float32Array | Float64Array> };

/** Where an mps run keeps its resumable state (src/io/mps-state.ts); a finished point is never recomputed once saved. */
export type MpsCheckpoints = RunCheckpoints<EpochRecord[], MpsSearched, MpsPoint, SavedMpsPoint>;

/** The first samples of the training split as one calibration batch. */
export function calibrationBatch(splits: DatasetSplits, n = 256): Tensor {
  const tr = splits.train;
  const k = Math.min(n, tr.length);
  const per = tr.sampleShape.reduce((a, b) => a * b, 1);
  return tensor(tr.x.slice(0, k * per), [k, ...tr.sampleShape]);
}

/**
 * Quantise `float` with a plan (the quantisation layer's quantize(): BN folding, PACT, shared add
 * quantisers), calibrate the clips, fine-tune (QAT) and measure; the plan's exact costs come from
 * its fixed-precision search model.
 */
export function trainPlan(float: Module, splits: DatasetSplits, cfg: MpsConfig, plan: QuantPlan, epochs: number, hooks: MpsHooks, label: string, ckpt?: PhaseCheckpoint<FitProgress>): { handle: MpsModel; qmodel: QuantModel; valMetric: number; testMetric: number; history: EpochRecord[]; costs: Record<string, number>; packedBytes: number } {
  const shape = splits.info.sampleShape;
  const handle = fixedPrecision(cloneModel(float), plan, { inputShape: shape, costs: hooks.costs });
  const qmodel = quantize(cloneModel(float), plan, { inputShape: shape });
  calibrate(qmodel, [calibrationBatch(splits)], { method: 'max' });
  hooks.onPhase?.('fine-tune', label);
  const r = fitPhase(qmodel, splits, cfg, epochs, { onBatch: hooks.onFitBatch, onEpoch: (e) => hooks.onFitEpoch?.('fine-tune', e) }, ckpt);
  const va = evaluate(qmodel, splits.val, r.ctx);
  const te = evaluate(qmodel, splits.test, r.ctx);
  const c = costValues(handle);
  const packedBytes = integerize(qmodel).memory().reduce((sum, m) => sum + m.weightBytes, 0);
  return { handle, qmodel, valMetric: va.metric, testMetric: te.metric, history: r.history, costs: c, packedBytes };
}

/**
 * What a precision search point converts its warm model into: a searchable model with the
 * selectors' shared state (annealed temperature, noise generator), the argmax plan, and the float
 * model the plan applies to. The per-layer and per-channel searches are built in; another method
 * (the joint architecture + precision search) plugs in its own.
 */
export interface PrecisionSearchTarget extends SearchableModel {
  readonly state: SelectionState;
  anneal(rate: number): number;
  plan(): QuantPlan;
  exportFloat(): Module;
}

export interface PrecisionSearchKind {
  /** The point kind in front.json ('mps-channel', 'joint', …). */
  kind: string;
  /** Short name in labels ('channel', 'joint', …). */
  name: string;
  /**
   * Search the float model with its BatchNorms (the plan's fine-tune folds them, as always);
   * default false: the search starts from the BN-folded model (docs/design.md#mixed-precision-search).
   */
  keepsBatchNorm?: boolean;
  convert(model: Module, splits: DatasetSplits, cfg: MpsConfig, hooks: MpsHooks): PrecisionSearchTarget;
}

/** The built-in mixed-precision search of one weight precision per layer or per output channel. */
export function granularityKind(granularity: Granularity): PrecisionSearchKind {
  return {
    kind: `mps-${granularity}`, name: granularity,
    convert: (model, splits, cfg, hooks) => mps(model, {
      inputShape: splits.info.sampleShape, perChannel: granularity === 'channel',
      weightPrecisions: granularity === 'channel' ? cfg.precisions : cfg.precisions.filter((p) => p !== 0),
      activationPrecisions: cfg.actPrecisions, inputBits: cfg.inputBits, sampling: cfg.sampling as SamplingMode, t0: cfg.t0, seed: cfg.seed,
      calibration: calibrationBatch(splits), costs: hooks.costs,
    }),
  };
}

const kindOf = (g: Granularity | PrecisionSearchKind): PrecisionSearchKind => (typeof g === 'string' ? granularityKind(g) : g);

export function searchOne(warm: Module, splits: DatasetSplits, cfg: MpsConfig, granularity: Granularity | PrecisionSearchKind, strength: number, hooks: MpsHooks = {}, ckpt?: MpsPointCheckpoints): MpsPoint {
  const t0 = performance.now();
  const kind = kindOf(granularity);
  const label = `${kind.name} λ=${strength}`;
  const { value: { plan, searchHistory, searchBestEpoch }, model: source } = runSearchedOnce<MpsSearched>(ckpt, () => searchPlan(warm, splits, cfg, kind, strength, label, hooks, ckpt));
  const ft = trainPlan(source, splits, cfg, plan, cfg.finetuneEpochs, hooks, label, ckpt?.finetune);
  return {
    kind: kind.kind, label, strength, sizeBytes: ft.packedBytes, bitops: ft.costs.bitops, costs: ft.costs, valMetric: ft.valMetric, testMetric: ft.testMetric,
    plan, histogram: bitHistogram(plan), searchHistory, finetuneHistory: ft.history, searchBestEpoch,
    seconds: (performance.now() - t0) / 1000, model: ft.qmodel, source, handle: ft.handle,
  };
}

/** The search phase of a point: the argmax plan and the float model it applies to. */
function searchPlan(warm: Module, splits: DatasetSplits, cfg: MpsConfig, kind: PrecisionSearchKind, strength: number, label: string, hooks: MpsHooks, ckpt?: MpsPointCheckpoints): { value: MpsSearched; model: Module } {
  const model = cloneModel(warm);
  const target = kind.convert(model, splits, cfg, hooks);
  hooks.onPhase?.('search', label);
  const ctx = taskContext(splits, trainingPart(cfg, cfg.searchEpochs));
  const s = searchPhase(target, splits, ctx, cfg, plainRegularizer(cfg.cost, strength), {
    ...hooks,
    onEpoch: (r) => {
      hooks.onEpoch?.(r);
      target.anneal(cfg.annealRate);
    },
    // The annealed temperature and the Gumbel noise generator live beside the weights; resuming restores them.
    extraState: {
      get: () => ({ temperature: target.state.temperature, rng: target.state.rng.getState() }),
      set: (x) => {
        const st = x as { temperature: number; rng: ReturnType<typeof target.state.rng.getState> } | null;
        if (st === null || typeof st !== 'object' || !(st.temperature > 0)) throw new Error(`mps: the saved search state has no valid temperature (${JSON.stringify(st)?.slice(0, 60)}); the state file is corrupt — delete it to redo the search`);
        target.state.temperature = st.temperature;
        target.state.rng.setState(st.rng);
      },
    },
  }, ckpt?.search);
  return { value: { plan: target.plan(), searchHistory: s.history, searchBestEpoch: s.bestEpoch }, model: target.exportFloat() };
}

/** Uniform fixed-precision QAT (w<b>a<aBits>) from the warm model, as many quantised epochs as a search point gets. */
export function uniformBaseline(warm: Module, splits: DatasetSplits, cfg: MpsConfig, wBits: number, hooks: MpsHooks = {}, ckpt?: MpsPointCheckpoints): MpsPoint {
  const t0 = performance.now();
  const probe = mps(cloneModel(warm), { inputShape: splits.info.sampleShape, perChannel: false });
  const plan = uniformPlan(probe.planLayers(), wBits, cfg.baselineActBits, cfg.inputBits);
  const label = `uniform w${wBits}a${cfg.baselineActBits}`;
  const ft = trainPlan(warm, splits, cfg, plan, cfg.searchEpochs + cfg.finetuneEpochs, hooks, label, ckpt?.finetune);
  return {
    kind: 'uniform', label, strength: null, sizeBytes: ft.packedBytes, bitops: ft.costs.bitops, costs: ft.costs, valMetric: ft.valMetric, testMetric: ft.testMetric,
    plan, histogram: bitHistogram(plan), searchHistory: [], finetuneHistory: ft.history, searchBestEpoch: null,
    seconds: (performance.now() - t0) / 1000, model: ft.qmodel, source: warm, handle: ft.handle,
  };
}

export interface ChannelVsLayer {
  layerPoint: number;
  /** 'mps-layer' (a searched per-layer assignment) or 'uniform' (a uniform one is per-layer too). */
  layerKind: string;
  layerMetric: number;
  layerSizeBytes: number;
  /** Smallest per-channel point within 0.5 points of the per-layer accuracy (null: none). */
  channelPoint: number | null;
  channelMetric: number | null;
  channelSizeBytes: number | null;
  /** 1 − channel size / layer size. */
  saving: number | null;
}

/**
 * For each per-layer assignment (searched per layer, or uniform): the smallest per-channel point
 * at the same accuracy (within `tol`, 0.005 = 0.5 points) and its weight-memory saving.
 */
export function compareChannelToLayer(points: readonly Pick<MpsPoint, 'kind' | 'testMetric' | 'sizeBytes'>[], metricName: 'accuracy' | 'mae', tol = 0.005): ChannelVsLayer[] {
  const score = (v: number) => MetricAccumulator.score({ metric: v, metricName });
  const out: ChannelVsLayer[] = [];
  points.forEach((l, i) => {
    if (l.kind !== 'mps-layer' && l.kind !== 'uniform') return;
    let best: number | null = null;
    points.forEach((c, j) => {
      if (c.kind !== 'mps-channel' || score(c.testMetric) < score(l.testMetric) - tol) return;
      if (best === null || c.sizeBytes < points[best].sizeBytes) best = j;
    });
    const b = best as number | null;
    out.push({
      layerPoint: i, layerKind: l.kind, layerMetric: l.testMetric, layerSizeBytes: l.sizeBytes, channelPoint: b, channelMetric: b === null ? null : points[b].testMetric,
      channelSizeBytes: b === null ? null : points[b].sizeBytes, saving: b === null ? null : 1 - points[b].sizeBytes / l.sizeBytes,
    });
  });
  return out;
}

/** The fronts of mps points (all kinds together): metric vs weight memory, and metric vs BitOps (costFronts). */
export function mpsFronts(points: readonly Pick<MpsPoint, 'testMetric' | 'sizeBytes' | 'bitops'>[], metricName: 'accuracy' | 'mae'): { frontSize: number[]; frontBitops: number[] } {
  const f = costFronts(points, metricName, ['sizeBytes', 'bitops']);
  return { frontSize: f.sizeBytes, frontBitops: f.bitops };
}

/**
 * The whole run: warm-up (unless `warmed`), searches for each granularity × strength, uniform
 * baselines, fronts and the per-channel vs per-layer comparison.
 */
export function runMps(seed: Module, splits: DatasetSplits, cfg: MpsConfig, granularities: readonly (Granularity | PrecisionSearchKind)[], strengths: readonly number[], hooks: MpsHooks = {}): MpsSweepResult {
  const r = driveMps(seed, splits, cfg, granularities, strengths, hooks);
  const metric = splits.info.metric;
  return { float: r.warm.float, points: r.points, ...mpsFronts(r.points, metric), comparison: compareChannelToLayer(r.points, metric) };
}

/** The number of points of a run: the uniform baselines, then each search kind × strength (in that order). */
export function mpsPointCount(cfg: Pick<MpsConfig, 'runBaselines' | 'baselines'>, granularities: readonly unknown[], strengths: readonly number[]): number {
  return (cfg.runBaselines ? cfg.baselines.length : 0) + granularities.length * strengths.length;
}

/**
 * A worker's share of a run (the search layer's runSweepShare for mixed precision): the warm-up
 * (loaded from hooks.checkpoints when done, else run and saved), then only the points in `only`,
 * each saved there when finished; the same bits as in runMps.
 */
export function runMpsShare(seed: Module, splits: DatasetSplits, cfg: MpsConfig, granularities: readonly (Granularity | PrecisionSearchKind)[], strengths: readonly number[], only: readonly number[], hooks: MpsHooks & { checkpoints: MpsCheckpoints }): void {
  const n = mpsPointCount(cfg, granularities, strengths);
  for (const i of only) if (!Number.isInteger(i) || i < 0 || i >= n) throw new Error(`runMpsShare: point ${i} is not one of the run's ${n} points`);
  driveMps(seed, splits, cfg, granularities, strengths, hooks, new Set(only));
}

function driveMps(seed: Module, splits: DatasetSplits, cfg: MpsConfig, granularities: readonly (Granularity | PrecisionSearchKind)[], strengths: readonly number[], hooks: MpsHooks, only?: ReadonlySet<number>) {
  const t0 = performance.now();
  const store = hooks.checkpoints;
  return runSweepDriver({
    warmUp: () => {
      const warmupHistory = cfg.warmupEpochs > 0 ? runPhaseOnce(store === undefined ? undefined : () => store.loadWarm(seed), () => {
        hooks.onPhase?.('warm-up', null);
        return fitPhase(seed, splits, cfg, cfg.warmupEpochs, { onBatch: hooks.onFitBatch, onEpoch: (e) => hooks.onFitEpoch?.('warm-up', e) }, store?.warmup).history;
      }, store === undefined ? undefined : (w) => store.saveWarm(seed, w)) : [];
      const ctx = taskContext(splits, trainingPart(cfg, 1));
      // Searches and baselines start from the BN-folded float model (see fold.ts for why).
      const warm = cloneModel(seed);
      const foldedLayers = foldBatchNorms(warm, splits.info.sampleShape);
      const float = {
        valMetric: evaluate(seed, splits.val, ctx).metric, testMetric: evaluate(seed, splits.test, ctx).metric, foldedTestMetric: evaluate(warm, splits.test, ctx).metric,
        foldedLayers, seconds: (performance.now() - t0) / 1000, warmupHistory,
      };
      return { warm, float };
    },
    // Uniform baselines first, then the searches; with checkpoints, a point an earlier run finished is loaded instead of recomputed (and its files are left alone).
    points: ({ warm }) => [
      ...(cfg.runBaselines ? cfg.baselines.map((b) => (ck?: MpsPointCheckpoints) => uniformBaseline(warm, splits, cfg, b, hooks, ck)) : []),
      // A kind that keeps BatchNorm during its search (the joint search's masks) starts from the unfolded warm model.
      ...granularities.flatMap((g) => strengths.map((s) => (ck?: MpsPointCheckpoints) => searchOne(kindOf(g).keepsBatchNorm === true ? seed : warm, splits, cfg, g, s, hooks, ck))),
    ],
    store,
    loaded: (saved: SavedMpsPoint) => loadedMpsPoint(saved, splits, hooks.costs),
    hooks,
    only,
  });
}

/** A saved point with its models rebuilt: the plan quantised onto the saved float model, the fine-tuned weights copied in. */
export function loadedMpsPoint(saved: SavedMpsPoint, splits: DatasetSplits, costs?: MpsHooks['costs']): MpsPoint {
  const shape = splits.info.sampleShape;
  const model = quantize(cloneModel(saved.source), saved.value.plan, { inputShape: shape });
  restore(model, saved.quantWeights);
  const handle = fixedPrecision(cloneModel(saved.source), saved.value.plan, { inputShape: shape, costs });
  return { ...saved.value, model, source: saved.source, handle };
}
