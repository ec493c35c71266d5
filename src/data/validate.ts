/**
 * Data checks made at load time, before any training: a NaN or absurd value would otherwise
 * surface epochs later as a "divergence" blamed on the learning rate, and a test split that does
 * not match the training split would fail only after all the training. Every refusal names the
 * file (or the dataset's source), the row and the column, and says what to do.
 */

import type { UcrSeries } from './formats/ucr.js';
import { sampleSize, type ArrayDataset, type DatasetSplits } from './types.js';

/** Largest usable magnitude, as for a user's own files (src/data/user/preprocess.ts). */
export const MAX_ABS_VALUE = 1e30;

const usable = (v: number): boolean => Number.isFinite(v) && Math.abs(v) < MAX_ABS_VALUE;

/**
 * A UCR series file's values: NaN only as the archive's trailing padding, every other value
 * finite and |x| < 1e30. `file` names it; rows and columns are counted as in the file (column 1
 * is the label).
 */
export function checkUcrValues(s: UcrSeries, file: string): void {
  for (let i = 0; i < s.count; i++) {
    const row = s.values.subarray(i * s.length, (i + 1) * s.length);
    let n = row.length;
    while (n > 0 && Number.isNaN(row[n - 1])) n--;
    for (let j = 0; j < n; j++) {
      if (!usable(row[j])) {
        const what = Number.isNaN(row[j]) ? 'NaN inside the series (NaN may only pad the end of a row)' : `${+row[j].toPrecision(7)}, not a usable number (|x| must be < 1e30)`;
        throw new Error(`${file}: row ${i + 1}, column ${j + 2}: value ${what}; fix or remove that row`);
      }
    }
  }
}

/** Train and test files of one dataset must hold series of the same length. */
export function checkSameLength(trainFile: string, trainLength: number, testFile: string, testLength: number): void {
  if (trainLength === testLength) return;
  throw new Error(`${testFile} holds series of ${testLength} values but ${trainFile} holds ${trainLength}; the test file must have the training file's length — check that the two files belong to the same dataset`);
}

/** Every class of the test labels must occur in the training labels (raw labels as in the files). */
export function checkTestClasses(trainLabels: ArrayLike<number>, trainFile: string, testLabels: ArrayLike<number>, testFile: string): void {
  const seen = new Set(Array.from(trainLabels));
  for (let i = 0; i < testLabels.length; i++) {
    if (!seen.has(testLabels[i])) {
      throw new Error(`${testFile}: row ${i + 1} has class ${testLabels[i]}, which never occurs in ${trainFile}; a model cannot learn a class it never sees — fix the label or add examples of it to the training file`);
    }
  }
}

function checkSplit(ds: ArrayDataset, split: string, splits: DatasetSplits): void {
  const { info } = splits;
  const size = sampleSize(info.sampleShape);
  if (ds.sampleShape.join(',') !== info.sampleShape.join(',') || ds.x.length !== ds.length * size) {
    throw new Error(`${info.source}: the ${split} split has samples of shape [${ds.sampleShape.join(', ')}] (${ds.x.length} values for ${ds.length} samples) but the dataset's are [${info.sampleShape.join(', ')}]; the files do not belong together`);
  }
  for (let k = 0; k < ds.x.length; k++) {
    if (!usable(ds.x[k])) {
      const i = Math.floor(k / size);
      throw new Error(`${info.source}: ${split} sample ${i + 1}, value ${(k % size) + 1}: ${+ds.x[k].toPrecision(7)} is not a usable number (finite, |x| < 1e30); fix the source file`);
    }
  }
  if (info.task === 'classification' && info.numClasses !== undefined) {
    for (let i = 0; i < ds.length; i++) {
      const c = ds.y[i];
      if (!Number.isInteger(c) || c < 0 || c >= info.numClasses) {
        throw new Error(`${info.source}: ${split} sample ${i + 1} has class index ${c}; expected 0..${info.numClasses - 1}`);
      }
    }
  } else {
    for (let i = 0; i < ds.length; i++) {
      if (!usable(ds.y[i])) throw new Error(`${info.source}: ${split} sample ${i + 1} has target ${ds.y[i]}, not a usable number; fix the source file`);
    }
  }
}

/**
 * The loaded splits, all three: shapes agree with the dataset's, values finite and |x| < 1e30,
 * labels in range. A last line of defence after the per-file checks; names DatasetInfo.source.
 */
export function checkSplits(splits: DatasetSplits): DatasetSplits {
  checkSplit(splits.train, 'training', splits);
  checkSplit(splits.val, 'validation', splits);
  checkSplit(splits.test, 'test', splits);
  return splits;
}
