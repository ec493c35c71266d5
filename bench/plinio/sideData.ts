/**
 * The data half of bench/plinioSideBySide.ts: the PLiNIO kit's protocol (../shared/peers/plinio
 * README) written as tsdnas dataset descriptions — UCR tsv, each series and channel standardised
 * (`"normalize": "series"`), EOG's two files stacked as 2 channels — with the fixed rows of a
 * `"splits"` file, the same file bench/plinio/run_peer.py gives PLiNIO; and a check that what
 * tsdnas loads from a description is the kit's data, row for row and value for value.
 */

import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '../../src/tensor/rng.js';
import { stratifiedSplit } from '../../src/data/split.js';
import { ECG5000_SPLIT_SEED } from '../../src/data/datasets/ucr.js';
import { loadAnyDataset } from '../../src/data/user/load.js';
import { checkDatasetSpec } from '../../src/data/user/spec.js';
import type { ArrayDataset } from '../../src/data/types.js';

export type SideDataset = 'ECG200' | 'EOG' | 'ECG5000';
export const SIDE_DATASETS: readonly SideDataset[] = ['ECG200', 'EOG', 'ECG5000'];

export interface SideDatasetInfo {
  /** UCR folders under data/ucr, one channel each (stacked in this order). */
  ucr: string[];
  /** Whether the folders hold a _TEST.tsv file (else the test rows come from the splits file). */
  testFile: boolean;
  /** Raw labels in class order (index = network output), as the kit maps them. */
  classes: string[];
  /** The seed network: an architecture file in bench/plinio/. */
  arch: string;
  inputShape: [number, number];
  /** Conv + linear weights and biases of the seed network (the kit's params_convlin / PLiNIO `params`). */
  convLinParams: number;
  /** The kit's splits file (train_idx / val_idx), when the kit knows the dataset. */
  kitSplits: string | null;
}

export const SIDE: Readonly<Record<SideDataset, SideDatasetInfo>> = {
  ECG200: { ucr: ['ECG200'], testFile: true, classes: ['-1', '1'], arch: 'ecgnet.json', inputShape: [1, 96], convLinParams: 114_274, kitSplits: 'splits_ECG200.json' },
  EOG: {
    ucr: ['EOGHorizontalSignal', 'EOGVerticalSignal'], testFile: true, classes: Array.from({ length: 12 }, (_, i) => String(i + 1)),
    arch: 'eognet.json', inputShape: [2, 1250], convLinParams: 188_940, kitSplits: 'splits_EOG.json',
  },
  ECG5000: { ucr: ['ECG5000'], testFile: false, classes: ['1', '2', '3', '4', '5'], arch: 'ecg5000net.json', inputShape: [1, 140], convLinParams: 114_469, kitSplits: null },
};

/**
 * Seed of ECG5000's validation draw (stratified 20 % of the rows left after the test rows), the
 * kit's validation seed; the test rows are tsdnas's own fixed ECG5000 test split
 * (ECG5000_SPLIT_SEED), so the named dataset `ecg5000` and this protocol test on the same rows.
 */
export const ECG5000_VAL_SEED = 0;

export interface Splits {
  train: number[];
  val: number[];
  test?: number[];
}

export interface UcrFile {
  labels: string[];
  /** One row per series (float64, as numpy reads it). */
  rows: Float64Array[];
}

/** A UCR .tsv file: column 0 the label, the rest the values (these sets have no NaN padding). */
export function readTsv(path: string): UcrFile {
  const labels: string[] = [];
  const rows: Float64Array[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const cells = line.split('\t');
    labels.push(String(Number(cells[0])));
    rows.push(Float64Array.from(cells.slice(1), Number));
  }
  return { labels, rows };
}

export function ucrFiles(ucrDir: string, ds: SideDataset, part: 'TRAIN' | 'TEST'): string[] {
  return SIDE[ds].ucr.map((name) => join(ucrDir, name, `${name}_${part}.tsv`));
}

/** The files the protocol reads that are missing under ucrDir. */
export function missingFiles(ucrDir: string, ds: SideDataset): string[] {
  const files = [...ucrFiles(ucrDir, ds, 'TRAIN'), ...(SIDE[ds].testFile ? ucrFiles(ucrDir, ds, 'TEST') : [])];
  return files.filter((f) => !existsSync(f));
}

