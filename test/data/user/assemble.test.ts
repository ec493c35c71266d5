/**
 * The shared preprocessing and splitting of a user's tables: fitted on training rows only,
 * applied unchanged to new rows; test / validation splits seeded, stratified, and by group
 * without leaks; description files validated with the key at fault.
 */

import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/tensor/rng.js';
import { applyPreprocessing, checkPreprocessing, fitPreprocessing } from '../../../src/data/user/preprocess.js';
import { splitRows } from '../../../src/data/user/splits.js';
import { assembleSplits } from '../../../src/data/user/assemble.js';
import { checkDatasetSpec } from '../../../src/data/user/spec.js';
import type { SeriesTable } from '../../../src/data/user/table.js';

/** n rows, `channels` channels, lengths from `lengthOf`, label from `labelOf`, group from `groupOf`. */
function table(n: number, o: { channels?: number; lengthOf?: (i: number) => number; labelOf?: (i: number) => string; groupOf?: (i: number) => string; value?: (i: number, c: number, t: number) => number } = {}): SeriesTable {
  const channels = o.channels ?? 1;
  const lengths = Array.from({ length: n }, (_, i) => o.lengthOf?.(i) ?? 10);
  const series = lengths.map((L, i) => Float32Array.from({ length: channels * L }, (_, k) => o.value?.(i, Math.floor(k / L), k % L) ?? i + k / 100));
  return {
    source: 'mem.csv', channels, series, lengths,
    labels: Array.from({ length: n }, (_, i) => o.labelOf?.(i) ?? (i % 2 === 0 ? 'a' : 'b')),
    groups: o.groupOf ? Array.from({ length: n }, (_, i) => o.groupOf!(i)) : null,
  };
}

describe('preprocessing record', () => {
  it('classes in file order of numbers, lengths padded with the last value, missing values interpolated', () => {
    const t = table(4, { lengthOf: (i) => 4 + i, labelOf: (i) => ['10', '2', '10', '-1'][i], value: (i, _c, s) => (i === 0 && s === 1 ? NaN : s) });
    const p = fitPreprocessing(t);
    expect(p.classes).toEqual(['-1', '2', '10']);
    expect(p.length).toBe(7);
    const r = applyPreprocessing(t, p);
    expect(Array.from(r.x.subarray(0, 7))).toEqual([0, 1, 2, 3, 3, 3, 3]);
    expect(r.filled).toBe(1);
    expect(Array.from(r.y!)).toEqual([2, 1, 2, 0]);
  });

  it('crop keeps the centre, resample keeps both ends, zero pad fills 0', () => {
    const t = table(1, { lengthOf: () => 6, value: (_i, _c, s) => s, labelOf: () => '1' });
    const base = { task: 'regression' as const };
    expect(Array.from(applyPreprocessing(t, fitPreprocessing(t, { ...base, length: 4, lengthPolicy: 'crop' })).x)).toEqual([1, 2, 3, 4]);
    expect(Array.from(applyPreprocessing(t, fitPreprocessing(t, { ...base, length: 3, lengthPolicy: 'resample' })).x)).toEqual([0, 2.5, 5]);
    expect(Array.from(applyPreprocessing(t, fitPreprocessing(t, { ...base, length: 8, pad: 'zero' })).x)).toEqual([0, 1, 2, 3, 4, 5, 0, 0]);
  });

  it('channel statistics come from the training rows and are applied unchanged to new data', () => {
    const train = table(10, { channels: 2, value: (i, c) => (c === 0 ? i : 100 + 10 * i) });
    const p = fitPreprocessing(train, { normalize: 'channel' });
    expect(p.stats![0].mean).toBeCloseTo(4.5, 6);
    expect(p.stats![1].mean).toBeCloseTo(145, 6);
    const fresh = table(1, { channels: 2, value: (_i, c) => (c === 0 ? 4.5 : 145) });
    const r = applyPreprocessing(fresh, p);
    for (const v of r.x) expect(Math.abs(v)).toBeLessThan(1e-6);
    expect(() => checkPreprocessing(JSON.parse(JSON.stringify(p)), 'x')).not.toThrow();
  });

  it('image layout is time × channels', () => {
    const t = table(2, { channels: 2, lengthOf: () => 3, value: (_i, c, s) => 10 * c + s });
    const p = fitPreprocessing(t, { layout: 'image' });
    expect(p.sampleShape).toEqual([1, 3, 2]);
    expect(Array.from(applyPreprocessing(t, p).x.subarray(0, 6))).toEqual([0, 10, 1, 11, 2, 12]);
  });

  it('refusals name the file, the row and what to do', () => {
    const t = table(3, { labelOf: () => 'a' });
    expect(() => fitPreprocessing(t)).toThrow(/mem\.csv: the training data has 1 class \('a'\); classification needs at least 2/);
    const p = fitPreprocessing(table(4));
    const unknown = table(2, { labelOf: (i) => (i === 1 ? 'zzz' : 'a') });
    expect(() => applyPreprocessing(unknown, p)).toThrow(/mem\.csv: series 2 has label 'zzz', which is not a class the model knows/);
    const bad = table(2, { value: (i, _c, s) => (i === 1 && s === 3 ? 1e38 : 0) });
    expect(() => applyPreprocessing(bad, p)).toThrow(/series 2, channel 1, step 4: value .* is not a usable number/);
    const missing = table(2, { value: (i, _c, s) => (i === 1 && s === 3 ? NaN : 0) });
    expect(() => applyPreprocessing(missing, { ...p, missing: 'error' })).toThrow(/series 2, channel 1: 1 missing value/);
    expect(() => applyPreprocessing(table(2, { channels: 3 }), p)).toThrow(/3 channel\(s\) per sample, but the model was trained on 1/);
  });

  it('a label map merges and drops classes', () => {
    const t = table(6, { labelOf: (i) => ['N', 'L', 'V', 'Q', 'N', 'V'][i] });
    const p = fitPreprocessing(t, { labelMap: { L: 'N', Q: '' } });
    expect(p.classes).toEqual(['N', 'V']);
    const r = applyPreprocessing(t, p);
    expect(Array.from(r.kept)).toEqual([0, 1, 2, 4, 5]);
    expect(Array.from(r.y!)).toEqual([0, 0, 1, 0, 1]);
  });
});

