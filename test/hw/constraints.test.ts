/** Memory budgets as hinge constraints next to a latency objective: strengths scaled by the budget, objective kept. */

import { describe, it, expect } from 'vitest';
import * as T from '../../src/index.js';
import { hingeRegularizer, plainRegularizer, withHingeConstraints } from '../../src/search/regularizers.js';

describe('memory budgets on top of an objective', () => {
  it("'budget' strength: L / min(C0 − T, T), so a seed far over budget still feels the last kilobytes", () => {
    const ctx = { epoch: 10, epochs: 10, taskLoss: 0.2 };
    const excess = hingeRegularizer([{ cost: 'flash', target: 64 }]);
    const budget = hingeRegularizer([{ cost: 'flash', target: 64 }], { scale: 'budget' });
    excess.term({ flash: T.scalar(920) }, ctx);
    budget.term({ flash: T.scalar(920) }, ctx);
    expect((excess.describe().strengths as number[])[0]).toBeCloseTo(0.2 / 856, 12);
    expect((budget.describe().strengths as number[])[0]).toBeCloseTo(0.2 / 64, 12);
    // 8 units over a 64 budget: an eighth of the task loss, not a hundredth
    expect(budget.term({ flash: T.scalar(72) }, ctx).item()).toBeCloseTo(0.2 / 8, 9);
    // a seed within twice its budget: both rules agree
    const near = hingeRegularizer([{ cost: 'flash', target: 64 }], { scale: 'budget' });
    near.term({ flash: T.scalar(100) }, ctx);
    expect((near.describe().strengths as number[])[0]).toBeCloseTo(0.2 / 36, 12);
  });

  it('the objective term stays and the hinge adds to it; no budget leaves the regulariser as it is', () => {
    const base = plainRegularizer('latency', 0.5);
    expect(withHingeConstraints(base, [])).toBe(base);
    const reg = withHingeConstraints(base, [{ cost: 'ram', target: 100 }]);
    const ctx = { epoch: 5, epochs: 10, taskLoss: 1 };
    const costs = { latency: T.scalar(2), ram: T.scalar(150) };
    // λ_ram = 1 / min(50, 100) = 0.02 at full ramp (epoch ≥ half): 0.5·2 + 0.02·50
    expect(reg.term(costs, ctx).item()).toBeCloseTo(1 + 1, 6);
    expect(reg.term({ latency: T.scalar(2), ram: T.scalar(90) }, ctx).item()).toBeCloseTo(1, 6);
    expect(reg.describe().kind).toBe('plain+constraints');
  });
});
