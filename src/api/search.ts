/**
 * The PIT protocol in one call (the library side of `tsdnas search` / `sweep`): warm-up of the
 * seed, then per strength a mask search from the warm weights, export to a dense model,
 * fine-tune and test; the Pareto front of the points. A thin layer over runSweep: options are
 * the CLI's (SEARCH_DEFAULTS), validated before any work, and the found models are returned.
 */

import type { Module } from '../nn/module.js';
import type { CostModel } from '../hw/spec.js';
import type { HardwareTarget } from '../hw/targets/types.js';
import { DEFAULT_COSTS } from '../hw/index.js';
import type { ModuleClass } from '../nas/pit/convert.js';
import { pitConverter } from '../nas/pit/convert.js';
import { SEARCH_SCHEMA, type SearchConfig } from '../search/config.js';
import { runSweep, seedCostOf, sweepPlan, type PointResult, type SeedResult, type SweepHooks, type SweepPlan } from '../search/run.js';
import { memoryBudgets } from '../search/constraints.js';
import { toSplits, type SplitsInput } from './data.js';
import { needCost, resolveOptions, targetCostModels } from './options.js';

/** Options of pitSearch / pitSweep: any SEARCH_DEFAULTS key, plus code-only ones. */
export type PitProtocolOptions = Partial<Omit<SearchConfig, 'target'>> & {
  /** Hardware target of the costs: a built-in name ('gap8', …) or a parsed target (parseTargetText). */
  target?: string | HardwareTarget;
  /** Strengths of a sweep in the regulariser's units (default: `budgets` — 50 %, 20 %, 5 %, 1 % of the seed's cost — or `lambdas` when given, `mus` for multi-complexity). */
  strengths?: readonly number[];
  /** Layers left as they are (module paths or classes), as in pit(). */
  exclude?: readonly (string | ModuleClass)[];
  /** Extra named cost models (usable as `cost` / `opsCost`). */
  costs?: Readonly<Record<string, CostModel>>;
  /** Progress callbacks (phases, epochs, batches, finished points). */
  hooks?: SweepHooks;
};

export interface PitProtocolResult {
  /** Non-dominated points: test metric vs parameters (in points order). */
  front: PointResult[];
  /** Non-dominated points: test metric vs MACs. */
  frontMacs: PointResult[];
  /** One per strength: the exported, fine-tuned model and its costs and metrics. */
  points: PointResult[];
  /** The seed after warm-up (trained in place: it is the model passed in) and its measurements. */
  warm: SeedResult & { model: Module };
  /** The resolved options (defaults filled). */
  config: SearchConfig;
}

const EXTRA = ['strengths', 'exclude', 'costs', 'hooks'] as const;

function run(model: Module, data: SplitsInput, options: PitProtocolOptions, who: string, sweep: boolean): PitProtocolResult {
  const { target, ...rest0 } = options ?? {};
  const objectTarget = target !== undefined && typeof target !== 'string' ? target : undefined;
  const { cfg, rest } = resolveOptions(SEARCH_SCHEMA, { ...rest0, ...(typeof target === 'string' ? { target } : {}) }, EXTRA, who);
  const splits = toSplits(data, who);
  const costs = { ...targetCostModels(objectTarget ?? cfg.target, who), ...((rest.costs ?? {}) as Record<string, CostModel>) };
  const names = [...Object.keys(DEFAULT_COSTS), ...Object.keys(costs)];
  needCost(names, cfg.cost, 'cost', who);
  if (cfg.regularizer === 'multi-complexity') needCost(names, cfg.opsCost, 'opsCost', who);
  for (const b of memoryBudgets(cfg)) needCost(names, b.cost, b.cost === 'flash' ? 'maxFlash' : 'maxRam', who);
  if (splits.info.sampleShape.join() !== splits.train.sampleShape.join()) throw new Error(`${who}: info.sampleShape [${splits.info.sampleShape.join(', ')}] differs from the training samples' [${splits.train.sampleShape.join(', ')}]`);
  const convert = pitConverter({
    inputShape: splits.info.sampleShape,
    search: { channels: cfg.searchChannels, receptiveField: cfg.searchReceptiveField, dilation: cfg.searchDilation },
    exclude: (rest.exclude ?? []) as PitProtocolOptions['exclude'],
    costs,
  });
  let plan: SweepPlan;
  if (sweep && rest.strengths !== undefined) {
    const s = rest.strengths as unknown;
    if (!Array.isArray(s) || s.length === 0 || !s.every((v) => typeof v === 'number' && v >= 0)) throw new Error(`${who}: strengths must be a non-empty list of numbers ≥ 0, got ${JSON.stringify(s)}`);
    plan = { regularizer: cfg.regularizer, strengths: s };
  } else {
    try {
      plan = sweepPlan(cfg, () => seedCostOf(model, convert, cfg.cost), sweep);
    } catch (e) {
      throw new Error(`${who}: ${(e as Error).message}`);
    }
  }
  const r = runSweep(model, splits, { ...cfg, regularizer: plan.regularizer }, plan.strengths, convert, (rest.hooks ?? {}) as SweepHooks);
  return {
    front: r.frontParams.map((i) => r.points[i]), frontMacs: r.frontMacs.map((i) => r.points[i]), points: r.points,
    warm: { ...r.seed, model }, config: cfg,
  };
}

/** One PIT search at `lambda` (or `mu` for multi-complexity): warm-up, search, export, fine-tune, test. */
export function pitSearch(model: Module, data: SplitsInput, options: PitProtocolOptions = {}): PitProtocolResult {
  return run(model, data, options, 'pitSearch', false);
}

/** A PIT sweep over `strengths` (default `lambdas`): one shared warm-up, one point per strength, the Pareto front. */
export function pitSweep(model: Module, data: SplitsInput, options: PitProtocolOptions = {}): PitProtocolResult {
  return run(model, data, options, 'pitSweep', true);
}
