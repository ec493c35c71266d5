/**
 * Options of the one-call protocol functions: the CLI's schemas (same names, defaults, ranges
 * and messages as `tsdnas search` / `mps` flags) plus a few keys that only make sense in code
 * (hooks, extra cost models, layers to exclude). Validated before any work starts.
 */

import { resolveConfig, type ConfigOf, type Schema } from '../util/schema.js';
import { SEARCH_SCHEMA, type SearchConfig } from '../search/config.js';
import { MPS_SCHEMA, type MpsConfig } from '../quant/mps/config.js';
import { TRAIN_SCHEMA, type TrainConfig } from '../nn/train/config.js';
import type { CostModel } from '../hw/spec.js';
import type { HardwareTarget } from '../hw/targets/types.js';
import { resolveTarget } from '../hw/targets/index.js';
import { targetCosts } from '../hw/targets/costs.js';

function defaults<S extends Schema>(schema: S): Readonly<ConfigOf<S>> {
  return Object.freeze(resolveConfig(schema, []));
}

/** Every option of fit() with its default (= `tsdnas train` defaults): `fit(model, data, { ...TRAIN_DEFAULTS, epochs: 5 })`. */
export const TRAIN_DEFAULTS: Readonly<TrainConfig> = defaults(TRAIN_SCHEMA);
/** Every option of pitSearch / pitSweep with its default (= `tsdnas search` / `sweep` defaults). */
export const SEARCH_DEFAULTS: Readonly<SearchConfig> = defaults(SEARCH_SCHEMA);
/** Every option of mpsSearch with its default (= `tsdnas mps` defaults). */
export const MPS_DEFAULTS: Readonly<MpsConfig> = defaults(MPS_SCHEMA);

/** Splits `options` into schema values (validated, defaults filled) and the code-only keys. */
export function resolveOptions<S extends Schema, K extends string>(schema: S, options: object, extra: readonly K[], who: string): { cfg: ConfigOf<S>; rest: Partial<Record<K, unknown>> } {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) throw new Error(`${who}: options must be an object, got ${JSON.stringify(options)}`);
  const values: Record<string, unknown> = {};
  const rest: Partial<Record<K, unknown>> = {};
  for (const [k, v] of Object.entries(options)) {
    if ((extra as readonly string[]).includes(k)) rest[k as K] = v;
    else values[k] = v;
  }
  return { cfg: resolveConfig(schema, [{ values, where: `${who} options` }]), rest };
}

/** Cost models of a hardware target given by built-in name or as a parsed HardwareTarget (parseTargetText). */
export function targetCostModels(target: string | HardwareTarget | undefined, who: string): Record<string, CostModel> {
  if (target === undefined) return {};
  try {
    return { ...targetCosts(typeof target === 'string' ? resolveTarget(target) : target) };
  } catch (e) {
    throw new Error(`${who}: target: ${(e as Error).message}`);
  }
}

/** Refuse a cost the run cannot compute before any training, naming the option. */
export function needCost(available: readonly string[], cost: string, option: string, who: string): void {
  if (available.includes(cost)) return;
  const hw = ['cycles', 'latency', 'energy', 'flash', 'ram'].includes(cost);
  throw new Error(`${who}: ${option} '${cost}' is not computed here (available: ${available.join(', ')})${hw ? "; hardware costs need a target: add target: 'gap8' (or stm32h7, mpic, diana-digital, diana-analog, or a HardwareTarget from parseTargetText)" : '; add it with the costs option'}`);
}
