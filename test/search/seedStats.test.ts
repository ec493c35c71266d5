/**
 * The small-sample statistics of multi-seed runs and the 2-D hypervolume, against values worked
 * by hand or read from a t table.
 */

import { describe, expect, it } from 'vitest';
import { pairedT, signTestP, summarize, tCritical, tTwoSidedP } from '../../src/search/seedStats.js';
import { hypervolume2d } from '../../src/search/hypervolume.js';

describe('summarize', () => {
  it('gives n, mean, the sample sd (n − 1), min and max of the finite values', () => {
    const s = summarize([2, 4, 4, 4, 5, 5, 7, 9, NaN, null, 'x']);
    expect(s.n).toBe(8);
    expect(s.mean).toBe(5);
    expect(s.sd).toBeCloseTo(Math.sqrt(32 / 7), 12);
    expect([s.min, s.max]).toEqual([2, 9]);
  });

  it('has no sd for one value and nothing for none', () => {
    expect(summarize([3])).toEqual({ n: 1, mean: 3, sd: null, min: 3, max: 3 });
    expect(summarize([])).toEqual({ n: 0, mean: null, sd: null, min: null, max: null });
  });
});

describe('Student t', () => {
  it('gives the two-sided p of the t table at its 5 % critical values', () => {
    for (const [t, dof] of [[12.706, 1], [4.303, 2], [3.182, 3], [2.776, 4], [2.571, 5], [2.228, 10], [1.962, 1000]]) {
      expect(tTwoSidedP(t, dof)).toBeCloseTo(0.05, 3);
      expect(tTwoSidedP(-t, dof)).toBeCloseTo(0.05, 3);
    }
    expect(tTwoSidedP(0, 3)).toBeCloseTo(1, 12);
    expect(tTwoSidedP(Infinity, 2)).toBe(0);
    expect(tCritical(2)).toBeCloseTo(4.3027, 3);
    expect(tCritical(1)).toBeCloseTo(12.706, 2);
  });

  it('pairs differences: mean, sd, t with n − 1 dof and its p', () => {
    const r = pairedT([1, 2, 3]);
    expect(r).toMatchObject({ n: 3, mean: 2, sd: 1, dof: 2 });
    expect(r.t).toBeCloseTo(2 * Math.sqrt(3), 12);
    // 2 dof: p = 1 − t / sqrt(t² + 2)
    expect(r.p).toBeCloseTo(1 - r.t / Math.sqrt(r.t ** 2 + 2), 12);
    expect(pairedT([0.5])).toMatchObject({ n: 1, sd: null, dof: 0 });
    expect(Number.isNaN(pairedT([0.5]).p)).toBe(true);
    expect(pairedT([2, 2, 2])).toMatchObject({ t: Infinity, p: 0 });
    expect(pairedT([0, 0])).toMatchObject({ p: 1 });
  });

  it('sign test: three wins of three is p = 0.25, five of five 0.0625', () => {
    expect(signTestP(3, 0)).toBeCloseTo(0.25, 12);
    expect(signTestP(0, 5)).toBeCloseTo(0.0625, 12);
    expect(signTestP(2, 1)).toBe(1);
    expect(signTestP(0, 0)).toBe(1);
  });
});

describe('hypervolume2d', () => {
  it('is the area of the staircase up to the reference point', () => {
    // (1, 3) owns x 1..2 at height 4 − 3 = 1; (2, 1) owns x 2..4 at height 3: 1 + 6 = 7.
    expect(hypervolume2d([{ x: 1, y: 3 }, { x: 2, y: 1 }], { x: 4, y: 4 })).toBe(7);
  });

  it('ignores dominated points, points outside the reference and the input order', () => {
    const pts = [{ x: 3, y: 2 }, { x: 2, y: 1 }, { x: 5, y: 0 }, { x: 1, y: 3 }, { x: 2, y: 1 }, { x: 0, y: 4 }];
    expect(hypervolume2d(pts, { x: 4, y: 4 })).toBe(7);
    expect(hypervolume2d([], { x: 4, y: 4 })).toBe(0);
  });

  it('is a rectangle for one point', () => {
    expect(hypervolume2d([{ x: -2, y: -80 }], { x: 0.5, y: -70 })).toBeCloseTo(25, 12);
  });
});
