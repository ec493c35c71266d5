/**
 * Cost regularisers of the search objective (docs/design.md#regularisers), as functions of autograd scalars:
 *   plain             L + λ·C
 *   multi-complexity  L + λ·|S − s*| + μ·O   (S size, s* budget, O ops / latency / energy)
 *   hinge constraints L + Σᵢ λᵢ(e)·max(0, Cᵢ − Tᵢ), with λᵢ set at the first call to
 *                     L_task / (Cᵢ(θ₀) − Tᵢ) and ramped linearly from λᵢ/100 to λᵢ over the
 *                     first half of the search epochs.
 *   constrained       any of the above + hinge constraints (e.g. latency as the objective with
 *                     flash and RAM budgets of a hardware target: the multi-complexity form).
 * Each returns the regulariser term only; the caller adds the task loss.
 */

import type { Tensor } from '../tensor/tensor.js';
import { abs, add, mul, relu, sub } from '../autograd/ops/elementwise.js';
import { MASK_THRESHOLD } from '../graph/threshold.js';

/** Named cost scalars of the current masked model (e.g. { params, macs }). */
export type CostValues = Readonly<Record<string, Tensor>>;

/** Where a regulariser term is asked for: the search epoch (1-based) of `epochs`, the batch's task loss. */
export interface TermContext {
  epoch: number;
  epochs: number;
  taskLoss: number;
  /** True in the mask pass (a term that will be minimised), false when only reported. */
  train?: boolean;
  /** Mask updates the whole search makes (for controllers that adapt per update). */
  updates?: number;
}

export interface Regularizer {
  readonly kind: string;
  /** The term to add to the task loss. */
  term(costs: CostValues, ctx: TermContext): Tensor;
  /**
   * A hard budget (the budget regulariser): the search keeps the best epoch at or under it,
   * compares epochs by the task loss alone, and projects the masks under it if no epoch met it.
   */
  readonly constraint?: { cost: string; target: number };
  /** A JSON description for run summaries. */
  describe(): Record<string, unknown>;
  /** State set during the search (the hinge's automatic strengths), for resuming; null when there is none. */
  getState?(): unknown;
  setState?(s: unknown): void;
}

function need(costs: CostValues, name: string, who: string): Tensor {
  const c = costs[name];
  if (c === undefined) throw new Error(`${who}: cost '${name}' is not computed; available costs: ${Object.keys(costs).join(', ')}`);
  return c;
}

export function plainRegularizer(cost: string, lambda: number): Regularizer {
  if (!(lambda >= 0)) throw new Error(`plain regulariser: lambda must be ≥ 0, got ${lambda}`);
  return {
    kind: 'plain',
    term: (costs) => mul(need(costs, cost, 'plain regulariser'), lambda),
    describe: () => ({ kind: 'plain', cost, lambda }),
  };
}

export interface MultiComplexityOptions {
  /** Cost measuring size (e.g. 'params'). */
  size: string;
  /** Size budget s* in the same units. */
  target: number;
  lambda: number;
  /** Cost measuring operations / latency / energy (e.g. 'macs'). */
  ops: string;
  mu: number;
}

export function multiComplexityRegularizer(o: MultiComplexityOptions): Regularizer {
  if (!(o.lambda >= 0) || !(o.mu >= 0)) throw new Error(`multi-complexity regulariser: lambda and mu must be ≥ 0, got ${o.lambda}, ${o.mu}`);
  if (!(o.target >= 0)) throw new Error(`multi-complexity regulariser: the size target must be ≥ 0, got ${o.target}`);
  return {
    kind: 'multi-complexity',
    term: (costs) => add(
      mul(abs(sub(need(costs, o.size, 'multi-complexity regulariser'), o.target)), o.lambda),
      mul(need(costs, o.ops, 'multi-complexity regulariser'), o.mu),
    ),
    describe: () => ({ kind: 'multi-complexity', ...o }),
  };
}

export interface HingeConstraint {
  cost: string;
  /** Upper bound on the cost. */
  target: number;
}

export interface HingeOptions {
  /**
   * 'excess' (docs/design.md#regularisers): λᵢ = L / (Cᵢ(θ₀) − Tᵢ), so the initial violation weighs as much as
   * the task loss. 'budget': λᵢ = L / min(Cᵢ(θ₀) − Tᵢ, Tᵢ): when the seed is many times over
   * budget (PPG's 921 KB seed against 64 KB of flash), 'excess' leaves the last few kilobytes of
   * violation almost free (measured: a sweep point ended 12 % over budget); 'budget' makes a
   * violation as large as the budget itself weigh as much as the task loss.
   */
  scale?: 'excess' | 'budget';
}