/** Labels of the training file, as class indices in SIDE[ds].classes order. */
function trainClassIndices(ucrDir: string, ds: SideDataset): Int32Array {
  const { labels } = readTsv(ucrFiles(ucrDir, ds, 'TRAIN')[0]);
  const index = new Map(SIDE[ds].classes.map((c, i) => [c, i]));
  return Int32Array.from(labels, (l) => {
    const c = index.get(l);
    if (c === undefined) throw new Error(`${ds}: label '${l}' in the training file is not one of ${SIDE[ds].classes.join(', ')}`);
    return c;
  });
}

function checkPartition(s: Splits, n: number, needAll: boolean, what: string): void {
  const seen = new Uint8Array(n);
  for (const [k, rows] of Object.entries(s) as [string, number[]][]) {
    for (const i of rows) {
      if (!Number.isInteger(i) || i < 0 || i >= n) throw new Error(`${what}: ${k} row ${i} is not a row of the ${n}-row training file`);
      if (seen[i]) throw new Error(`${what}: row ${i} appears twice`);
      seen[i] = 1;
    }
  }
  if (needAll && seen.some((v) => v === 0)) throw new Error(`${what}: rows ${seen.findIndex((v) => v === 0)}… are in no split`);
}

/**
 * The protocol's rows. ECG200 / EOG: the kit's splits file (train_idx / val_idx, test = the
 * _TEST.tsv file). ECG5000: test = tsdnas's fixed ECG5000 test split, validation = stratified
 * 20 % of the rest with ECG5000_VAL_SEED, train = the remainder.
 */
export function protocolSplits(ds: SideDataset, ucrDir: string, kitDir: string): { splits: Splits; source: string } {
  const y = trainClassIndices(ucrDir, ds);
  const info = SIDE[ds];
  if (info.kitSplits !== null) {
    const path = join(kitDir, info.kitSplits);
    const raw = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    const list = (k: string, alias: string) => {
      const v = raw[k] ?? raw[alias];
      if (!Array.isArray(v)) throw new Error(`${path}: no '${k}' / '${alias}' list`);
      return (v as number[]).slice();
    };
    const splits = { train: list('train', 'train_idx'), val: list('val', 'val_idx') };
    checkPartition(splits, y.length, true, path);
    return { splits, source: `the kit's ${info.kitSplits} (stratified 20 % validation, numpy default_rng(0)); test = the _TEST.tsv file` };
  }
  const { a: rest, b: test } = stratifiedSplit(y, 0.2, new Rng(ECG5000_SPLIT_SEED));
  const yRest = Int32Array.from(rest, (i) => y[i]);
  const { a, b } = stratifiedSplit(yRest, 0.2, new Rng(ECG5000_VAL_SEED));
  const splits = { train: Array.from(a, (j) => rest[j]), val: Array.from(b, (j) => rest[j]), test: Array.from(test) };
  checkPartition(splits, y.length, true, 'ECG5000 splits');
  return {
    splits,
    source: `test = tsdnas's fixed ECG5000 test split (stratifiedSplit 20 %, Rng(${ECG5000_SPLIT_SEED})); validation = stratified 20 % of the other rows (stratifiedSplit, Rng(${ECG5000_VAL_SEED})); train = the rest`,
  };
}

