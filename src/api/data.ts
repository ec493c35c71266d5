/**
 * Custom data for the one-call protocol: train / validation / test splits from plain arrays.
 * The protocol needs all three (masks learn on validation, the front is measured on test), plus
 * a DatasetInfo that says the task and metric; these helpers derive it and check that the
 * splits agree, so a user's arrays go in without hand-building that record.
 */

import type { ArrayDataset, DatasetInfo, DatasetSplits } from '../data/types.js';
import { stratifiedSplit, subset } from '../data/split.js';
import { Rng } from '../tensor/rng.js';
import { splitRows } from '../data/user/splits.js';

/** Splits as the api functions take them: a loaded dataset, or three ArrayDatasets (info derived). */
export type SplitsInput = DatasetSplits | { train: ArrayDataset; val: ArrayDataset; test: ArrayDataset; info?: DatasetInfo };

/** Train / validation / test with a derived DatasetInfo; throws naming the split that disagrees. */
export function makeSplits(s: { train: ArrayDataset; val: ArrayDataset; test: ArrayDataset }, info: Partial<DatasetInfo> = {}): DatasetSplits {
  const { train } = s;
  for (const key of ['train', 'val', 'test'] as const) {
    const d = s[key] as ArrayDataset | undefined;
    if (d === undefined || d === null || !(d.x instanceof Float32Array)) throw new Error(`makeSplits: '${key}' must be an ArrayDataset (see makeDataset); got ${String(d)}`);
    if (d.length === 0) throw new Error(`makeSplits: the '${key}' split is empty; every split needs samples (masks learn on 'val', the front is measured on 'test')`);
    if (d.sampleShape.join() !== train.sampleShape.join()) throw new Error(`makeSplits: '${key}' has samples of shape [${d.sampleShape.join(', ')}] but 'train' has [${train.sampleShape.join(', ')}]`);
    if (d.task !== train.task) throw new Error(`makeSplits: '${key}' is a ${d.task} set but 'train' is ${train.task}`);
  }
  const numClasses = train.task === 'classification' ? Math.max(train.numClasses ?? 0, s.val.numClasses ?? 0, s.test.numClasses ?? 0, maxLabel(s) + 1) : undefined;
  const out: DatasetInfo = {
    name: info.name ?? train.name, task: train.task, sampleShape: [...train.sampleShape],
    metric: train.task === 'classification' ? 'accuracy' : 'mae', source: info.source ?? 'arrays', notes: info.notes ?? '',
  };
  if (numClasses !== undefined) out.numClasses = numClasses;
  return { train: s.train, val: s.val, test: s.test, info: { ...out, ...info, task: out.task, sampleShape: out.sampleShape } };
}

function maxLabel(s: { train: ArrayDataset; val: ArrayDataset; test: ArrayDataset }): number {
  let m = -1;
  for (const d of [s.train, s.val, s.test]) for (let i = 0; i < d.y.length; i++) if (d.y[i] > m) m = d.y[i];
  return m;
}

/** A DatasetSplits from either input form (an `info` given is kept). */
export function toSplits(data: SplitsInput, who: string): DatasetSplits {
  if (data === null || typeof data !== 'object') throw new Error(`${who}: data must be { train, val, test } (ArrayDatasets) or a loaded dataset, got ${String(data)}`);
  if (data.info !== undefined) return data as DatasetSplits;
  return makeSplits(data);
}

export interface SplitOptions {
  /** Fraction of the samples for validation (default 0.2). */
  val?: number;
  /** Fraction for test (default 0.2). */
  test?: number;
  /** Seed of the draw (default 0). */
  seed?: number;
  /**
   * Exact rows instead of a draw (a paper's protocol): 0-based sample indices, validation in the
   * order given (the search passes over it in that order); test defaults to the rows in neither list.
   */
  indices?: { train: readonly number[]; val: readonly number[]; test?: readonly number[] };
}

function indexSplits(ds: ArrayDataset, ix: NonNullable<SplitOptions['indices']>): DatasetSplits {
  const seen = new Map<number, string>();
  const check = (name: string, list: readonly number[] | undefined, required: boolean): readonly number[] => {
    if (list === undefined) return [];
    if (!Array.isArray(list) || (required && list.length === 0)) throw new Error(`splitDataset: indices.${name} must be a non-empty list of sample indices`);
    for (const i of list) {
      if (!Number.isInteger(i) || i < 0 || i >= ds.length) throw new Error(`splitDataset: indices.${name} lists ${String(i)}, but ${ds.name} has ${ds.length} samples (indices 0..${ds.length - 1})`);
      const other = seen.get(i);
      if (other !== undefined) throw new Error(`splitDataset: sample ${i} is listed ${other === name ? 'twice in' : `in both indices.${other} and`} indices.${name}`);
      seen.set(i, name);
    }
    return list;
  };
  const train = check('train', ix.train, true);
  const val = check('val', ix.val, true);
  let test = check('test', ix.test, false);
  if (ix.test === undefined) test = Array.from({ length: ds.length }, (_, i) => i).filter((i) => !seen.has(i));
  if (test.length === 0) throw new Error('splitDataset: no sample is left for test; give indices.test or leave some samples out of train and val');
  return makeSplits({ train: subset(ds, train), val: subset(ds, val), test: subset(ds, test) }, { notes: `fixed split: ${train.length} train / ${val.length} validation / ${test.length} test samples by index` });
}

/**
 * One dataset cut into train / validation / test: stratified by class for classification (each
 * class keeps its share), a seeded random draw for regression. Sample order is kept in each part.
 */
export function splitDataset(ds: ArrayDataset, o: SplitOptions = {}): DatasetSplits {
  if (o.indices !== undefined) {
    if (o.val !== undefined || o.test !== undefined) throw new Error('splitDataset: give indices or val / test fractions, not both');
    return indexSplits(ds, o.indices);
  }
  const fv = o.val ?? 0.2;
  const ft = o.test ?? 0.2;
  if (!(fv > 0 && ft > 0 && fv + ft < 1)) throw new Error(`splitDataset: val (${fv}) and test (${ft}) must be > 0 with val + test < 1`);
  const rng = new Rng(o.seed ?? 0);
  const all = Int32Array.from({ length: ds.length }, (_, i) => i);
  const cut = (idx: Int32Array, fraction: number): { a: Int32Array; b: Int32Array } => {
    if (ds.task === 'classification') {
      const labels = Array.from(idx, (i) => ds.y[i]);
      const r = stratifiedSplit(labels, fraction, rng);
      return { a: r.a.map((j) => idx[j]), b: r.b.map((j) => idx[j]) };
    }
    const r = splitRows(idx.length, null, null, fraction, 'sample', rng, 'splitDataset');
    return { a: r.a.map((j) => idx[j]), b: r.b.map((j) => idx[j]) };
  };
  const first = cut(all, ft);
  const second = cut(first.a, fv / (1 - ft));
  return makeSplits({ train: subset(ds, second.a), val: subset(ds, second.b), test: subset(ds, first.b) }, { notes: `split ${1 - fv - ft}/${fv}/${ft} with seed ${o.seed ?? 0}` });
}
