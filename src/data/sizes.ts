/**
 * The sizes of a dataset's three splits, as a run's front.json records them: on the small
 * biosignal sets a point of test accuracy is one or a few samples, so a front says how many.
 */

import type { DatasetSplits } from './types.js';

export interface SplitSizes {
  train: number;
  val: number;
  test: number;
}

export function splitSizes(s: DatasetSplits): SplitSizes {
  return { train: s.train.length, val: s.val.length, test: s.test.length };
}