export function sha1(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

/** The dataset description (tsdnas.dataset/1 keys); `splitsFile` relative to it, or null to leave the split to tsdnas. */
export function description(ds: SideDataset, ucrDir: string, splitsFile: string | null): Record<string, unknown> {
  const info = SIDE[ds];
  const files = (part: 'TRAIN' | 'TEST') => {
    const f = ucrFiles(ucrDir, ds, part);
    return f.length === 1 ? f[0] : f;
  };
  return {
    name: `${ds}-plinio-protocol`,
    description: `${ds} under the PLiNIO side-by-side kit's protocol (bench/plinioSideBySide.ts): UCR tsv, each series and channel standardised${info.ucr.length > 1 ? `, ${info.ucr.join(' + ')} stacked as ${info.ucr.length} channels` : ''}, fixed train / validation${info.testFile ? '' : ' / test'} rows`,
    reader: 'ucr-tsv',
    train: files('TRAIN'),
    ...(info.testFile ? { test: files('TEST') } : {}),
    classes: info.classes,
    normalize: 'series',
    missing: 'error',
    ...(splitsFile === null ? {} : { splits: splitsFile }),
  };
}

/** null when tsdnas accepts the description, else its message. */
export function descriptionProblem(desc: Record<string, unknown>, source: string): string | null {
  try {
    checkDatasetSpec(structuredClone(desc), source);
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

/** The kit's _standardise: per series and channel, mean and population std (float64), std < 1e-8 → 1. */
function kitStandardise(row: Float64Array): Float64Array {
  let m = 0;
  for (const v of row) m += v;
  m /= row.length;
  let ss = 0;
  for (const v of row) ss += (v - m) ** 2;
  let s = Math.sqrt(ss / row.length);
  if (s < 1e-8) s = 1;
  return row.map((v) => (v - m) / s);
}

/** The kit's samples of one part: [n][C·L] float64, labels as class indices. */
function kitPart(ucrDir: string, ds: SideDataset, part: 'TRAIN' | 'TEST'): { x: Float64Array[]; y: Int32Array } {
  const files = ucrFiles(ucrDir, ds, part).map(readTsv);
  const index = new Map(SIDE[ds].classes.map((c, i) => [c, i]));
  const n = files[0].rows.length;
  const x: Float64Array[] = [];
  for (let i = 0; i < n; i++) {
    const chans = files.map((f) => kitStandardise(f.rows[i]));
    const out = new Float64Array(chans.reduce((s, c) => s + c.length, 0));
    let off = 0;
    for (const c of chans) {
      out.set(c, off);
      off += c.length;
    }
    x.push(out);
  }
  return { x, y: Int32Array.from(files[0].labels, (l) => index.get(l) ?? -1) };
}

export interface DataCheck {
  part: 'train' | 'val' | 'test';
  tsdnas: number;
  kit: number;
  /** Largest |tsdnas − kit| over every value (NaN when the counts differ). */
  maxAbsDiff: number;
  labelsEqual: boolean;
  ok: boolean;
}

/**
 * Loads the description with tsdnas's own loader (run seed `seed`) and compares every split with
 * the kit's data on the same rows: counts, labels, and values within `tol` (float32 rounding:
 * tsdnas standardises the float32-read values, the kit the float64 ones).
 */
export function checkAgainstKit(descPath: string, ds: SideDataset, ucrDir: string, splits: Splits, seed: number, parts: readonly ('train' | 'val' | 'test')[], tol = 1e-4): DataCheck[] {
  const loaded = loadAnyDataset(descPath, { seed, layout: 'sequence' });
  const train = kitPart(ucrDir, ds, 'TRAIN');
  const test = SIDE[ds].testFile ? kitPart(ucrDir, ds, 'TEST') : null;
  const pick = (rows: number[]) => ({ x: rows.map((i) => train.x[i]), y: Int32Array.from(rows, (i) => train.y[i]) });
  const kit = {
    train: pick(splits.train),
    val: pick(splits.val),
    test: test ?? pick(splits.test ?? []),
  };
  const ours: Record<'train' | 'val' | 'test', ArrayDataset> = { train: loaded.train, val: loaded.val, test: loaded.test };
  return parts.map((part) => {
    const a = ours[part];
    const b = kit[part];
    const size = SIDE[ds].inputShape[0] * SIDE[ds].inputShape[1];
    if (a.length !== b.x.length) return { part, tsdnas: a.length, kit: b.x.length, maxAbsDiff: NaN, labelsEqual: false, ok: false };
    let maxAbsDiff = 0;
    for (let i = 0; i < a.length; i++) {
      for (let k = 0; k < size; k++) maxAbsDiff = Math.max(maxAbsDiff, Math.abs(a.x[i * size + k] - b.x[i][k]));
    }
    const labelsEqual = Array.from(a.y).every((v, i) => v === b.y[i]);
    return { part, tsdnas: a.length, kit: b.x.length, maxAbsDiff, labelsEqual, ok: labelsEqual && maxAbsDiff <= tol };
  });
}
