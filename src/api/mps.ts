/**
 * Mixed-precision search in one call (the library side of `tsdnas mps` and `tsdnas joint`): float warm-up of the
 * model, uniform QAT baselines, per granularity × strength a precision search, its argmax plan
 * fine-tuned quantisation-aware, and the fronts (metric vs packed weight bytes, vs BitOps). A thin
 * layer over runMps with the CLI's options (MPS_DEFAULTS), validated before any work.
 */

import type { Module } from '../nn/module.js';
import type { CostModel } from '../hw/spec.js';
import type { HardwareTarget } from '../hw/targets/types.js';
import { Rng } from '../tensor/rng.js';
import { limitDataset } from '../data/split.js';
import { MPS_SCHEMA, type MpsConfig } from '../quant/mps/config.js';
import { MPS_COSTS } from '../quant/mps/costs.js';
import { checkPrecisions } from '../quant/mps/precisions.js';
import { runMps, type ChannelVsLayer, type Granularity, type MpsHooks, type MpsPoint, type MpsSweepResult, type PrecisionSearchKind } from '../quant/mps/run.js';
import { jointSearchKind } from '../joint/index.js';
import { toSplits, type SplitsInput } from './data.js';
import { needCost, resolveOptions, targetCostModels } from './options.js';

/** Options of mpsSearch: any MPS_DEFAULTS key (except checkpoint), plus code-only ones. */
export type MpsSearchOptions = Partial<Omit<MpsConfig, 'target' | 'checkpoint'>> & {
  /** Hardware target: a built-in name ('mpic', …) or a parsed target (parseTargetText). */
  target?: string | HardwareTarget;
  /** Strengths to search (default: [lambda], or `lambdas` with sweep: true). */
  strengths?: readonly number[];
  /** Extra named cost models (usable as `cost`). */
  costs?: Readonly<Record<string, CostModel>>;
  hooks?: Omit<MpsHooks, 'costs' | 'checkpoints'>;
};

export interface MpsSearchResult {
  /** Non-dominated points (searched and uniform together): test metric vs packed weight bytes. */
  front: MpsPoint[];
  /** Non-dominated points: test metric vs BitOps. */
  frontBitops: MpsPoint[];
  /** Uniform baselines first, then one point per granularity × strength; `model` is the fine-tuned fake-quant model, `source` its float model. */
  points: MpsPoint[];
  /** The float model after warm-up (trained in place: the model passed in) and its measurements. */
  warm: MpsSweepResult['float'] & { model: Module };
  comparison: ChannelVsLayer[];
  config: MpsConfig;
}

const EXTRA = ['strengths', 'costs', 'hooks'] as const;

/**
 * The searches a precision-search config asks for: per layer (perLayer), per channel (perChannel,
 * or when nothing else is asked) and the joint architecture + precision search (joint).
 */
export function searchKindsOf(cfg: Pick<MpsConfig, 'perLayer' | 'perChannel' | 'joint' | 'searchChannels' | 'searchReceptiveField' | 'searchDilation'>): (Granularity | PrecisionSearchKind)[] {
  const kinds: (Granularity | PrecisionSearchKind)[] = [];
  if (cfg.perLayer) kinds.push('layer');
  if (cfg.perChannel || (!cfg.perLayer && !cfg.joint)) kinds.push('channel');
  if (cfg.joint) kinds.push(jointSearchKind({ channels: cfg.searchChannels, receptiveField: cfg.searchReceptiveField, dilation: cfg.searchDilation }));
  return kinds;
}

/** The joint architecture + precision search in one call: mpsSearch with `joint: true` (PIT masks and per-channel bits searched together). */
export function jointSearch(model: Module, data: SplitsInput, options: MpsSearchOptions = {}): MpsSearchResult {
  return mpsSearch(model, data, { ...options, joint: true });
}

/** Mixed-precision search of `model` (default per channel, 0-bit channels allowed by `precisions`). */
export function mpsSearch(model: Module, data: SplitsInput, options: MpsSearchOptions = {}): MpsSearchResult {
  const who = 'mpsSearch';
  const { target, ...rest0 } = options ?? {};
  if ((rest0 as { checkpoint?: unknown }).checkpoint !== undefined) throw new Error(`${who}: checkpoint is a CLI option; load the model with loadModel(path) and pass it as the first argument`);
  const objectTarget = target !== undefined && typeof target !== 'string' ? target : undefined;
  const { cfg, rest } = resolveOptions(MPS_SCHEMA, { ...rest0, ...(typeof target === 'string' ? { target } : {}) }, EXTRA, who);
  checkPrecisions(cfg.precisions, 'weight', `${who}: precisions`);
  checkPrecisions(cfg.actPrecisions, 'activation', `${who}: actPrecisions`);
  if (cfg.runBaselines) checkPrecisions(cfg.baselines, 'weight', `${who}: baselines`);
  const costs = { ...targetCostModels(objectTarget ?? cfg.target, who), ...((rest.costs ?? {}) as Record<string, CostModel>) };
  needCost([...Object.keys(MPS_COSTS), ...Object.keys(costs)], cfg.cost, 'cost', who);
  if (cfg.joint && cfg.precisions.includes(0)) throw new Error(`${who}: precisions ${cfg.precisions.join(',')} with joint: 0 bits is not a candidate of the joint search, whose channel masks do the pruning; give non-zero bit-widths (e.g. [2, 4, 8])`);
  const granularities = searchKindsOf(cfg);
  let strengths: readonly number[] = cfg.sweep ? cfg.lambdas : [cfg.lambda];
  if (rest.strengths !== undefined) {
    const s = rest.strengths as unknown;
    if (!Array.isArray(s) || !s.every((v) => typeof v === 'number' && v >= 0)) throw new Error(`${who}: strengths must be a list of numbers ≥ 0, got ${JSON.stringify(s)}`);
    strengths = s;
  }
  const base = toSplits(data, who);
  const splits = {
    ...base,
    val: cfg.valLimit > 0 ? limitDataset(base.val, cfg.valLimit, new Rng(cfg.seed + 1)) : base.val,
    test: cfg.testLimit > 0 ? limitDataset(base.test, cfg.testLimit, new Rng(cfg.seed + 2)) : base.test,
  };
  const r = runMps(model, splits, cfg, granularities, strengths, { ...((rest.hooks ?? {}) as MpsHooks), costs });
  return {
    front: r.frontSize.map((i) => r.points[i]), frontBitops: r.frontBitops.map((i) => r.points[i]), points: r.points,
    warm: { ...r.float, model }, comparison: r.comparison, config: cfg,
  };
}
