/**
 * The seed-paired comparison of two fronts (compareFronts): the hypervolumes and the shared
 * reference point on a hand-worked seed, the weak-domination counts, the pairing by seed (seeds
 * only one run has are left out, none in common is an error listing both), the choice of the
 * cost axis, and a verdict that does not call three small wins significant.
 */

import { describe, expect, it } from 'vitest';
import { chooseCostAxis, compareFronts, CompareError } from '../../src/search/compareFronts.js';
import type { FrontSet } from '../../src/search/frontSet.js';

type P = [cost: number, acc: number];

function set(dir: string, seeds: Record<number, P[]>, axes = [{ axis: 'params', column: 'params' }, { axis: 'macs', column: 'macs' }]): FrontSet {
  return {
    dir, command: 'sweep', metric: 'accuracy', costAxes: axes, multiSeed: Object.keys(seeds).length > 1,
    seeds: Object.entries(seeds).map(([seed, pts]) => ({ seed: Number(seed), rows: pts.map(([c, a], i) => ({ point: i, params: c, macs: 10 * c, test_accuracy: a, val_accuracy: a - 0.05 })) })),
  };
}

describe('compareFronts on one hand-worked seed', () => {
  // log10 cost: A (2, 80 %), (3, 90 %); B (2, 70 %), (3, 90 %). Reference: cost 3 + 10 % of 1 decade,
  // metric 70 % − 10 % of 20 points = 68 %. HV A = 1 × 12 + 0.1 × 22 = 14.2; HV B = 1 × 2 + 0.1 × 22 = 4.2.
  const a = set('runs/a', { 0: [[100, 0.8], [1000, 0.9]] });
  const b = set('runs/b', { 0: [[100, 0.7], [1000, 0.9]] });
  const c = compareFronts(a, b);
  const s = c.seeds[0];

  it('shares one reference point and computes both hypervolumes', () => {
    expect(s.reference.cost).toBeCloseTo(10 ** 3.1, 6);
    expect(s.reference.metric).toBeCloseTo(0.68, 12);
    expect(s.a.hypervolume).toBeCloseTo(14.2, 10);
    expect(s.b.hypervolume).toBeCloseTo(4.2, 10);
    expect(s.difference).toBeCloseTo(10, 10);
    expect(s.winner).toBe('a');
    expect(c.cost).toEqual({ axis: 'params', column: 'params' });
    expect(c.costScale).toBe('log10');
  });

  it('counts each front\'s points weakly dominated by the other front', () => {
    expect(s.a).toMatchObject({ points: 2, front: 2, dominatedByOther: 1 }); // 1000 / 90 % is matched by B's
    expect(s.b).toMatchObject({ points: 2, front: 2, dominatedByOther: 2 });
  });

  it('says that one seed cannot tell noise from a difference', () => {
    expect(c.summary).toMatchObject({ n: 1, sdDifference: null, t: null, p: null, aWins: 1, bWins: 0 });
    expect(c.verdict).toMatch(/one seed/);
    expect(c.verdict).toMatch(/may be noise/);
  });

  it('mirrors when the runs are swapped', () => {
    const r = compareFronts(b, a);
    expect(r.seeds[0].difference).toBeCloseTo(-10, 10);
    expect(r.seeds[0].winner).toBe('b');
  });

  it('uses the validation metric with split val', () => {
    const v = compareFronts(a, b, { split: 'val' });
    expect(v.split).toBe('val');
    expect(v.seeds[0].reference.metric).toBeCloseTo(0.63, 12);
  });
});

describe('pairing by seed', () => {
  const base: P[] = [[100, 0.8], [1000, 0.9]];
  const worse = (d: number): P[] => [[100, 0.8 - d], [1000, 0.9 - d]];

  it('compares the seeds both runs have and lists the others', () => {
    const c = compareFronts(set('a', { 0: base, 1: base, 2: base }), set('b', { 1: worse(0.01), 2: worse(0.02), 3: base }));
    expect(c.seeds.map((s) => s.seed)).toEqual([1, 2]);
    expect(c.onlyA).toEqual([0]);
    expect(c.onlyB).toEqual([3]);
    expect(c.summary.n).toBe(2);
    expect(c.summary.aWins).toBe(2);
  });

  it('fails listing both runs\' seeds when none is common', () => {
    expect(() => compareFronts(set('runs/a', { 0: base, 1: base }), set('runs/b', { 5: base }))).toThrow(CompareError);
    expect(() => compareFronts(set('runs/a', { 0: base, 1: base }), set('runs/b', { 5: base }))).toThrow(/runs\/a: seeds 0, 1; runs\/b: seeds 5/);
  });

  it('with three seeds all won by a small, varying margin: not significant, and says why', () => {
    const c = compareFronts(set('a', { 0: base, 1: base, 2: base }), set('b', { 0: worse(0.001), 1: worse(0.01), 2: worse(0.003) }));
    expect(c.summary).toMatchObject({ n: 3, dof: 2, aWins: 3, bWins: 0 });
    expect(c.summary.p as number).toBeGreaterThan(0.05);
    expect(c.summary.signTestP).toBeCloseTo(0.25, 12);
    expect(c.summary.tCritical as number).toBeCloseTo(4.303, 2);
    expect(c.verdict).toMatch(/not significant at 5 %/);
    expect(c.verdict).toMatch(/With 3 seeds nothing is significant at 5 % unless all differences agree/);
    expect(c.verdict).toMatch(/wins on every seed, but .*probability 25 %/);
  });

  it('with three seeds all won by a large, steady margin: significant, with a caution about n', () => {
    const c = compareFronts(set('a', { 0: base, 1: base, 2: base }), set('b', { 0: worse(0.1), 1: worse(0.101), 2: worse(0.1005) }));
    expect(c.summary.p as number).toBeLessThan(0.05);
    expect(c.verdict).toMatch(/a's front is better than b's, significant at the 5 % level/);
    expect(c.verdict).toMatch(/With only 3 seeds/);
  });
});

describe('the cost axis', () => {
  const a = set('a', { 0: [[100, 0.8]] });
  const mps = set('m', { 0: [[100, 0.8]] }, [{ axis: 'size', column: 'size_bytes' }, { axis: 'bitops', column: 'bitops' }]);

  it('defaults to the first axis both runs share, and accepts an axis or its column', () => {
    expect(chooseCostAxis(a, a).axis).toBe('params');
    expect(chooseCostAxis(a, a, 'macs').axis).toBe('macs');
    expect(chooseCostAxis(mps, mps, 'size_bytes')).toEqual({ axis: 'size', column: 'size_bytes' });
    expect(chooseCostAxis(mps, mps).axis).toBe('size');
  });

  it('names the available axes when the one asked for is missing or none is shared', () => {
    expect(() => chooseCostAxis(a, a, 'latency')).toThrow(/--cost latency is not a cost of a; the cost axes are a: params, macs; a: params, macs/);
    expect(() => chooseCostAxis(a, mps)).toThrow(/share no cost axis \(a: params, macs; m: size, bitops\)/);
  });

  it('refuses runs of different metrics', () => {
    expect(() => compareFronts(a, { ...a, dir: 'r', metric: 'mae' })).toThrow(/scored by accuracy but r by mae/);
  });
});
