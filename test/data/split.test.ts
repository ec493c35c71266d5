/** Stratified splits, subsets, the limit cap and batching. */

import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/tensor/rng.js';
import { type ArrayDataset, batchCount, batches, limitDataset, makeDataset, stratifiedSplit, subset } from '../../src/data/index.js';

const labels = Int32Array.from([...new Array(50).fill(0), ...new Array(30).fill(1), ...new Array(15).fill(2), 3, 3, 3, 3, 3]);

function toy(n = 10): ArrayDataset {
  const x = Float32Array.from({ length: n * 3 }, (_, i) => i);
  const y = Int32Array.from({ length: n }, (_, i) => i % 2);
  return makeDataset('toy', x, [1, 3], y, 'classification', 2);
}

describe('stratifiedSplit', () => {
  it('takes round(fraction·n) samples, shared among classes by largest remainder', () => {
    const { a, b } = stratifiedSplit(labels, 0.2, new Rng(1));
    expect(b.length).toBe(20);
    expect(a.length + b.length).toBe(labels.length);
    const inB = (c: number) => Array.from(b).filter((i) => labels[i] === c).length;
    expect([inB(0), inB(1), inB(2), inB(3)]).toEqual([10, 6, 3, 1]);
    const all = new Set([...a, ...b]);
    expect(all.size).toBe(labels.length);
    expect(Array.from(a)).toEqual(Array.from(a).sort((p, q) => p - q));
  });

  it('breaks equal remainders towards the smaller label and keeps tiny classes whole when their share rounds to 0', () => {
    const y = Int32Array.from([0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 2]);
    const { b } = stratifiedSplit(y, 0.5, new Rng(0));
    // target round(5.5) = 6; floors 3, 1, 0; remainders .5, .5, .5 → classes 0, 1 get one more.
    expect(Array.from(b).map((i) => y[i]).sort()).toEqual([0, 0, 0, 0, 1, 1]);
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const s1 = stratifiedSplit(labels, 0.2, new Rng(5)).b;
    expect(Array.from(stratifiedSplit(labels, 0.2, new Rng(5)).b)).toEqual(Array.from(s1));
    expect(Array.from(stratifiedSplit(labels, 0.2, new Rng(6)).b)).not.toEqual(Array.from(s1));
    expect(() => stratifiedSplit(labels, 1.5, new Rng(0))).toThrow(/fraction must be in \[0, 1\]/);
  });
});

describe('subset and limit', () => {
  it('copies the chosen samples and checks indices', () => {
    const s = subset(toy(), [4, 1]);
    expect(s.length).toBe(2);
    expect(Array.from(s.x)).toEqual([12, 13, 14, 3, 4, 5]);
    expect(Array.from(s.y)).toEqual([0, 1]);
    expect(s.numClasses).toBe(2);
    expect(() => subset(toy(), [10])).toThrow(/subset of 'toy': index 10 \(position 0\) is out of range 0\.\.9/);
  });

  it('limit keeps classes balanced (classification) or spreads evenly (regression)', () => {
    const l = limitDataset(toy(10), 4, new Rng(0));
    expect(l.length).toBe(4);
    expect(Array.from(l.y).filter((v) => v === 1).length).toBe(2);
    const reg = makeDataset('r', new Float32Array(10), [1], Float32Array.from({ length: 10 }, (_, i) => i), 'regression');
    expect(Array.from(limitDataset(reg, 5, new Rng(0)).y)).toEqual([0, 2, 4, 6, 8]);
    expect(limitDataset(reg, 50, new Rng(0))).toBe(reg);
  });
});

describe('batches', () => {
  it('in order without an rng; gathers x and y; last batch may be short', () => {
    const bs = [...batches(toy(10), 4)];
    expect(bs.map((b) => b.n)).toEqual([4, 4, 2]);
    expect(Array.from(bs[2].indices)).toEqual([8, 9]);
    expect(Array.from(bs[2].x)).toEqual([24, 25, 26, 27, 28, 29]);
    expect(Array.from(bs[2].y)).toEqual([0, 1]);
    expect([...batches(toy(10), 4, { dropLast: true })].length).toBe(2);
    expect(batchCount(10, 4)).toBe(3);
    expect(batchCount(10, 4, true)).toBe(2);
  });

  it('shuffles with the rng: a permutation, reproducible, resumable with startBatch', () => {
    const ds = toy(23);
    const run = (seed: number, startBatch = 0) => [...batches(ds, 5, { rng: new Rng(seed), startBatch })];
    const a = run(1);
    const seen = a.flatMap((b) => Array.from(b.indices)).sort((p, q) => p - q);
    expect(seen).toEqual(Array.from({ length: 23 }, (_, i) => i));
    expect(a.map((b) => Array.from(b.indices))).toEqual(run(1).map((b) => Array.from(b.indices)));
    expect(a.map((b) => Array.from(b.indices))).not.toEqual(run(2).map((b) => Array.from(b.indices)));
    expect(run(1, 2).map((b) => Array.from(b.indices))).toEqual(a.slice(2).map((b) => Array.from(b.indices)));
    for (const b of a) for (let j = 0; j < b.n; j++) expect(b.x[3 * j]).toBe(3 * b.indices[j]);
    expect(() => batches(ds, 0).next()).toThrow(/batchSize must be a positive integer/);
  });
});
