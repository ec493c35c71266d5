/**
 * The sizes of the validation and test splits in words, placed next to a report's fronts: on the
 * small biosignal sets one test sample is a whole point of accuracy or more, and a difference
 * between two fronts smaller than that is one or two samples, which the reader should see
 * before reading anything into it.
 */

import type { SplitSizes } from '../data/sizes.js';
import type { MetricName } from './load.js';

/** What one sample of a dataset is called (plural, singular). */
const NOUNS: Record<string, [string, string]> = {
  ecg200: ['series', 'series'], ecg5000: ['series', 'series'], eog: ['series', 'series'],
  ppg: ['windows', 'window'], fsdd: ['recordings', 'recording'], mnist: ['images', 'image'], 'fashion-mnist': ['images', 'image'],
};

function nounsOf(dataset: unknown): [string, string] {
  return (typeof dataset === 'string' ? NOUNS[dataset] : undefined) ?? ['samples', 'sample'];
}

const share = (n: number) => Number((100 / n).toPrecision(2));

/** "test split: 100 series, so 1 point of test accuracy = 1 series" (or, for MAE, the count only). */
function one(what: 'validation' | 'test', n: number, metric: MetricName, [plural, singular]: [string, string]): string {
  const head = `${what} split: ${n.toLocaleString('en-US')} ${n === 1 ? singular : plural}`;
  if (metric !== 'accuracy' || n <= 0) return `${head} (the MAE is their mean)`;
  if (n === 100) return `${head}, so 1 point of ${what} accuracy = 1 ${singular}`;
  return n < 100 ? `${head}, so one ${singular} = ${share(n)} points of ${what} accuracy` : `${head}, so one ${singular} = ${share(n)} of a point of ${what} accuracy`;
}

/** One sentence on the validation and test split sizes (and the training split's). */
export function splitSentence(splits: SplitSizes, metric: MetricName, dataset: unknown): string {
  const nouns = nounsOf(dataset);
  const s = `${one('validation', splits.val, metric, nouns)}; ${one('test', splits.test, metric, nouns)} (training split: ${splits.train.toLocaleString('en-US')}).`;
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Split sizes that differ by seed, one clause per seed. */
export function splitsPerSeed(perSeed: readonly ({ seed: number } & SplitSizes)[], unknown: readonly number[]): string {
  const known = perSeed.map((s) => `seed ${s.seed}: ${s.train} / ${s.val} / ${s.test}`);
  const missing = unknown.length === 0 ? '' : `; not recorded for seed${unknown.length === 1 ? '' : 's'} ${unknown.join(', ')}`;
  return `The split sizes differ between the seeds (train / validation / test): ${known.join('; ')}${missing}. Compare points of different seeds with that in mind.`;
}
