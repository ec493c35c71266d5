/**
 * `--dataset <name | path | description.json>` (Node): one entry point for the named benchmark
 * datasets and a user's own files. A path is read with the defaults (specForPath); a `.json`
 * file is a dataset description (spec.ts) whose paths are relative to it.
 */

import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { checkSplits } from '../validate.js';
import { DATASET_NAMES, loadDataset } from '../datasets/registry.js';
import { dirExists, fileExists } from '../files.js';
import type { DatasetSplits, LoadOptions } from '../types.js';
import { nearest } from '../../util/schema.js';
import { assembleSplits, fixedSplitsOf, heldOutTest } from './assemble.js';
import { applyPreprocessing, mappedLabel, selectRows, type Preprocessing } from './preprocess.js';
import { readUserTables, specForPath, withSavedFeatures } from './read.js';
import { rowName, type SeriesTable } from './table.js';
import { checkDatasetSpec, checkSplitIndices, INLINE_SPLITS, type DatasetSpec, type FixedSplits } from './spec.js';

/** A JSON file's value; errors name the file and what it was for, with a hint after a read or a parse failure. */
function readJson(path: string, what: string, hints: { unreadable?: string; notJson?: string } = {}): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`${path}: cannot read ${what} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})${hints.unreadable ?? ''}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${path}: not valid JSON (${(e as Error).message})${hints.notJson ?? ''}`);
  }
}

/** Reads and validates a dataset description file. */
export function readDatasetSpec(path: string): DatasetSpec {
  return checkDatasetSpec(readJson(path, 'the dataset description'), path);
}

/**
 * The description's "splits", checked: the JSON file it names (relative to the description, like
 * `train`), or the inline object; undefined without "splits". Errors name the file.
 */
export function readSplitsFile(spec: DatasetSpec, baseDir: string, ref: string): FixedSplits | undefined {
  if (spec.splits === undefined) return undefined;
  if (typeof spec.splits === 'object') return { ...checkSplitIndices(spec.splits, INLINE_SPLITS, 'splits'), source: `${ref} ("splits")` };
  const path = spec.splits.startsWith('/') ? spec.splits : join(baseDir, spec.splits);
  const value = readJson(path, `the split indices named by "splits" in ${ref}`, {
    unreadable: '; the path is relative to the description file',
    notJson: '; expected {"train": [..], "val": [..], "test"?: [..]} of 0-based row indices',
  });
  try {
    return { ...checkSplitIndices(value, spec.splits), source: path };
  } catch (e) {
    throw new Error(`${path}: ${(e as Error).message}`);
  }
}

export type DatasetRef = { kind: 'named'; name: string } | { kind: 'user'; spec: DatasetSpec; baseDir: string; ref: string };

/** What a --dataset value means; an unknown word names the nearest dataset. */
export function resolveDatasetRef(ref: string): DatasetRef {
  if (DATASET_NAMES.includes(ref)) return { kind: 'named', name: ref };
  if (fileExists(ref) && ref.toLowerCase().endsWith('.json')) return { kind: 'user', spec: readDatasetSpec(ref), baseDir: dirname(resolve(ref)), ref };
  if (fileExists(ref) || dirExists(ref)) return { kind: 'user', spec: specForPath(ref), baseDir: process.cwd(), ref };
  const near = nearest(ref, DATASET_NAMES);
  throw new Error(`dataset '${ref}' is neither a named dataset (${DATASET_NAMES.join(', ')}) nor an existing file or folder${near ? ` (did you mean '${near}'?)` : ''}; a path may be a data file, a folder, or a dataset description (.json) — see docs/datasets.md`);
}

/** Loads named or user data as train / validation / test splits. */
export function loadAnyDataset(ref: string | DatasetRef, opts: LoadOptions = {}): DatasetSplits {
  const r = typeof ref === 'string' ? resolveDatasetRef(ref) : ref;
  if (r.kind === 'named') return loadDataset(r.name, opts);
  if (opts.layout !== undefined && r.spec.layout === undefined) r.spec.layout = opts.layout;
  // A malformed splits file fails before the data files are read (they may take a while).
  const splits = readSplitsFile(r.spec, r.baseDir, r.ref);
  const tables = readUserTables(r.spec, r.baseDir);
  // The rows were checked when read (preprocess.ts); this also covers what normalisation made of them.
  return checkSplits(assembleSplits(tables.train, tables.test, r.spec, { seed: opts.seed, limit: opts.limit, source: tables.source, features: tables.features, splits }));
}

export interface ModelInputs {
  /** Samples in the model's input shape, prepared with the model's saved preprocessing. */
  x: Float32Array;
  sampleShape: number[];
  /** Class indices or targets when the data has labels the model knows; null otherwise. */
  y: Int32Array | Float32Array | null;
  /** How errors and prediction files name each sample ("file.csv row 12"). */
  rowNames: string[];
  count: number;
  source: string;
  /** Which rows: the test split, or all rows of the files. */
  part: 'test' | 'all';
  filled: number;
}

/**
 * A user's files prepared for an already trained model: read as the description (or path)
 * says, with the model's own format features (audio front end, WFDB windows), then through the
 * model's saved preprocessing — never refitted on the new data. `part` 'test' takes the test
 * file, or the held-out rows the training run tested on; 'all' every row.
 */
export function prepareForModel(ref: string | DatasetRef, p: Preprocessing, part: 'test' | 'all'): ModelInputs {
  const r = typeof ref === 'string' ? resolveDatasetRef(ref) : ref;
  if (r.kind === 'named') throw new Error(`prepareForModel: '${r.name}' is a named dataset; load it with loadDataset`);
  const tables = readUserTables(withSavedFeatures(r.spec, p.features), r.baseDir);
  let table: SeriesTable;
  if (part === 'test') {
    // The test rows the training run used: with fixed splits, their 'test' list or the share of the rows in neither list.
    const fixed = fixedSplitsOf(tables.train, tables.test, r.spec, readSplitsFile(r.spec, r.baseDir, r.ref));
    table = tables.test ?? selectRows(tables.train, heldOutTest(tables.train, { ...r.spec, task: p.task }, fixed).b);
  } else {
    table = tables.test === null ? tables.train : concatTables(tables.train, tables.test);
  }
  // The new data's own label map (its label names → the model's) comes before the model's.
  const own = r.spec.labelMap;
  if (own !== undefined && table.labels !== null) table = { ...table, labels: table.labels.map((l) => mappedLabel(l, own)) };
  const prepared = applyPreprocessing(table, p);
  return {
    x: prepared.x, sampleShape: [...p.sampleShape], y: prepared.y, count: prepared.kept.length, source: table.source, part,
    rowNames: Array.from(prepared.kept, (i) => rowName(table, i)), filled: prepared.filled,
  };
}

function concatTables(a: SeriesTable, b: SeriesTable): SeriesTable {
  const names = (t: SeriesTable) => t.series.map((_, i) => `${t.source}: ${rowName(t, i)}`);
  return {
    ...a, source: `${a.source} + ${b.source}`, series: [...a.series, ...b.series], lengths: [...a.lengths, ...b.lengths],
    labels: a.labels !== null && b.labels !== null ? [...a.labels, ...b.labels] : null,
    groups: a.groups !== null && b.groups !== null ? [...a.groups, ...b.groups] : null,
    rowNames: [...names(a), ...names(b)],
  };
}
