/**
 * Fixed split indices in a dataset description ("splits"): a paper's protocol lists the 0-based
 * rows of the training file for training and validation (PLiNIO's train_idx / val_idx files).
 * The validation rows come out exactly as listed and in that order, whatever the run seed; the
 * preprocessing is fitted on the listed training rows only; bad indices are refused naming the
 * list, the file and the row count.
 */

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadAnyDataset, prepareForModel } from '../../../src/data/user/load.js';
import { assembleSplits } from '../../../src/data/user/assemble.js';
import { checkDatasetSpec, checkSplitIndices } from '../../../src/data/user/spec.js';
import type { ArrayDataset } from '../../../src/data/types.js';
import type { SeriesTable } from '../../../src/data/user/table.js';
import { resolveDataDir } from '../../../src/data/dataDir.js';
import { hasBenchmarkData } from '../../benchmarkData.js';

const tmp = mkdtempSync(join(tmpdir(), 'tsdnas-splits-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const L = 6;
/** Row i of the file: label a / b alternating, values i + 0.5, i + 1.5, …: the first value names the row. */
function ucrTsv(n: number, offset = 0): string {
  return Array.from({ length: n }, (_, i) => [i % 2 === 0 ? 'a' : 'b', ...Array.from({ length: L }, (_, t) => offset + i + 0.5 + t)].join('\t')).join('\n') + '\n';
}
writeFileSync(join(tmp, 'Toy_TRAIN.tsv'), ucrTsv(24));
writeFileSync(join(tmp, 'Toy_TEST.tsv'), ucrTsv(6, 1000));

/** Writes a description (and a splits file) into the temp dir; returns its path. */
function describe_(file: string, spec: Record<string, unknown>, splits?: unknown): string {
  if (splits !== undefined) writeFileSync(join(tmp, `${file}.splits.json`), JSON.stringify(splits));
  const path = join(tmp, `${file}.json`);
  writeFileSync(path, JSON.stringify({ name: 'toy', train: 'Toy_TRAIN.tsv', ...(splits !== undefined ? { splits: `${file}.splits.json` } : {}), ...spec }));
  return path;
}

/** The rows of a split, named by their first raw value (row i starts with i + 0.5). */
const rowsOf = (ds: ArrayDataset, offset = 0) => Array.from({ length: ds.length }, (_, r) => ds.x[r * L] - 0.5 - offset);

const TRAIN = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 16, 17];
const VAL = [13, 4, 10, 7]; // not sorted: the order is kept

describe('"splits": fixed rows from a file', () => {
  it('validation = the listed rows in the listed order, training = the listed rows; the run seed changes neither', () => {
    const path = describe_('fixed', { test: 'Toy_TEST.tsv' }, { train: TRAIN, val: VAL, note: 'rows of Toy_TRAIN.tsv' });
    const a = loadAnyDataset(path, { seed: 0 });
    const b = loadAnyDataset(path, { seed: 7 });
    expect(rowsOf(a.val)).toEqual(VAL);
    expect(rowsOf(a.train)).toEqual(TRAIN);
    expect(rowsOf(a.test, 1000)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(Array.from(b.val.x)).toEqual(Array.from(a.val.x));
    expect(Array.from(b.train.x)).toEqual(Array.from(a.train.x));
    expect(Array.from(a.val.y)).toEqual(VAL.map((i) => i % 2));
    expect(a.info.notes).toMatch(/validation = 4 rows fixed by fixed\.splits\.json, in its order; training = 14 rows fixed by it/);
    expect(a.info.notes).toMatch(/test = 6 rows of .*Toy_TEST\.tsv/);
  });

  it("PLiNIO's train_idx / val_idx / test_idx are read as train / val / test", () => {
    const path = describe_('plinio', {}, { train_idx: TRAIN, val_idx: VAL, test_idx: [18, 19, 20, 21], note: 'row indices into the UCR _TRAIN.tsv file (0-based)' });
    const s = loadAnyDataset(path);
    expect(rowsOf(s.val)).toEqual(VAL);
    expect(rowsOf(s.train)).toEqual(TRAIN);
    expect(rowsOf(s.test)).toEqual([18, 19, 20, 21]);
    expect(s.info.notes).toMatch(/test = 4 rows of .*Toy_TRAIN\.tsv fixed by plinio\.splits\.json/);
    // eval --split test reads the same rows the training run tested on.
    const m = prepareForModel(path, s.info.preprocessing!, 'test');
    expect(Array.from({ length: m.count }, (_, r) => m.x[r * L] - 0.5)).toEqual([18, 19, 20, 21]);
  });

  it('inline in the description works the same', () => {
    const path = describe_('inline', { test: 'Toy_TEST.tsv', splits: { train: TRAIN, val: VAL } });
    expect(rowsOf(loadAnyDataset(path).val)).toEqual(VAL);
  });

  it('without a test file or test list: the seeded hold-out comes from the rows in neither list only', () => {
    const path = describe_('rest', { testFraction: 0.5 }, { train: TRAIN, val: VAL });
    const a = loadAnyDataset(path, { seed: 0 });
    const b = loadAnyDataset(path, { seed: 3 });
    const listed = new Set([...TRAIN, ...VAL]);
    const test = rowsOf(a.test);
    expect(test).toHaveLength(3); // half of the 6 rows in neither list
    for (const r of test) expect(listed.has(r)).toBe(false);
    expect(rowsOf(b.test)).toEqual(test);
    expect(rowsOf(a.train)).toEqual(TRAIN);
    expect(a.info.notes).toMatch(/test = 3 rows \(50 % of the 6 rows in neither list of rest\.splits\.json, stratified\)/);
  });

  it('the preprocessing is fitted on the listed training rows only', () => {
    const path = describe_('norm', { test: 'Toy_TEST.tsv', normalize: 'channel' }, { train: [0, 1, 2], val: [20, 21] });
    const s = loadAnyDataset(path);
    // Rows 0..2 hold i + 0.5 + t: their mean is 1 + 0.5 + 2.5 = 4.
    expect(s.info.preprocessing!.stats![0].mean).toBeCloseTo(4, 6);
  });

  it('rows the label map drops leave their list (the indices count every row of the file as read)', () => {
    writeFileSync(join(tmp, 'Three_TRAIN.tsv'), ucrTsv(12).split('\n').map((line, i) => line.replace(/^[ab]/, 'abc'[i % 3])).join('\n'));
    const path = describe_('mapped', { train: 'Three_TRAIN.tsv', test: 'Toy_TEST.tsv', labelMap: { c: '' } }, { train: [0, 1, 3, 4, 6, 7], val: [5, 10, 9] });
    const s = loadAnyDataset(path);
    expect(rowsOf(s.val)).toEqual([10, 9]); // row 5 is class c
    expect(rowsOf(s.train)).toEqual([0, 1, 3, 4, 6, 7]);
    expect(s.info.notes).toMatch(/validation = 2 rows \(1 of the 3 listed dropped by the label map\)/);
  });
});

describe('"splits": refused with the list, the file and what to do', () => {
  const load = (file: string, splits: unknown, spec: Record<string, unknown> = { test: 'Toy_TEST.tsv' }) => () => loadAnyDataset(describe_(file, spec, splits));

  it('bad indices', () => {
    expect(load('e1', { train: [0, 1.5], val: [2] })).toThrow(/e1\.splits\.json: 'train'\[1\] = 1\.5 is not a row index; expected an integer ≥ 0/);
    expect(load('e2', { train: [0, -1], val: [2] })).toThrow(/'train'\[1\] = -1 is not a row index/);
    expect(load('e3', { train: [0, '3'], val: [2] })).toThrow(/'train'\[1\] = "3" is not a row index/);
    expect(load('e4', { train: [0, 1], val: [2, 24] })).toThrow(/e4\.splits\.json: 'val' lists row 24, but .*Toy_TRAIN\.tsv has 24 rows \(0-based indices 0\.\.23\)/);
    expect(load('e5', { train: [0, 1, 0], val: [2] })).toThrow(/'train' lists row 0 twice/);
    expect(load('e6', { train: [0, 1], val: [1, 2] })).toThrow(/row 1 is in both 'train' and 'val'; a row may be in one list only/);
    expect(load('e7', { train: [0, 1], val: [2], test: [2] })).toThrow(/row 2 is in both 'val' and 'test'/);
  });

  it('missing, empty or doubled lists; unknown keys', () => {
    expect(load('m1', { train: [], val: [2] })).toThrow(/'train' is empty; list at least one row/);
    expect(load('m2', { train: [0], val_idx: [] })).toThrow(/'val_idx' is empty/);
    expect(load('m3', { train: [0, 1] })).toThrow(/'val' is missing/);
    expect(load('m4', { train: [0], train_idx: [1], val: [2] })).toThrow(/give 'train' or 'train_idx' \(the same list\), not both/);
    expect(load('m5', { train: [0], vali: [2] })).toThrow(/unknown key 'vali' in the split indices \(did you mean 'val'\?\)/);
    expect(load('m6', [0, 1])).toThrow(/split indices must be a JSON object/);
    describe_('m7', {}, {});
    writeFileSync(join(tmp, 'm7.splits.json'), '{"train": [0,');
    expect(() => loadAnyDataset(join(tmp, 'm7.json'))).toThrow(/m7\.splits\.json: not valid JSON/);
    const noFile = join(tmp, 'm8.json');
    writeFileSync(noFile, JSON.stringify({ name: 'toy', train: 'Toy_TRAIN.tsv', splits: 'nowhere.json' }));
    expect(() => loadAnyDataset(noFile)).toThrow(/nowhere\.json: cannot read the split indices named by "splits" in .*m8\.json \(ENOENT\); the path is relative to the description file/);
  });

  it('test rows from two places; every row listed and no test data', () => {
    expect(load('t1', { train: [0, 1], val: [2], test: [3] })).toThrow(/t1\.splits\.json lists 'test' rows, and the description gives test data too/);
    expect(load('t2', { train: [0, 1], val: [2], test: [3] }, { testFraction: 0.3 })).toThrow(/lists 'test' rows, so 'testFraction' has nothing to draw/);
    const all = Array.from({ length: 24 }, (_, i) => i);
    expect(load('t3', { train: all.slice(4), val: all.slice(0, 4) }, {})).toThrow(/t3\.splits\.json: every row of .*Toy_TRAIN\.tsv is in 'train' or 'val', and there is no test file/);
  });

  it("conflicts with valFraction / splitBy, named by the description's keys", () => {
    const spec = (extra: Record<string, unknown>) => () => checkDatasetSpec({ name: 'x', train: 'a.tsv', splits: 's.json', ...extra }, 'my.json');
    expect(spec({ valFraction: 0.3 })).toThrow(/my\.json: give either 'splits' \(fixed training and validation rows\) or 'valFraction' .*not both; drop 'valFraction'/);
    expect(spec({ splitBy: 'group' })).toThrow(/my\.json: give either 'splits' .* or 'splitBy'/);
    expect(spec({ splits: 3 })).toThrow(/'splits' = 3 is not allowed; expected a path to a JSON file of split indices, or an object/);
    expect(() => checkDatasetSpec({ name: 'x', train: 'a.tsv', splits: { train: [0], val: [0] } }, 'my.json')).toThrow(/my\.json: row 0 is in both 'splits\.train' and 'splits\.val'/);
    expect(() => checkDatasetSpec({ name: 'x', train: 'a.tsv', test: 'b.tsv', splits: { train: [0], val: [1], test: [2] } }, 'my.json')).toThrow(/my\.json: .*lists 'test' rows, and the description gives test data too/);
  });

  it('a class with no listed training row is named, with what to do', () => {
    const t: SeriesTable = {
      source: 'mem.tsv', channels: 1, lengths: Array(8).fill(3), series: Array.from({ length: 8 }, (_, i) => Float32Array.of(i, i, i)),
      labels: ['a', 'b', 'a', 'b', 'a', 'b', 'c', 'c'], groups: null,
    };
    const spec = { name: 'x', train: 'mem.tsv', splits: { train: [0, 1, 2, 3], val: [6, 7] } };
    expect(() => assembleSplits(t, t, spec, { source: 'mem.tsv' })).toThrow(/class 'c' has no row in the 'train' rows of the description's "splits"; list rows of it under 'train'/);
    expect(checkSplitIndices({ train: [1], val: [0] }, 'x').val).toEqual([0]);
  });
});

describe('"splits" on the UCR ECG200 file (PLiNIO\'s split file style)', () => {
  const have = hasBenchmarkData('ucr/ECG200', 'splitIndices.test', 'the ECG200 split-file check');
  it.skipIf(!have)('the validation rows are the listed rows of ECG200_TRAIN.tsv, in order', () => {
    const dir = join(resolveDataDir(), 'ucr', 'ECG200');
    const val = [3, 7, 10, 12, 21, 25, 30, 33, 35, 38, 40, 43, 50, 52, 58, 67, 72, 74, 82, 86];
    const train = Array.from({ length: 100 }, (_, i) => i).filter((i) => !val.includes(i));
    writeFileSync(join(tmp, 'splits_ECG200.json'), JSON.stringify({ train_idx: train, val_idx: val, note: 'row indices into the UCR _TRAIN.tsv file (0-based)' }));
    const desc = join(tmp, 'ecg200.json');
    writeFileSync(desc, JSON.stringify({ name: 'ECG200', train: join(dir, 'ECG200_TRAIN.tsv'), test: join(dir, 'ECG200_TEST.tsv'), splits: 'splits_ECG200.json' }));
    const s = loadAnyDataset(desc, { seed: 3 });
    const firstValues = readFileSync(join(dir, 'ECG200_TRAIN.tsv'), 'utf8').trim().split('\n').map((line) => Math.fround(Number(line.split(/\s+/)[1])));
    expect(firstValues).toHaveLength(100);
    const len = s.val.x.length / s.val.length;
    expect(Array.from({ length: s.val.length }, (_, r) => s.val.x[r * len])).toEqual(val.map((i) => firstValues[i]));
    expect(Array.from({ length: s.train.length }, (_, r) => s.train.x[r * len])).toEqual(train.map((i) => firstValues[i]));
    expect(s.test.length).toBe(100);
    expect(s.info.notes).toMatch(/validation = 20 rows fixed by splits_ECG200\.json/);
  });
});
