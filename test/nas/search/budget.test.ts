import { describe, expect, it } from 'vitest';
import * as T from '../../../src/index.js';
import { budgetRegularizer, parseBudgets, resolveBudgets } from '../../../src/search/budget.js';
import { fitToBudget, maskSchedule, searchMasks } from '../../../src/search/protocol.js';
import { runSweep, seedCostOf, sweepPlan } from '../../../src/search/run.js';
import { defaultMaskLr, epochsToThreshold } from '../../../src/search/regularizers.js';
import { pitConverter } from '../../../src/nas/pit/convert.js';
import { taskContext } from '../../../src/search/train/fit.js';
import { config } from './toyTask.js';
import { seedNet, toySplits } from './toyTask.js';

const scalar = (v: number) => T.tensor([v], { dtype: 'float64', requiresGrad: true });



describe('budgets', () => {
  it('parses shares and absolute values, and names the bad entry', () => {
    expect(parseBudgets('50%,20%, 5% ,1%', 'params').map((b) => b.share)).toEqual([0.5, 0.2, 0.05, 0.01]);
    expect(parseBudgets('20000,500', 'params').map((b) => b.value)).toEqual([20000, 500]);
    expect(parseBudgets('64KB,50%', 'flash').map((b) => b.value)).toEqual([65536, null]);
    expect(resolveBudgets(parseBudgets('50%,1000', 'params'), 8000)).toEqual([4000, 1000]);
    expect(() => parseBudgets('20%,,5%', 'params')).toThrow(/without empty entries/);
    expect(() => parseBudgets('120%', 'params')).toThrow(/'120%' must be a share/);
    expect(() => parseBudgets('small', 'params')).toThrow(/'small' is neither a share .* positive number of params/);
    expect(() => parseBudgets('64KB', 'params')).toThrow(/'64KB'/);
  });

  it('the controller starts where the violation weighs 1 % of the task loss, grows while over and relaxes under', () => {
    const reg = budgetRegularizer('params', 1000);
    const first = reg.term({ params: scalar(3000) }, { epoch: 1, epochs: 10, taskLoss: 0.5, train: true, updates: 300 });
    // λ0 = L·T/(C0 − T)/100 = 0.5·1000/2000/100; term = λ0·(C − T)/T = 0.005 (1 % of the task loss).
    expect(first.item()).toBeCloseTo(0.005, 12);
    const g = Math.pow(1000, 2 / 300);
    const st = reg.getState?.() as { lambda: number };
    expect(st.lambda).toBeCloseTo(0.0025 * g, 12);
    const c = scalar(2000);
    const t = reg.term({ params: c }, { epoch: 1, epochs: 10, taskLoss: 0.5 });
    T.backward(T.sum(t));
    expect(c.grad?.item()).toBeCloseTo((0.0025 * g) / 1000, 12); // reporting (train unset) does not move λ
    expect((reg.getState?.() as { lambda: number }).lambda).toBeCloseTo(0.0025 * g, 12);
    const under = reg.term({ params: scalar(900) }, { epoch: 3, epochs: 10, taskLoss: 0.5, train: true, updates: 300 });
    expect(under.item()).toBe(0);
    expect((reg.getState?.() as { lambda: number }).lambda).toBeCloseTo(0.0025, 12); // back, never below λ0
    // Saved and restored (resume), and a corrupt state is refused.
    const again = budgetRegularizer('params', 1000);
    again.setState?.(reg.getState?.());
    expect(again.describe()).toEqual(reg.describe());
    expect(() => again.setState?.({ lambda: 'x' })).toThrow(/state file is corrupt/);
    expect(() => budgetRegularizer('params', 0)).toThrow(/positive number of params/);
  });

  it('a sweep runs budgets by default, λ when --lambdas is given, and refuses both', () => {
    const cost = () => 10_000;
    expect(sweepPlan(config({}), cost, true)).toMatchObject({ regularizer: 'budget', strengths: [5000, 2000, 500, 100] });
    expect(sweepPlan(config({ lambdas: '1e-6,1e-5' }), cost, true)).toEqual({ regularizer: 'plain', strengths: [1e-6, 1e-5] });
    expect(sweepPlan(config({ budgets: '30%' }), cost, false)).toMatchObject({ regularizer: 'budget', strengths: [3000] });
    expect(sweepPlan(config({}), cost, false)).toEqual({ regularizer: 'plain', strengths: [1e-6] });
    expect(() => sweepPlan(config({ budgets: '20%', lambdas: '1e-6' }), cost, true)).toThrow(/both --budgets 20% and --lambdas 0.000001/);
    expect(() => sweepPlan(config({ budgets: '20%,5%' }), cost, false)).toThrow(/a search finds one model/);
    expect(sweepPlan(config({ regularizer: 'multi-complexity', mus: '0,1e-6' }), cost, true)).toEqual({ regularizer: 'multi-complexity', strengths: [0, 1e-6] });
  });

  it('small validation splits are passed over several times; the default mask lr lets a mask cross 0.5 within a quarter of the search', () => {
    expect(maskSchedule(20, 16, 8)).toEqual({ passes: 4, stepsPerEpoch: 8 });
    expect(maskSchedule(1000, 64, 8)).toEqual({ passes: 1, stepsPerEpoch: 16 });
    expect(maskSchedule(17, 16, 1)).toEqual({ passes: 1, stepsPerEpoch: 1 }); // a last batch of one sample is dropped
    const updates = 60 * 8;
    expect(epochsToThreshold(defaultMaskLr(updates), 8)).toBe(15);
  });

  it('a budget sweep meets every budget on a toy task, records the export accuracy and phase times', () => {
    T.setBackend('js');
    const splits = toySplits(64, 1);
    const seed = seedNet(3);
    const convert = pitConverter({ inputShape: [2, 16] });
    const cfg = config({ warmupEpochs: 3, searchEpochs: 8, finetuneEpochs: 1, batchSize: 16, seed: 0, budgets: '50%,10%' });
    const plan = sweepPlan(cfg, () => seedCostOf(seed, convert, 'params'), true);
    const r = runSweep(seed, splits, { ...cfg, regularizer: plan.regularizer }, plan.strengths, convert);
    expect(plan.strengths).toEqual([0.5 * r.seed.params, 0.1 * r.seed.params]);
    for (const [i, p] of r.points.entries()) {
      expect(p.budget).toMatchObject({ cost: 'params', target: plan.strengths[i], met: true });
      expect(p.params).toBeLessThanOrEqual(plan.strengths[i]);
      expect(p.exportTestMetric).toBeGreaterThanOrEqual(0);
      expect(p.phaseSeconds?.search).toBeGreaterThan(0);
      expect(p.searchHistory[0].maskLoss).toBeGreaterThan(0);
    }
  });

  it('a budget no epoch met is projected under it before export (cost-only descent, least important masks first)', () => {
    T.setBackend('js');
    const splits = toySplits(32, 2);
    const convert = pitConverter({ inputShape: [2, 16] });
    const target = convert(seedNet(4));
    const seedParams = seedCostOf(seedNet(4), convert, 'params');
    // Distinct mask values (as a search leaves them), then one search epoch with a tiny mask lr: the masks cannot get under 20 % by themselves.
    const rng = new T.Rng(9);
    for (const p of target.maskParameters()) for (let j = 0; j < p.data.length; j++) p.data[j] = 0.8 + 0.6 * rng.uniform();
    const cfg = config({ searchEpochs: 1, batchSize: 16, seed: 0, maskLr: 1e-4 });
    const ctx = taskContext(splits, { ...cfg, epochs: 1, patience: 0 } as never);
    const s = searchMasks(target, splits, ctx, cfg, budgetRegularizer('params', 0.2 * seedParams));
    expect(s.projected).toBe(true);
    const after = T.noGrad(() => target.costs({ discrete: true }).params.item());
    expect(after).toBeLessThanOrEqual(0.2 * seedParams);
    expect(after).toBeGreaterThan(0.05 * seedParams); // it stops at the budget, not at the smallest network
  });

  it('masks kept well under the budget are grown back towards it, most important pruned ones first, never over it', () => {
    const convert = pitConverter({ inputShape: [2, 16] });
    const target = convert(seedNet(7));
    const seedParams = seedCostOf(seedNet(7), convert, 'params');
    const rng = new T.Rng(4);
    for (const p of target.maskParameters()) for (let j = 0; j < p.data.length; j++) p.data[j] = 0.1 + 0.5 * rng.uniform();
    const before = T.noGrad(() => target.costs({ discrete: true }).params.item());
    expect(before).toBeLessThan(0.3 * seedParams);
    const alive = (p: T.Tensor) => Array.from(p.data, (v) => Math.abs(v) > 0.5);
    const aliveBefore = target.maskParameters().map(alive);
    expect(fitToBudget(target, { cost: 'params', target: 0.5 * seedParams }, false)).toBe(null);
    expect(fitToBudget(target, { cost: 'params', target: 0.5 * seedParams })).toBe('filled');
    const after = T.noGrad(() => target.costs({ discrete: true }).params.item());
    expect(after).toBeLessThanOrEqual(0.5 * seedParams);
    expect(after).toBeGreaterThan(before);
    // Growth keeps every mask that was alive alive.
    target.maskParameters().forEach((p, i) => alive(p).forEach((a, j) => { if (aliveBefore[i][j]) expect(a).toBe(true); }));
  });
});
