/**
 * The UCR benchmarks: ecg200, ecg5000 and eog (two files stacked as two channels).
 *
 * ECG200 and ECG5000 series are already z-normalised one by one by the archive and are used as
 * they are. EOG series are raw signals of a few hundred units, so each of its two channels is
 * standardised with the mean / std of the official training set (all 362 series, before the
 * validation split, so that the preprocessing does not depend on the seed).
 */

import { join } from 'node:path';
import { Rng } from '../../tensor/rng.js';
import { requireFile, resolveDataDir } from '../dataDir.js';
import { applyChannelStats, channelStats } from '../features/standardize.js';
import { fitSeriesLength, type UcrSeries } from '../formats/ucr.js';
import { readUcrTsv } from '../formats/read.js';
import { makeDataset, stratifiedSplit, subset } from '../split.js';
import type { ArrayDataset, DatasetSplits, LoadOptions } from '../types.js';
import { checkOptions, mapLabels, rangeMapping, splitsWithStratifiedVal } from './common.js';
import { PREPROCESSING_FORMAT, type Preprocessing } from '../user/preprocess.js';
import { checkSameLength, checkTestClasses, checkUcrValues } from '../validate.js';

/**
 * The named UCR protocols as preprocessing records, saved with their models so that
 * `tsdnas eval` / `predict` can prepare a user's recordings (another UCR ECG set, a Holter
 * export) the same way: class names as written in the files, the length, the normalisation.
 */
function ucrPreprocessing(classes: string[], channels: number, length: number, stats?: { mean: number; std: number }[]): Preprocessing {
  return {
    format: PREPROCESSING_FORMAT, task: 'classification', classes, channels, length, lengthPolicy: 'pad', pad: 'last', missing: 'interpolate',
    normalize: stats ? 'channel' : 'none', ...(stats ? { stats } : {}), sampleShape: [channels, length],
  };
}

/** Fixed seed of ECG5000's train / test split (the protocol fixes it; the run's seed picks validation). */
export const ECG5000_SPLIT_SEED = 5000;

/** A UCR file, its values checked (NaN only as end padding, |x| < 1e30) before any use. */
function readUcr(dataDir: string, dataset: string, folder: string, file: string): UcrSeries {
  const path = requireFile(join(dataDir, 'ucr', folder, file), dataset, 'ucr', dataDir);
  const s = readUcrTsv(path);
  checkUcrValues(s, path);
  return s;
}

/** A train / test pair of UCR files must match: same series length, no test class unseen in training. */
function checkPair(dir: string, folder: string, trName: string, tr: UcrSeries, teName: string, te: UcrSeries): void {
  const trPath = join(dir, 'ucr', folder, trName);
  const tePath = join(dir, 'ucr', folder, teName);
  checkSameLength(trPath, tr.length, tePath, te.length);
  checkTestClasses(tr.labels, trPath, te.labels, tePath);
}

/** Values without NaN padding (UCR pads shorter series; these datasets have none, but be safe). */
function values(s: UcrSeries): Float32Array {
  return s.values.some(Number.isNaN) ? fitSeriesLength(s, s.length, 'last') : s.values;
}

function univariate(name: string, s: UcrSeries, labels: Int32Array, numClasses: number): ArrayDataset {
  return makeDataset(name, values(s), [1, s.length], labels, 'classification', numClasses);
}

export function loadEcg200(opts: LoadOptions = {}): DatasetSplits {
  checkOptions('ecg200', opts, {});
  const dir = resolveDataDir(opts.dataDir);
  const tr = readUcr(dir, 'ecg200', 'ECG200', 'ECG200_TRAIN.tsv');
  const te = readUcr(dir, 'ecg200', 'ECG200', 'ECG200_TEST.tsv');
  checkPair(dir, 'ECG200', 'ECG200_TRAIN.tsv', tr, 'ECG200_TEST.tsv', te);
  const labels = new Map([[-1, 0], [1, 1]]);
  const train = univariate('ecg200', tr, mapLabels(tr.labels, labels, 'ECG200_TRAIN.tsv'), 2);
  const test = univariate('ecg200', te, mapLabels(te.labels, labels, 'ECG200_TEST.tsv'), 2);
  return splitsWithStratifiedVal(train, test, 0.2, opts, {
    name: 'ecg200', task: 'classification', numClasses: 2, sampleShape: [1, tr.length], metric: 'accuracy', preprocessing: ucrPreprocessing(['-1', '1'], 1, tr.length),
    source: join(dir, 'ucr', 'ECG200'),
    notes: 'UCR ECG200, official 100 train / 100 test; labels -1 → 0, 1 → 1; validation = stratified 20 % of train drawn with the run seed; series used as given (already z-normalised).',
  });
}