describe('splits', () => {
  it('by group: no group on both sides, about the asked share, same seed same split', () => {
    const groups = Array.from({ length: 200 }, (_, i) => `subject-${i % 13}`);
    const s1 = splitRows(200, null, groups, 0.25, 'group', new Rng(3), 'x');
    const s2 = splitRows(200, null, groups, 0.25, 'group', new Rng(3), 'x');
    expect(Array.from(s1.b)).toEqual(Array.from(s2.b));
    const inA = new Set(Array.from(s1.a, (i) => groups[i]));
    for (const i of s1.b) expect(inA.has(groups[i])).toBe(false);
    expect(s1.b.length).toBeGreaterThan(30);
    expect(s1.b.length).toBeLessThan(70);
  });

  it('by sample, stratified: every class keeps its share', () => {
    const labels = Array.from({ length: 100 }, (_, i) => (i < 80 ? 'big' : 'small'));
    const { b } = splitRows(100, labels, null, 0.2, 'sample', new Rng(0), 'x');
    expect(b.length).toBe(20);
    expect(Array.from(b).filter((i) => labels[i] === 'small').length).toBe(4);
  });

  it('one group only: a clear refusal', () => {
    expect(() => splitRows(4, null, ['r', 'r', 'r', 'r'], 0.5, 'group', new Rng(0), 'rec.hea')).toThrow(/rec\.hea: only one group \('r'\)/);
  });
});

describe('assembleSplits', () => {
  it('held-out test rows depend on the split seed only; validation on the run seed; groups never leak', () => {
    const t = table(120, { groupOf: (i) => `g${i % 12}`, labelOf: (i) => (i % 3 === 0 ? 'x' : 'y') });
    const spec = { name: 'mine', train: 'mem.csv' };
    const a = assembleSplits(t, null, spec, { seed: 0, source: 'mem.csv' });
    const b = assembleSplits(t, null, spec, { seed: 5, source: 'mem.csv' });
    expect(Array.from(a.test.x)).toEqual(Array.from(b.test.x));
    expect(Array.from(a.val.x)).not.toEqual(Array.from(b.val.x));
    expect(a.train.length + a.val.length + a.test.length).toBe(120);
    // Row i holds values i + k/100: its first value names it, and so its group.
    const groupsOf = (x: Float32Array) => new Set(Array.from({ length: x.length / 10 }, (_, r) => `g${Math.round(x[r * 10]) % 12}`));
    const [tr, va, te] = [groupsOf(a.train.x), groupsOf(a.val.x), groupsOf(a.test.x)];
    for (const g of te) expect(tr.has(g) || va.has(g)).toBe(false);
    for (const g of va) expect(tr.has(g)).toBe(false);
    expect(a.info.name).toBe('mine');
    expect(a.info.preprocessing?.classes).toEqual(['x', 'y']);
    expect(a.info.notes).toMatch(/whole groups/);
  });

  it('regression: targets as numbers, metric mae', () => {
    const t = table(30, { labelOf: (i) => String(i * 0.5) });
    const s = assembleSplits(t, null, { name: 'reg', train: 'mem.csv', task: 'regression' }, { source: 'mem.csv' });
    expect(s.info.metric).toBe('mae');
    expect(s.train.y).toBeInstanceOf(Float32Array);
    expect(s.train.length + s.val.length + s.test.length).toBe(30);
  });
});

describe('dataset description', () => {
  it('unknown keys name the nearest one; bad values name the key and what is allowed', () => {
    expect(() => checkDatasetSpec({ name: 'x', train: 'a.csv', normalise: 'channel' }, 'my.json')).toThrow(/my\.json: unknown key 'normalise' \(did you mean 'normalize'\?\)/);
    expect(() => checkDatasetSpec({ name: 'x', train: 'a.csv', csv: { labelColum: 0 } }, 'my.json')).toThrow(/unknown key 'csv\.labelColum' \(did you mean 'csv\.labelColumn'\?\)/);
    expect(() => checkDatasetSpec({ name: 'x', train: 'a.csv', valFraction: 1.5 }, 'my.json')).toThrow(/'valFraction' = 1\.5 is not allowed; expected a number between 0 and 1/);
    expect(() => checkDatasetSpec({ train: 'a.csv' }, 'my.json')).toThrow(/'name' is missing/);
    expect(() => checkDatasetSpec({ name: 'x', train: 'a', test: 'b', testFraction: 0.3 }, 'my.json')).toThrow(/either 'test'.*or 'testFraction'/);
    expect(() => checkDatasetSpec({ name: 'x', train: 'a', groupPattern: '(' }, 'my.json')).toThrow(/groupPattern.*valid regular expression/);
    expect(checkDatasetSpec({ name: 'my-ecg', train: ['h.tsv', 'v.tsv'], normalize: 'channel', wfdb: { mode: 'beats' } }, 'ok.json').name).toBe('my-ecg');
  });
});