export function hingeRegularizer(constraints: readonly HingeConstraint[], opts: HingeOptions = {}): Regularizer {
  if (constraints.length === 0) throw new Error('hinge regulariser: needs at least one constraint');
  const byBudget = opts.scale === 'budget';
  let strengths: number[] | null = null;
  return {
    kind: 'hinge',
    term: (costs, ctx) => {
      const values = constraints.map((c) => need(costs, c.cost, 'hinge regulariser'));
      if (strengths === null) {
        // Automatic strengths: a violated constraint weighs as much as the task loss at the start.
        strengths = constraints.map((c, i) => {
          const excess = values[i].item() - c.target;
          const scale = byBudget ? Math.min(excess, Math.max(c.target, 1)) : excess;
          return excess > 0 ? ctx.taskLoss / scale : ctx.taskLoss / Math.max(c.target, 1);
        });
      }
      const half = Math.max(1, Math.floor(ctx.epochs / 2));
      const ramp = ctx.epoch >= half ? 1 : 0.01 + (0.99 * (ctx.epoch - 1)) / Math.max(half - 1, 1);
      const lambdas = strengths;
      let total = mul(relu(sub(values[0], constraints[0].target)), lambdas[0] * ramp);
      for (let i = 1; i < constraints.length; i++) {
        total = add(total, mul(relu(sub(values[i], constraints[i].target)), lambdas[i] * ramp));
      }
      return total;
    },
    describe: () => ({ kind: 'hinge', constraints, strengths, scale: byBudget ? 'budget' : 'excess' }),
    getState: () => strengths,
    setState: (s) => {
      if (s !== null && !(Array.isArray(s) && s.length === constraints.length && s.every((v) => typeof v === 'number'))) {
        throw new Error(`hinge regulariser: saved strengths ${JSON.stringify(s)?.slice(0, 60)} do not fit ${constraints.length} constraint(s); the state file is corrupt`);
      }
      strengths = s;
    },
  };
}

/**
 * A regulariser plus hinge constraints: the objective term of `base` (e.g. λ·latency) with
 * Σᵢ λᵢ(e)·max(0, Cᵢ − Tᵢ) for memory budgets (strengths scaled by the budget by default, see
 * HingeOptions). No constraints: `base` unchanged.
 */
export function withHingeConstraints(base: Regularizer, constraints: readonly HingeConstraint[], opts: HingeOptions = { scale: 'budget' }): Regularizer {
  if (constraints.length === 0) return base;
  const hinge = hingeRegularizer(constraints, opts);
  return {
    kind: `${base.kind}+constraints`,
    ...(base.constraint === undefined ? {} : { constraint: base.constraint }),
    term: (costs, ctx) => add(base.term(costs, ctx), hinge.term(costs, ctx)),
    describe: () => ({ ...base.describe(), kind: `${base.kind}+constraints`, objective: base.describe(), constraints: hinge.describe() }),
    getState: () => ({ base: base.getState?.() ?? null, hinge: hinge.getState?.() ?? null }),
    setState: (s) => {
      const st = (s ?? {}) as { base?: unknown; hinge?: unknown };
      base.setState?.(st.base ?? null);
      hinge.setState?.(st.hinge ?? null);
    },
  };
}

/**
 * Default mask learning rate from the number of mask updates the search will make: with Adam a
 * mask moves by about its learning rate per update, and it must travel from 1 to below 0.5 to
 * prune, so it can do so within a quarter of the updates (2 / updates). Clamped to [1e-4, 2e-2]:
 * 2e-2 is what the PLiNIO kit found on ECG200 with 2 updates per epoch; 5e-2 collapsed. The
 * search makes at least `minMaskSteps` updates per epoch (small validation splits are passed over
 * several times), so the clamp no longer keeps a tiny split from pruning.
 */
export function defaultMaskLr(maskUpdates: number): number {
  const lr = 2 / Math.max(maskUpdates, 1);
  return Math.min(2e-2, Math.max(1e-4, lr));
}

/** Search epochs a mask needs, at `maskLr` and `stepsPerEpoch` updates, to move from 1 to MASK_THRESHOLD. */
export function epochsToThreshold(maskLr: number, stepsPerEpoch: number): number {
  return Math.ceil((1 - MASK_THRESHOLD) / Math.max(maskLr * stepsPerEpoch, 1e-12));
}
