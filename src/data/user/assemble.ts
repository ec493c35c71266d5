/**
 * A user's tables → the train / validation / test splits every command trains on, the same way
 * for every file format: the test split (a given file, or a fixed seeded share), the validation
 * split (from the run seed), the preprocessing fitted on the training rows, and a run record
 * that says what was actually loaded. Pure: works on tables, never on files.
 */

import { Rng } from '../../tensor/rng.js';
import { limitDataset, makeDataset } from '../split.js';
import type { ArrayDataset, DatasetInfo, DatasetSplits } from '../types.js';
import { applyPreprocessing, classOrder, describePreprocessing, fitPreprocessing, mappedLabel, selectRows, type Preprocessing, type SourceFeatures } from './preprocess.js';
import { splitRows, type SplitBy } from './splits.js';
import type { DatasetSpec } from './spec.js';
import type { SeriesTable } from './table.js';

export interface AssembleOptions {
  /** The run's seed: draws the validation split. */
  seed?: number;
  /** Cap on the training split (quick trials). */
  limit?: number;
  /** Where the data came from, for the run record. */
  source: string;
  features?: SourceFeatures;
}

function taskOf(train: SeriesTable, spec: DatasetSpec): 'classification' | 'regression' {
  return spec.task ?? train.taskHint ?? 'classification';
}

/** By group when the rows have at least two groups (so windows of one recording never leak), else by sample. */
function splitByOf(t: SeriesTable, spec: DatasetSpec): SplitBy {
  return spec.splitBy ?? (t.groups !== null && new Set(t.groups).size >= 2 ? 'group' : 'sample');
}

/** Labels used to stratify a split (classification), or null (regression, unlabelled). */
function strata(t: SeriesTable, spec: DatasetSpec, task: string): string[] | null {
  if (task !== 'classification' || t.labels === null) return null;
  return t.labels.map((l) => mappedLabel(l, spec.labelMap));
}

function toDataset(name: string, t: SeriesTable, p: Preprocessing, part: string): { ds: ArrayDataset; filled: number } {
  const r = applyPreprocessing(t, p);
  if (r.y === null) throw new Error(`${t.source}: the ${part} rows have no labels`);
  if (r.kept.length === 0) throw new Error(`${t.source}: no ${part} rows left after the label map`);
  return { ds: makeDataset(name, r.x, [...p.sampleShape], r.y, p.task, p.classes?.length), filled: r.filled };
}

/**
 * The rows held out for testing when no test file is given: fixed by the description's split
 * seed (not the run seed), so every run and every later `tsdnas eval` tests on the same rows.
 */
export function heldOutTest(trainTable: SeriesTable, spec: DatasetSpec): { a: Int32Array; b: Int32Array } {
  const task = taskOf(trainTable, spec);
  return splitRows(trainTable.series.length, strata(trainTable, spec, task), trainTable.groups, spec.testFraction ?? 0.2, splitByOf(trainTable, spec), new Rng(spec.splitSeed ?? 0), `${trainTable.source}: test split`);
}

export interface AssembledData extends DatasetSplits {
  preprocessing: Preprocessing;
}

export function assembleSplits(trainTable: SeriesTable, testTable: SeriesTable | null, spec: DatasetSpec, o: AssembleOptions): AssembledData {
  const task = taskOf(trainTable, spec);
  const by = splitByOf(trainTable, spec);
  let fullTrain = trainTable;
  let test = testTable;
  let testNote: string;
  if (test === null) {
    const frac = spec.testFraction ?? 0.2;
    const { a, b } = heldOutTest(trainTable, spec);
    fullTrain = selectRows(trainTable, a);
    test = selectRows(trainTable, b);
    testNote = `test = ${b.length} rows (${(frac * 100).toFixed(0)} %${by === 'group' ? ', whole groups' : task === 'classification' ? ', stratified' : ''}) held out of ${trainTable.source} with split seed ${spec.splitSeed ?? 0}`;
  } else {
    testNote = `test = ${test.series.length} rows of ${test.source}`;
  }
  // Held out of one table, the classes come from all its rows: a class whose rows all went to the
  // test split is then reported as missing from training (with what to do), not as unknown.
  const allLabels = testTable === null ? strata(trainTable, spec, task) : null;
  const classes = spec.classes ?? (allLabels !== null ? classOrder(allLabels.filter((l) => l !== ''), spec.labelMap === undefined ? trainTable.declaredClasses : undefined) : undefined);
  const p = fitPreprocessing(fullTrain, {
    task, classes, labelMap: spec.labelMap, length: spec.length, lengthPolicy: spec.lengthPolicy, pad: spec.pad,
    missing: spec.missing, normalize: spec.normalize, layout: spec.layout, features: o.features,
  });
  const valFrac = spec.valFraction ?? 0.2;
  const rng = new Rng(o.seed ?? 0);
  const limitRng = rng.fork();
  const { a, b } = splitRows(fullTrain.series.length, strata(fullTrain, spec, task), fullTrain.groups, valFrac, by, rng, `${fullTrain.source}: validation split`);
  const trainPart = toDataset(spec.name, selectRows(fullTrain, a), p, 'training');
  const valPart = toDataset(spec.name, selectRows(fullTrain, b), p, 'validation');
  const testPart = toDataset(spec.name, test, p, 'test');
  checkClassesSeen(trainPart.ds, p, trainTable.source);
  const filled = trainPart.filled + valPart.filled + testPart.filled;
  const info: DatasetInfo = {
    name: spec.name, task, sampleShape: [...p.sampleShape], metric: task === 'classification' ? 'accuracy' : 'mae', source: o.source,
    notes: [
      spec.description ?? `user dataset '${spec.name}'`,
      `${trainPart.ds.length} train / ${valPart.ds.length} validation / ${testPart.ds.length} test`,
      testNote,
      `validation = ${(valFrac * 100).toFixed(0)} % of the training rows${by === 'group' ? ' by whole groups' : task === 'classification' ? ', stratified' : ''}, drawn with the run seed`,
      describePreprocessing(p),
      filled > 0 ? `${filled} missing values filled (${p.missing})` : 'no missing values',
    ].join('; '),
    preprocessing: p,
  };
  if (p.classes !== undefined) info.numClasses = p.classes.length;
  return { train: limitDataset(trainPart.ds, o.limit, limitRng), val: valPart.ds, test: testPart.ds, info, preprocessing: p };
}

/** A class with no training row cannot be learned: say which, instead of a silent 0 % class. */
function checkClassesSeen(train: ArrayDataset, p: Preprocessing, source: string): void {
  if (p.classes === undefined) return;
  const seen = new Uint8Array(p.classes.length);
  for (let i = 0; i < train.length; i++) seen[train.y[i]] = 1;
  const missing = p.classes.filter((_, i) => seen[i] === 0);
  if (missing.length > 0) {
    throw new Error(`${source}: class${missing.length > 1 ? 'es' : ''} ${missing.map((c) => `'${c}'`).join(', ')} ha${missing.length > 1 ? 've' : 's'} no row in the training split (too few rows or groups, so all went to validation / test); merge or drop rare classes with "labelMap" (e.g. {"${missing[0]}": ""}), or lower "valFraction" / "testFraction"`);
  }
}
