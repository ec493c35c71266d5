/** The shapes shared by the optimiser base, the concrete optimisers and the state dict. */

import type { Tensor } from '../../tensor/tensor.js';
import type { FloatArray } from './params.js';
import type { OptionSchema } from './validate.js';

/** Hyper-parameters every optimiser has. */
export interface BaseHyper {
  lr: number;
  weightDecay: number;
}

/**
 * A group of parameters as given to an optimiser: options left out take the optimiser's
 * defaults. `name` is only for messages and logs.
 */
export type ParamGroup<H extends BaseHyper = BaseHyper> = { params: Iterable<Tensor>; name?: string } & Partial<H>;

/** A group as the optimiser holds it: every hyper-parameter resolved; `lr` etc. may be reassigned (schedulers do). */
export type OptimizerParamGroup<H extends BaseHyper = BaseHyper> = {
  readonly params: readonly Tensor[];
  readonly name: string | undefined;
} & H;

/** What an optimiser keeps per parameter: its update count and its buffers (parameter dtype and size). */
export interface ParamState {
  step: number;
  buffers: Record<string, FloatArray>;
}

/** Everything the base class needs to know about a concrete optimiser. */
export interface OptimizerSpec<H extends BaseHyper> {
  /** Class name, used in messages and recorded in state dicts. */
  readonly name: string;
  readonly defaults: Readonly<H>;
  readonly schema: OptionSchema<H>;
  /** Names of the per-parameter buffers this optimiser may keep. */
  readonly buffers: readonly string[];
  /** Rules between options (e.g. Nesterov needs momentum); throws a message starting with `prefix`. */
  check?(h: H, prefix: string): void;
}
