import { describe, expect, it } from 'vitest';
import { makeDataset, splitDataset } from '../../src/index.js';

const ds = makeDataset('ten', Float32Array.from({ length: 20 }, (_, i) => i), [2], Int32Array.from({ length: 10 }, (_, i) => i % 2), 'classification', 2);
const firsts = (d: { x: Float32Array; length: number }) => Array.from({ length: d.length }, (_, i) => d.x[i * 2] / 2);

describe('splitDataset with fixed indices', () => {
  it('takes exactly the rows given, validation in the order given, test = the rest by default', () => {
    const s = splitDataset(ds, { indices: { train: [0, 1, 2, 3, 4], val: [9, 5] } });
    expect(firsts(s.train)).toEqual([0, 1, 2, 3, 4]);
    expect(firsts(s.val)).toEqual([9, 5]);
    expect(firsts(s.test)).toEqual([6, 7, 8]);
    expect(s.info.notes).toMatch(/5 train \/ 2 validation \/ 3 test/);
    expect(firsts(splitDataset(ds, { indices: { train: [0, 1], val: [2], test: [7] } }).test)).toEqual([7]);
  });

  it('refuses bad, repeated and overlapping indices, and fractions beside them', () => {
    expect(() => splitDataset(ds, { indices: { train: [0, 10], val: [1] } })).toThrow(/indices.train lists 10, but ten has 10 samples/);
    expect(() => splitDataset(ds, { indices: { train: [0, 1.5], val: [2] } })).toThrow(/lists 1.5/);
    expect(() => splitDataset(ds, { indices: { train: [0, 0], val: [2] } })).toThrow(/sample 0 is listed twice in indices.train/);
    expect(() => splitDataset(ds, { indices: { train: [0, 1], val: [1] } })).toThrow(/sample 1 is listed in both indices.train and indices.val/);
    expect(() => splitDataset(ds, { indices: { train: [], val: [1] } })).toThrow(/indices.train must be a non-empty list/);
    expect(() => splitDataset(ds, { indices: { train: [0, 1, 2, 3, 4, 5, 6, 7], val: [8, 9] } })).toThrow(/no sample is left for test/);
    expect(() => splitDataset(ds, { val: 0.2, indices: { train: [0], val: [1] } })).toThrow(/indices or val \/ test fractions, not both/);
  });
});