export function loadEcg5000(opts: LoadOptions = {}): DatasetSplits {
  checkOptions('ecg5000', opts, {});
  const dir = resolveDataDir(opts.dataDir);
  const s = readUcr(dir, 'ecg5000', 'ECG5000', 'ECG5000_TRAIN.tsv');
  const all = univariate('ecg5000', s, mapLabels(s.labels, rangeMapping(1, 5), 'ECG5000_TRAIN.tsv'), 5);
  const { a, b } = stratifiedSplit(all.y, 0.2, new Rng(ECG5000_SPLIT_SEED));
  return splitsWithStratifiedVal(subset(all, a), subset(all, b), 0.2, opts, {
    name: 'ecg5000', task: 'classification', numClasses: 5, sampleShape: [1, s.length], metric: 'accuracy', preprocessing: ucrPreprocessing(['1', '2', '3', '4', '5'], 1, s.length),
    source: join(dir, 'ucr', 'ECG5000', 'ECG5000_TRAIN.tsv'),
    notes: `UCR ECG5000 training file only (500 series); stratified 80/20 train/test split with the fixed seed ${ECG5000_SPLIT_SEED} (per-class shares by largest remainder, so the 2-sample class 5 stays in train); validation = stratified 20 % of that train drawn with the run seed; labels 1..5 → 0..4; series used as given (already z-normalised). Report macro-F1 too: classes are very unbalanced.`,
  });
}

export function loadEog(opts: LoadOptions = {}): DatasetSplits {
  checkOptions('eog', opts, {});
  const dir = resolveDataDir(opts.dataDir);
  let trainH: UcrSeries | null = null;
  const stack = (part: 'TRAIN' | 'TEST'): ArrayDataset => {
    const hName = `EOGHorizontalSignal_${part}.tsv`;
    const vName = `EOGVerticalSignal_${part}.tsv`;
    const h = readUcr(dir, 'eog', 'EOGHorizontalSignal', hName);
    const v = readUcr(dir, 'eog', 'EOGVerticalSignal', vName);
    // The test files are read after the training ones; the vertical files are tied to the horizontal ones below.
    if (trainH === null) trainH = h;
    else checkPair(dir, 'EOGHorizontalSignal', 'EOGHorizontalSignal_TRAIN.tsv', trainH, hName, h);
    if (h.count !== v.count || h.length !== v.length) {
      throw new Error(`eog: ${hName} has ${h.count}×${h.length} values but ${vName} has ${v.count}×${v.length}; the two files must hold the same recordings`);
    }
    for (let i = 0; i < h.count; i++) {
      if (h.labels[i] !== v.labels[i]) throw new Error(`eog: line ${i + 1} has label ${h.labels[i]} in ${hName} but ${v.labels[i]} in ${vName}; the rows must be the same recordings`);
    }
    const L = h.length;
    const hv = values(h);
    const vv = values(v);
    const x = new Float32Array(h.count * 2 * L);
    for (let i = 0; i < h.count; i++) {
      x.set(hv.subarray(i * L, (i + 1) * L), i * 2 * L);
      x.set(vv.subarray(i * L, (i + 1) * L), i * 2 * L + L);
    }
    return makeDataset('eog', x, [2, L], mapLabels(h.labels, rangeMapping(1, 12), hName), 'classification', 12);
  };
  const train = stack('TRAIN');
  const test = stack('TEST');
  const L = train.sampleShape[1];
  const stats = channelStats(train.x, 2, L);
  applyChannelStats(train.x, 2, L, stats);
  applyChannelStats(test.x, 2, L, stats);
  return splitsWithStratifiedVal(train, test, 0.2, opts, {
    name: 'eog', task: 'classification', numClasses: 12, sampleShape: [2, L], metric: 'accuracy',
    preprocessing: ucrPreprocessing(Array.from({ length: 12 }, (_, i) => String(i + 1)), 2, L, stats.map((s) => ({ mean: s.mean, std: s.std }))),
    source: join(dir, 'ucr', 'EOGHorizontalSignal') + ' + ' + join(dir, 'ucr', 'EOGVerticalSignal'),
    notes: `UCR EOGHorizontalSignal + EOGVerticalSignal stacked as 2 channels × ${L}; official 362/362 split; labels 1..12 → 0..11; each channel standardised with the official training set's mean/std (h: ${stats[0].mean.toFixed(2)}±${stats[0].std.toFixed(2)}, v: ${stats[1].mean.toFixed(2)}±${stats[1].std.toFixed(2)}); validation = stratified 20 % of train drawn with the run seed.`,
  });
}
