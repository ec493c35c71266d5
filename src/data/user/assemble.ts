/**
 * A user's tables → the train / validation / test splits every command trains on, the same way
 * for every file format: the test split (a given file, or a fixed seeded share), the validation
 * split (from the run seed, or fixed rows a paper's protocol lists), the preprocessing fitted on
 * the training rows, and a run record that says what was actually loaded. Pure: works on
 * tables, never on files.
 */

import { Rng } from '../../tensor/rng.js';
import { limitDataset, makeDataset } from '../split.js';
import type { ArrayDataset, DatasetInfo, DatasetSplits } from '../types.js';
import { applyPreprocessing, classOrder, describePreprocessing, fitPreprocessing, mappedLabel, selectRows, type Preprocessing, type SourceFeatures } from './preprocess.js';
import { splitRows, type SplitBy } from './splits.js';
import { checkFixedTestConflicts, checkSplitIndices, INLINE_SPLITS, type DatasetSpec, type FixedSplits } from './spec.js';
import type { SeriesTable } from './table.js';

export interface AssembleOptions {
  /** The run's seed: draws the validation split. */
  seed?: number;
  /** Cap on the training split (quick trials). */
  limit?: number;
  /** Where the data came from, for the run record. */
  source: string;
  features?: SourceFeatures;
  /** The description's "splits" when it names a file, read and checked (load.ts). */
  splits?: FixedSplits;
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
 * The description's fixed split indices, checked against the training table, or null without
 * "splits". `read` is the file's content when "splits" names one (load.ts reads it); inline
 * indices come from the description. Every index must name a row of the training table, and the
 * test rows have one source only (`testTable` = test data the reader brought).
 */
export function fixedSplitsOf(trainTable: SeriesTable, testTable: SeriesTable | null, spec: DatasetSpec, read?: FixedSplits): FixedSplits | null {
  if (spec.splits === undefined) return null;
  let fixed: FixedSplits;
  if (read !== undefined) fixed = read;
  else if (typeof spec.splits === 'object') fixed = checkSplitIndices(spec.splits, INLINE_SPLITS, 'splits');
  else throw new Error(`"splits" names the file '${spec.splits}': read it first (loadAnyDataset / readSplitsFile do) and pass it as the splits option`);
  const n = trainTable.series.length;
  for (const [part, rows] of [['train', fixed.train], ['val', fixed.val], ['test', fixed.test ?? []]] as const) {
    const bad = rows.find((i) => i >= n);
    if (bad !== undefined) throw new Error(`${fixed.source}: '${part}' lists row ${bad}, but ${trainTable.source} has ${n} rows (0-based indices 0..${n - 1}); the indices must be rows of the training file as read, header not counted`);
  }
  checkFixedTestConflicts(fixed, testTable !== null, spec.testFraction !== undefined);
  return fixed;
}

/**
 * The rows held out for testing when no test file is given: fixed by the description's split
 * seed (not the run seed), so every run and every later `tsdnas eval` tests on the same rows.
 * With fixed splits: their `test` rows, else the seeded share drawn from the rows in neither
 * list (`a` is then every other row).
 */
export function heldOutTest(trainTable: SeriesTable, spec: DatasetSpec, fixed: FixedSplits | null = null): { a: Int32Array; b: Int32Array } {
  const task = taskOf(trainTable, spec);
  const n = trainTable.series.length;
  const draw = (t: SeriesTable, what: string) => splitRows(t.series.length, strata(t, spec, task), t.groups, spec.testFraction ?? 0.2, splitByOf(t, spec), new Rng(spec.splitSeed ?? 0), what);
  if (fixed === null) return draw(trainTable, `${trainTable.source}: test split`);
  let b: Int32Array;
  if (fixed.test !== null) {
    b = Int32Array.from(fixed.test);
  } else {
    const listed = new Set([...fixed.train, ...fixed.val]);
    const rest = Int32Array.from({ length: n }, (_, i) => i).filter((i) => !listed.has(i));
    if (rest.length === 0) {
      throw new Error(`${fixed.source}: every row of ${trainTable.source} is in 'train' or 'val', and there is no test file: give the test file ("test" in the description) or list test rows under 'test'`);
    }
    b = Int32Array.from(draw(selectRows(trainTable, rest), `${trainTable.source}: test split of the ${rest.length} rows in neither list of ${fixed.name}`).b, (j) => rest[j]);
  }
  const inB = new Set(b);
  return { a: Int32Array.from({ length: n }, (_, i) => i).filter((i) => !inB.has(i)), b };
}

export interface AssembledData extends DatasetSplits {
  preprocessing: Preprocessing;
}

export function assembleSplits(trainTable: SeriesTable, testTable: SeriesTable | null, spec: DatasetSpec, o: AssembleOptions): AssembledData {
  const task = taskOf(trainTable, spec);
  const by = splitByOf(trainTable, spec);
  // Checked before anything is fitted: a bad index fails here, naming the file and the row count.
  const fixed = fixedSplitsOf(trainTable, testTable, spec, o.splits);
  let fullTrain = trainTable;
  let test = testTable;
  let testNote: string;
  if (test === null) {
    const frac = spec.testFraction ?? 0.2;
    const { a, b } = heldOutTest(trainTable, spec, fixed);
    fullTrain = selectRows(trainTable, a);
    test = selectRows(trainTable, b);
    if (fixed !== null && fixed.test !== null) {
      testNote = `test = ${b.length} rows of ${trainTable.source} fixed by ${fixed.name}`;
    } else {
      const pool = fixed === null ? '' : ` of the ${trainTable.series.length - fixed.train.length - fixed.val.length} rows in neither list of ${fixed.name}`;
      testNote = `test = ${b.length} rows (${(frac * 100).toFixed(0)} %${pool}${by === 'group' ? ', whole groups' : task === 'classification' ? ', stratified' : ''}) held out of ${trainTable.source} with split seed ${spec.splitSeed ?? 0}`;
    }
  } else {
    testNote = `test = ${test.series.length} rows of ${test.source}`;
  }
  // Held out of one table, the classes come from all its rows: a class whose rows all went to the
  // test split is then reported as missing from training (with what to do), not as unknown. With
  // fixed splits, from the rows listed (rows in no list are not part of the protocol).
  const labelled = fixed === null ? (testTable === null ? trainTable : null) : selectRows(trainTable, [...fixed.train, ...fixed.val, ...(fixed.test ?? [])]);
  const allLabels = labelled === null ? null : strata(labelled, spec, task);
  const classes = spec.classes ?? (allLabels !== null ? classOrder(allLabels.filter((l) => l !== ''), spec.labelMap === undefined ? trainTable.declaredClasses : undefined) : undefined);
  // The validation rows: fixed (in the listed order: the search evaluates them in that order),
  // or drawn with the run seed. The Rng is forked first either way, so --limit draws the same.
  const rng = new Rng(o.seed ?? 0);
  const limitRng = rng.fork();
  const valFrac = spec.valFraction ?? 0.2;
  const { a, b } = fixed !== null ? { a: fixed.train, b: fixed.val } : splitRows(fullTrain.series.length, strata(fullTrain, spec, task), fullTrain.groups, valFrac, by, rng, `${fullTrain.source}: validation split`);
  const rows = fixed !== null ? trainTable : fullTrain;
  const trainRows = selectRows(rows, a);
  // Fitted on the training rows: with fixed splits exactly those listed (a paper's protocol
  // normalises with them), otherwise training + validation rows as before.
  const p = fitPreprocessing(fixed !== null ? trainRows : fullTrain, {
    task, classes, labelMap: spec.labelMap, length: spec.length, lengthPolicy: spec.lengthPolicy, pad: spec.pad,
    missing: spec.missing, normalize: spec.normalize, layout: spec.layout, features: o.features,
  });
  const trainPart = toDataset(spec.name, trainRows, p, 'training');
  const valPart = toDataset(spec.name, selectRows(rows, b), p, 'validation');
  const testPart = toDataset(spec.name, test, p, 'test');
  checkClassesSeen(trainPart.ds, p, trainTable.source, fixed);
  const filled = trainPart.filled + valPart.filled + testPart.filled;
  const valNote = fixed !== null ? fixedNote(fixed, trainPart.ds, valPart.ds, trainTable.source)
    : `validation = ${(valFrac * 100).toFixed(0)} % of the training rows${by === 'group' ? ' by whole groups' : task === 'classification' ? ', stratified' : ''}, drawn with the run seed`;
  const info: DatasetInfo = {
    name: spec.name, task, sampleShape: [...p.sampleShape], metric: task === 'classification' ? 'accuracy' : 'mae', source: o.source,
    notes: [
      spec.description ?? `user dataset '${spec.name}'`,
      `${trainPart.ds.length} train / ${valPart.ds.length} validation / ${testPart.ds.length} test`,
      testNote,
      valNote,
      describePreprocessing(p),
      filled > 0 ? `${filled} missing values filled (${p.missing})` : 'no missing values',
    ].join('; '),
    preprocessing: p,
  };
  if (p.classes !== undefined) info.numClasses = p.classes.length;
  return { train: limitDataset(trainPart.ds, o.limit, limitRng), val: valPart.ds, test: testPart.ds, info, preprocessing: p };
}

/** What fixed splits made of the rows, for the run record ("validation = 20 rows fixed by splits_ECG200.json"). */
function fixedNote(fixed: FixedSplits, train: ArrayDataset, val: ArrayDataset, source: string): string {
  const count = (ds: ArrayDataset, listed: number) => (ds.length === listed ? `${listed} rows` : `${ds.length} rows (${listed - ds.length} of the ${listed} listed dropped by the label map)`);
  return `validation = ${count(val, fixed.val.length)} fixed by ${fixed.name}, in its order; training = ${count(train, fixed.train.length)} fixed by it; rows of ${source}; preprocessing fitted on those training rows only`;
}

/** A class with no training row cannot be learned: say which, instead of a silent 0 % class. */
function checkClassesSeen(train: ArrayDataset, p: Preprocessing, source: string, fixed: FixedSplits | null): void {
  if (p.classes === undefined) return;
  const seen = new Uint8Array(p.classes.length);
  for (let i = 0; i < train.length; i++) seen[train.y[i]] = 1;
  const missing = p.classes.filter((_, i) => seen[i] === 0);
  if (missing.length > 0 && fixed !== null) {
    throw new Error(`${source}: class${missing.length > 1 ? 'es' : ''} ${missing.map((c) => `'${c}'`).join(', ')} ha${missing.length > 1 ? 've' : 's'} no row in the 'train' rows of ${fixed.source}; list rows of ${missing.length > 1 ? 'them' : 'it'} under 'train', or merge or drop ${missing.length > 1 ? 'them' : 'it'} with "labelMap" (e.g. {"${missing[0]}": ""})`);
  }
  if (missing.length > 0) {
    throw new Error(`${source}: class${missing.length > 1 ? 'es' : ''} ${missing.map((c) => `'${c}'`).join(', ')} ha${missing.length > 1 ? 've' : 's'} no row in the training split (too few rows or groups, so all went to validation / test); merge or drop rare classes with "labelMap" (e.g. {"${missing[0]}": ""}), or lower "valFraction" / "testFraction"`);
  }
}
