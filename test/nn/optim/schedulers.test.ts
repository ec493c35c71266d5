/** Learning-rate schedulers: lr sequences per epoch, per-group base lrs, warm-up, resuming, option errors. */

import { describe, expect, it } from 'vitest';
import { CosineAnnealingLR, LinearWarmup, MultiStepLR, SGD, StepLR, type LRScheduler } from '../../../src/nn/optim/index.js';
import { param } from './reference.js';

/** An optimiser with two groups whose base lrs are 1 and 0.5. */
function twoGroups(): SGD {
  return new SGD([{ params: [param([1])], lr: 1 }, { params: [param([2])], lr: 0.5 }]);
}

/** getLastLr() at epochs 0 … n−1 (stepping after each), checking the optimiser holds the same lrs. */
function sequence(s: LRScheduler, n: number): number[][] {
  const out: number[][] = [];
  for (let e = 0; e < n; e++) {
    const lrs = s.getLastLr();
    expect(s.optimizer.paramGroups.map((g) => g.lr)).toEqual(lrs);
    out.push(lrs);
    s.step();
  }
  return out;
}

function expectSeq(actual: number[][], expected: number[][]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((row, e) => row.forEach((lr, i) => expect(lr, `epoch ${e}, group ${i}`).toBeCloseTo(expected[e][i], 14)));
}

describe('StepLR', () => {
  it('γ = 0.1 every 2 epochs over 6 epochs: [1, 1, 0.1, 0.1, 0.01, 0.01] × each group\'s base lr', () => {
    const s = new StepLR(twoGroups(), { stepSize: 2, gamma: 0.1 });
    expect(s.baseLrs).toEqual([1, 0.5]);
    const f = [1, 1, 0.1, 0.1, 0.01, 0.01];
    expectSeq(sequence(s, 6), f.map((x) => [x, 0.5 * x]));
    expect(s.lastEpoch).toBe(6);
  });
});

describe('MultiStepLR', () => {
  it('multiplies by γ at each milestone', () => {
    const s = new MultiStepLR(twoGroups(), { milestones: [2, 5], gamma: 0.5 });
    const f = [1, 1, 0.5, 0.5, 0.5, 0.25, 0.25];
    expectSeq(sequence(s, 7), f.map((x) => [x, 0.5 * x]));
  });
});

describe('CosineAnnealingLR', () => {
  it('is the base lr at 0, the midpoint at tMax/2, etaMin at tMax, and rises again after', () => {
    const s = new CosineAnnealingLR(twoGroups(), { tMax: 10, etaMin: 0.01 });
    const seq = sequence(s, 21);
    expectSeq([seq[0], seq[5], seq[10]], [[1, 0.5], [(1 + 0.01) / 2, (0.5 + 0.01) / 2], [0.01, 0.01]]);
    expectSeq(seq, seq.map((_, e) => [1, 0.5].map((b) => 0.01 + ((b - 0.01) * (1 + Math.cos((Math.PI * e) / 10))) / 2)));
    expect(seq[20][0]).toBeCloseTo(1, 14);
  });
});

describe('LinearWarmup', () => {
  it('ramps linearly from startFactor·base, then hands over to the wrapped schedule at its epoch 0', () => {
    const opt = twoGroups();
    const cosine = new CosineAnnealingLR(opt, { tMax: 4 });
    const s = new LinearWarmup(opt, { warmupEpochs: 4, startFactor: 0.2, after: cosine });
    const f = [0.2, 0.4, 0.6, 0.8, 1, (1 + Math.cos(Math.PI / 4)) / 2, 0.5, (1 + Math.cos((3 * Math.PI) / 4)) / 2, 0];
    expectSeq(sequence(s, 9), f.map((x) => [x, 0.5 * x]));
  });

  it('stays at the base lr after warm-up when nothing follows; startFactor defaults to 1/3', () => {
    const s = new LinearWarmup(twoGroups(), { warmupEpochs: 2 });
    expectSeq(sequence(s, 4), [1 / 3, 2 / 3, 1, 1].map((x) => [x, 0.5 * x]));
  });
});

