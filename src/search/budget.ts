/**
 * Budgets instead of λ (docs/design.md#budgets): "a model at or under 20 % of the seed's
 * parameters" rather than a regulariser strength whose useful range moves by orders of magnitude
 * with the seed and the data. A budget is parsed from text (a share of the seed's cost, or an
 * absolute value in the cost's units), and searched with a constraint regulariser whose strength
 * tunes itself:
 *
 *   term = λ(t) · max(0, C − T) / T
 *   λ(0) = L₀ · T / (C₀ − T) / 100   (the initial violation weighs 1 % of the task loss)
 *   λ(t+1) = λ(t) · g  while C > T,  λ(t) / g otherwise (never below λ(0))
 *   g = 1000^(2 / updates)            (λ can grow 1000× within half of the search)
 *
 * Why it starts small and grows: every mask starts at 1 and, under Adam, every mask whose net
 * gradient points down moves at the same speed, so masks that start down together cross 0.5
 * together. A strength that is large from the start sends almost every mask down at once and
 * collapses the network far under the budget (measured on ECG200: a 20 % budget ended at 2 %,
 * and still at 8 % with the strength held for the masks' travel time). A small, growing strength
 * sends the least important masks first (those whose task gradient is weakest), then more while
 * the cost is still over budget, so pruning is gradual. The hinge is zero under the budget, so
 * the task loss alone acts there: the cost settles at or just under T.
 */

import type { Tensor } from '../tensor/tensor.js';
import { div, mul, relu, sub } from '../autograd/ops/elementwise.js';
import type { CostValues, Regularizer, TermContext } from './regularizers.js';
import { parseBytes } from './constraints.js';

/** The default sweep: four budgets from half the seed down to 1 %. */
export const DEFAULT_BUDGETS = '50%,20%,5%,1%';

export interface BudgetSpec {
  /** As the user wrote it ('20%', '20000', '64KB'). */
  text: string;
  /** A share of the seed's cost (0..1], or null for an absolute value. */
  share: number | null;
  /** Absolute value in the cost's units (null for a share until resolved). */
  value: number | null;
}

const BYTE_COSTS = new Set(['flash', 'ram']);

/** Parses "50%,20%,5%,1%" or "20000,5000" (or "64KB" for flash / ram); errors name the entry. */
export function parseBudgets(text: string, cost: string, option = '--budgets'): BudgetSpec[] {
  const parts = text.split(',').map((s) => s.trim());
  if (parts.length === 0 || parts.some((p) => p === '')) throw new Error(`${option} ${text}: a comma-separated list without empty entries, e.g. 50%,20%,5%,1% or 20000,5000`);
  return parts.map((p) => {
    const pct = /^(\d+(?:\.\d+)?|\.\d+)\s*%$/.exec(p);
    if (pct !== null) {
      const share = Number(pct[1]) / 100;
      if (!(share > 0 && share <= 1)) throw new Error(`${option}: '${p}' must be a share in (0 %, 100 %]`);
      return { text: p, share, value: null };
    }
    if (BYTE_COSTS.has(cost) && /[a-z]/i.test(p)) return { text: p, share: null, value: parseBytes(p, option) };
    const v = Number(p);
    if (!(Number.isFinite(v) && v > 0)) throw new Error(`${option}: '${p}' is neither a share (e.g. 20%) nor a positive number of ${cost}${BYTE_COSTS.has(cost) ? ' (bytes, or e.g. 64KB)' : ''}`);
    return { text: p, share: null, value: v };
  });
}

/** Absolute targets in the cost's units, given the seed's cost. */
export function resolveBudgets(budgets: readonly BudgetSpec[], seedCost: number): number[] {
  return budgets.map((b) => (b.share !== null ? b.share * seedCost : (b.value as number)));
}

export interface BudgetOutcome {
  cost: string;
  /** The budget as written and in the cost's units. */
  text?: string;
  target: number;
  /** The exported model's cost. */
  value: number;
  met: boolean;
  /** True when no search epoch met the budget and the masks were projected under it. */
  projected: boolean;
  /** True when the kept masks were grown back towards the budget (budgetFill). */
  filled?: boolean;
}

/** The constraint regulariser of one budget (see the module header). */
export function budgetRegularizer(cost: string, target: number): Regularizer {
  if (!(target > 0) || !Number.isFinite(target)) throw new Error(`budget regulariser: the target must be a positive number of ${cost}, got ${target}`);
  let lambda: number | null = null;
  let floor = 0;
  const need = (costs: CostValues): Tensor => {
    const c = costs[cost];
    if (c === undefined) throw new Error(`budget: cost '${cost}' is not computed; available costs: ${Object.keys(costs).join(', ')}`);
    return c;
  };
  return {
    kind: 'budget',
    constraint: { cost, target },
    term: (costs, ctx: TermContext) => {
      const c = need(costs);
      const now = c.item();
      if (lambda === null) {
        const excess = now - target;
        lambda = (excess > 0 ? (ctx.taskLoss * target) / excess : ctx.taskLoss) / 100;
        // A task loss of 0 (a perfectly fitted batch) must not freeze the controller at 0.
        if (!(lambda > 0)) lambda = 1e-5;
        floor = lambda;
      }
      const t = mul(div(relu(sub(c, target)), target), lambda);
      if (ctx.train === true) {
        const g = Math.pow(1000, 2 / Math.max(ctx.updates ?? 300, 2));
        lambda = now > target ? lambda * g : Math.max(floor, lambda / g);
      }
      return t;
    },
    describe: () => ({ kind: 'budget', cost, target, lambda }),
    getState: () => (lambda === null ? null : { lambda, floor }),
    setState: (s) => {
      if (s === null || s === undefined) {
        lambda = null;
        return;
      }
      const o = s as { lambda?: unknown; floor?: unknown };
      if (typeof o.lambda !== 'number' || typeof o.floor !== 'number') throw new Error(`budget regulariser: saved state ${JSON.stringify(s)?.slice(0, 60)} is not {lambda, floor}; the state file is corrupt`);
      lambda = o.lambda;
      floor = o.floor;
    },
  };
}
