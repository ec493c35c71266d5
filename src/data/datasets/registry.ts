/**
 * The named datasets and the single entry point that loads one by name.
 */

import type { DatasetSplits, LoadOptions } from '../types.js';
import { loadFsdd } from './fsdd.js';
import { loadFashionMnist, loadMnist } from './images.js';
import { loadPpg } from './ppg.js';
import { loadEcg200, loadEcg5000, loadEog } from './ucr.js';
import { checkSplits } from '../validate.js';

const LOADERS: Record<string, (opts: LoadOptions) => DatasetSplits> = {
  mnist: loadMnist,
  'fashion-mnist': loadFashionMnist,
  ecg200: loadEcg200,
  ecg5000: loadEcg5000,
  eog: loadEog,
  ppg: loadPpg,
  fsdd: loadFsdd,
};

export const DATASET_NAMES: readonly string[] = Object.freeze(Object.keys(LOADERS));

/** Loads the train / validation / test splits of a named dataset (see docs/datasets.md). */
export function loadDataset(name: string, opts: LoadOptions = {}): DatasetSplits {
  const loader = Object.prototype.hasOwnProperty.call(LOADERS, name) ? LOADERS[name] : undefined;
  if (!loader) throw new Error(`unknown dataset '${name}'; valid names: ${DATASET_NAMES.join(', ')}`);
  // Checked here, once for every named dataset, before any training sees the values.
  return checkSplits(loader(opts));
}