describe('scheduler state dicts', () => {
  it('a scheduler resumed from its state dict continues the same sequence', () => {
    const make = (opt: SGD): LRScheduler => new LinearWarmup(opt, { warmupEpochs: 2, after: new StepLR(opt, { stepSize: 2, gamma: 0.5 }) });
    const a = make(twoGroups());
    for (let e = 0; e < 3; e++) a.step();
    const sd = JSON.parse(JSON.stringify(a.stateDict()));
    expect(sd).toEqual({ format: 'tsdnas.lr-scheduler/1', scheduler: 'LinearWarmup', lastEpoch: 3, baseLrs: [1, 0.5], lastLrs: a.getLastLr() });

    const b = make(twoGroups());
    b.loadStateDict(sd);
    expect(b.getLastLr()).toEqual(a.getLastLr());
    expect(b.optimizer.paramGroups.map((g) => g.lr)).toEqual(a.getLastLr());
    expect(sequence(b, 5)).toEqual(sequence(a, 5));
  });

  it('refuses a state dict of another scheduler or group count', () => {
    const sd = new StepLR(twoGroups(), { stepSize: 1 }).stateDict();
    expect(() => new MultiStepLR(twoGroups(), { milestones: [1] }).loadStateDict(sd)).toThrow(
      'MultiStepLR.loadStateDict: the state dict was saved by scheduler "StepLR", it cannot be loaded into MultiStepLR',
    );
    expect(() => new StepLR(new SGD([param([1])]), { stepSize: 1 }).loadStateDict(sd)).toThrow(
      'StepLR.loadStateDict: baseLrs must be an array of 1 lrs (one per param group), got [1, 0.5]',
    );
  });
});

describe('scheduler errors', () => {
  it('rejects bad options, naming the option, the value and what is allowed', () => {
    const opt = twoGroups();
    expect(() => new StepLR(opt, { stepSize: 0 })).toThrow('StepLR: stepSize must be an integer ≥ 1, got 0');
    expect(() => new StepLR(opt, { stepSize: 1.5 })).toThrow('StepLR: stepSize must be an integer ≥ 1, got 1.5');
    expect(() => new StepLR(opt, { stepSize: 2, gamma: -0.1 })).toThrow('StepLR: gamma must be a finite number > 0, got -0.1');
    expect(() => new MultiStepLR(opt, { milestones: [3, 2] })).toThrow('MultiStepLR: milestones must be an array of strictly increasing integers ≥ 0, got [3, 2]');
    expect(() => new CosineAnnealingLR(opt, { tMax: 0 })).toThrow('CosineAnnealingLR: tMax must be an integer ≥ 1, got 0');
    expect(() => new CosineAnnealingLR(opt, { tMax: 5, etaMin: -1 })).toThrow('CosineAnnealingLR: etaMin must be a finite number ≥ 0, got -1');
    expect(() => new LinearWarmup(opt, { warmupEpochs: 3, startFactor: 0 })).toThrow('LinearWarmup: startFactor must be a finite number in (0, 1], got 0');
    expect(() => new StepLR(opt, { stepSize: 2, gama: 0.5 } as never)).toThrow("StepLR: unknown option 'gama' in the options (allowed: stepSize, gamma)");
    expect(() => new LinearWarmup(opt, { warmupEpochs: 2, after: new StepLR(twoGroups(), { stepSize: 1 }) })).toThrow(
      'LinearWarmup: after must schedule the same optimizer as the warm-up',
    );
  });

  it('refuses to step once the optimizer has gained a group', () => {
    const opt = twoGroups();
    const s = new StepLR(opt, { stepSize: 1 });
    opt.addParamGroup({ params: [param([3])] });
    expect(() => s.step()).toThrow('StepLR: the optimizer now has 3 param groups but the scheduler was created with 2; create the scheduler after adding groups');
  });
});
