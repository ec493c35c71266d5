/**
 * The dataset description file (`--dataset my-ecg.json`): which files, which reader, and the
 * preprocessing and split choices every format shares. Validated like configs before anything
 * is read: an unknown key names the nearest known one, a bad value names the key, the value and
 * what is allowed. Paths are relative to the description file.
 */

import { nearest } from '../../util/schema.js';
import type { CsvRowOptions, CsvSeriesOptions } from './formats/csv.js';

export const DATASET_SPEC_FORMAT = 'tsdnas.dataset/1';

export const READERS = ['auto', 'ucr-tsv', 'ts', 'arff', 'csv', 'npy', 'npz', 'wav-folder', 'csv-folder', 'wfdb'] as const;
export type ReaderKind = (typeof READERS)[number];

/** CSV options: those of one sample per row, plus the columns taken as channels of one-file-per-series data. */
export type CsvSpec = CsvRowOptions & Pick<CsvSeriesOptions, 'columns'>;

export interface ArraysSpec {
  /** Array names in an .npz, or .npy file names next to the description. */
  x?: string;
  y?: string;
  groups?: string;
  xTest?: string;
  yTest?: string;
  groupsTest?: string;
  /** x is [n, L, C] instead of [n, C, L]. */
  channelsLast?: boolean;
}

export interface WavSpec {
  rate?: number;
  seconds?: number;
  features?: 'mfcc' | 'raw';
}

export interface WfdbSpec {
  records?: string[];
  testRecords?: string[];
  mode?: 'beats' | 'windows';
  before?: number;
  after?: number;
  window?: number;
  stride?: number;
  channels?: (number | string)[];
  symbols?: string[];
}

/**
 * Fixed split indices, as a paper's protocol publishes them: 0-based rows of the training file
 * (the rows as the reader yields them, before the label map drops any). `train_idx` / `val_idx` /
 * `test_idx` are the names in PLiNIO's split files, accepted as they are.
 */
export interface SplitIndicesSpec {
  train?: number[];
  val?: number[];
  test?: number[];
  train_idx?: number[];
  val_idx?: number[];
  test_idx?: number[];
  /** Free text (where the indices come from); not used. */
  note?: string;
}

/** Split indices after checking: one name per list, lists disjoint, no row twice. */
export interface FixedSplits {
  train: number[];
  val: number[];
  /** Rows of the training file held out for testing; null = the test file, or a seeded hold-out of the rows in neither list. */
  test: number[] | null;
  /** How notes name them: the file as the description writes it, or the description's inline "splits". */
  name: string;
  /** How errors name them: the file as read, or the description file. */
  source: string;
}

export interface DatasetSpec {
  format?: typeof DATASET_SPEC_FORMAT;
  name: string;
  description?: string;
  reader?: ReaderKind;
  /** A file or folder; a list of files = the same rows, one channel per file (stacked). */
  train: string | string[];
  test?: string | string[];
  task?: 'classification' | 'regression';
  classes?: string[];
  labelMap?: Record<string, string>;
  length?: number | 'max' | 'min' | 'median';
  lengthPolicy?: 'pad' | 'crop' | 'resample';
  pad?: 'last' | 'zero';
  missing?: 'interpolate' | 'zero' | 'error';
  normalize?: 'none' | 'series' | 'channel';
  layout?: 'sequence' | 'image';
  /** Share of the rows held out for testing when no test file is given (default 0.2). */
  testFraction?: number;
  /** Share of the training rows used for validation (default 0.2). */
  valFraction?: number;
  /** 'group' (the default when rows have groups) keeps every group on one side of a split. */
  splitBy?: 'sample' | 'group';
  /** Seed of the test split (fixed, so every run seed tests on the same rows); default 0. */
  splitSeed?: number;
  /**
   * Fixed rows for training / validation (and optionally test), inline or a JSON file relative to
   * the description: replaces the drawn validation split (not with valFraction / splitBy).
   */
  splits?: string | SplitIndicesSpec;
  /**
   * Folders of files (class sub-folders of .wav / .csv): a regular expression whose first
   * capture group, matched against each file name, is its group (speaker, subject, recording).
   */
  groupPattern?: string;
  csv?: CsvSpec;
  arrays?: ArraysSpec;
  wav?: WavSpec;
  wfdb?: WfdbSpec;
}

type Check = (v: unknown, key: string) => string | null;

const str: Check = (v) => (typeof v === 'string' && v !== '' ? null : 'a non-empty string');
const oneOf = (choices: readonly string[]): Check => (v) => (typeof v === 'string' && choices.includes(v) ? null : `one of ${choices.join(', ')}`);
const num = (min: number, max: number, integer = false): Check => (v) =>
  typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max && (!integer || Number.isInteger(v)) ? null : `${integer ? 'an integer' : 'a number'} in [${min}, ${max}]`;
const fraction: Check = (v) => (typeof v === 'number' && v > 0 && v < 1 ? null : 'a number between 0 and 1 (exclusive)');
const bool: Check = (v) => (typeof v === 'boolean' ? null : 'true or false');
const strList: Check = (v) => (Array.isArray(v) && v.length > 0 && v.every((s) => typeof s === 'string' && s !== '') ? null : 'a non-empty list of strings');
const fileOrList: Check = (v) => (str(v, '') === null || strList(v, '') === null ? null : 'a path, or a list of paths (one channel each)');
const column: Check = (v) => (typeof v === 'string' ? null : num(0, 1e6, true)(v, ''));
const columnOrNull: Check = (v, k) => (v === null ? null : column(v, k));
const columns: Check = (v) => (Array.isArray(v) && v.every((c) => column(c, '') === null) ? null : 'a list of column names or 0-based indices');
const channelRefs = columns;
const stringMap: Check = (v) =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((s) => typeof s === 'string') ? null : 'an object of raw label → class label (strings; "" drops the rows)';
const lengthCheck: Check = (v) => (v === 'max' || v === 'min' || v === 'median' || num(1, 1 << 24, true)(v, '') === null ? null : "a positive integer, 'max', 'min' or 'median'");
const regex: Check = (v) => {
  if (typeof v !== 'string') return 'a regular expression (string)';
  try {
    new RegExp(v);
    return null;
  } catch (e) {
    return `a valid regular expression (${(e as Error).message})`;
  }
};

function section(fields: Record<string, Check>): Check {
  return (v, key) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'an object';
    checkObject(v as Record<string, unknown>, fields, key);
    return null;
  };
}

const FIELDS: Record<string, Check> = {
  format: (v) => (v === DATASET_SPEC_FORMAT ? null : `'${DATASET_SPEC_FORMAT}'`),
  name: (v) => (typeof v === 'string' && /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(v) ? null : 'a name of letters, digits, . _ - (at most 64)'),
  description: (v) => (typeof v === 'string' ? null : 'a string'),
  reader: oneOf(READERS),
  train: fileOrList,
  test: fileOrList,
  task: oneOf(['classification', 'regression']),
  classes: strList,
  labelMap: stringMap,
  length: lengthCheck,
  lengthPolicy: oneOf(['pad', 'crop', 'resample']),
  pad: oneOf(['last', 'zero']),
  missing: oneOf(['interpolate', 'zero', 'error']),
  normalize: oneOf(['none', 'series', 'channel']),
  layout: oneOf(['sequence', 'image']),
  testFraction: fraction,
  valFraction: fraction,
  splitBy: oneOf(['sample', 'group']),
  splitSeed: num(0, 2 ** 32 - 1, true),
  splits: (v) => (str(v, '') === null || (typeof v === 'object' && v !== null && !Array.isArray(v)) ? null : 'a path to a JSON file of split indices, or an object {"train": [..], "val": [..], "test"?: [..]}'),
  csv: section({
    delimiter: (v) => (typeof v === 'string' && [',', ';', '\t', '|', ' '].includes(v) ? null : "one of ',', ';', '\\t', '|', ' '"),
    header: bool, labelColumn: columnOrNull, groupColumn: column, ignoreColumns: columns, channels: num(1, 65536, true), columns,
  }),
  arrays: section({ x: str, y: str, groups: str, xTest: str, yTest: str, groupsTest: str, channelsLast: bool }),
  groupPattern: regex,
  wav: section({ rate: num(100, 192000, true), seconds: num(0.01, 600), features: oneOf(['mfcc', 'raw']) }),
  wfdb: section({
    records: strList, testRecords: strList, mode: oneOf(['beats', 'windows']), before: num(0, 60), after: num(0, 60),
    window: num(0.01, 3600), stride: num(0.01, 3600), channels: channelRefs, symbols: strList,
  }),
};

function checkObject(obj: Record<string, unknown>, fields: Record<string, Check>, where: string): void {
  for (const [k, v] of Object.entries(obj)) {
    const check = fields[k];
    const path = where === '' ? k : `${where}.${k}`;
    if (check === undefined) {
      const near = nearest(k, Object.keys(fields));
      throw new Error(`unknown key '${path}'${near ? ` (did you mean '${where === '' ? near : `${where}.${near}`}'?)` : ''}; known keys: ${Object.keys(fields).join(', ')}`);
    }
    const want = check(v, path);
    if (want !== null) throw new Error(`'${path}' = ${JSON.stringify(v)?.slice(0, 80)} is not allowed; expected ${want}`);
  }
}

/** Validates a parsed description; `source` (the file) prefixes every error. */
export function checkDatasetSpec(value: unknown, source: string): DatasetSpec {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${source}: a dataset description must be a JSON object`);
  const obj = value as Record<string, unknown>;
  try {
    checkObject(obj, FIELDS, '');
    if (obj.name === undefined) throw new Error("'name' is missing: give the dataset a name (it is written into run records and checkpoints)");
    if (obj.train === undefined) throw new Error("'train' is missing: the file or folder holding the training data");
    if (obj.task === 'regression' && (obj.classes !== undefined || obj.labelMap !== undefined)) throw new Error("'classes' and 'labelMap' apply to classification, but 'task' is 'regression'");
    if (obj.test !== undefined && obj.testFraction !== undefined) throw new Error("give either 'test' (a test file) or 'testFraction' (a held-out share of 'train'), not both");
    if (obj.splits !== undefined) {
      for (const k of ['valFraction', 'splitBy']) {
        if (obj[k] !== undefined) throw new Error(`give either 'splits' (fixed training and validation rows) or '${k}' (how the validation rows are drawn), not both; drop '${k}'`);
      }
      // Inline indices are checked now; a file of them when it is read (load.ts).
      if (typeof obj.splits === 'object') {
        const fixed = checkSplitIndices(obj.splits, INLINE_SPLITS, 'splits');
        checkFixedTestConflicts(fixed, obj.test !== undefined, obj.testFraction !== undefined);
      }
    }
  } catch (e) {
    throw new Error(`${source}: ${(e as Error).message}`);
  }
  return obj as unknown as DatasetSpec;
}

/** How notes and errors name split indices written into the description itself. */
export const INLINE_SPLITS = `the description's "splits"`;

const SPLIT_LISTS = { train: ['train', 'train_idx'], val: ['val', 'val_idx'], test: ['test', 'test_idx'] } as const;

/**
 * Checks split indices (the content of a splits file, or the inline "splits" object) and names
 * the lists: integers ≥ 0, no row twice, no row in two lists, train and val not empty. Whether
 * the rows exist is checked against the training file once it is read (assemble.ts). `name` is
 * how notes name them, `where` prefixes keys in errors (e.g. 'splits' → 'splits.val').
 */
export function checkSplitIndices(value: unknown, name: string, where = ''): FixedSplits {
  const at = (k: string) => (where === '' ? `'${k}'` : `'${where}.${k}'`);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`split indices must be a JSON object {"train": [..], "val": [..], "test"?: [..]}`);
  const obj = value as Record<string, unknown>;
  const known = [...SPLIT_LISTS.train, ...SPLIT_LISTS.val, ...SPLIT_LISTS.test, 'note'];
  for (const k of Object.keys(obj)) {
    if (!known.includes(k)) {
      const near = nearest(k, known);
      throw new Error(`unknown key ${at(k)} in the split indices${near ? ` (did you mean ${at(near)}?)` : ''}; known keys: ${known.join(', ')}`);
    }
  }
  if (obj.note !== undefined && typeof obj.note !== 'string') throw new Error(`${at('note')} must be a string`);
  const list = (part: keyof typeof SPLIT_LISTS): number[] | null => {
    const [key, alias] = SPLIT_LISTS[part];
    if (obj[key] !== undefined && obj[alias] !== undefined) throw new Error(`give ${at(key)} or ${at(alias)} (the same list), not both`);
    const k = obj[key] !== undefined ? key : alias;
    const v = obj[k];
    if (v === undefined) return null;
    if (!Array.isArray(v)) throw new Error(`${at(k)} must be a list of 0-based row indices of the training file`);
    v.forEach((i, pos) => {
      if (typeof i !== 'number' || !Number.isInteger(i) || i < 0) throw new Error(`${at(k)}[${pos}] = ${JSON.stringify(i)?.slice(0, 40)} is not a row index; expected an integer ≥ 0 (0-based rows of the training file)`);
    });
    if (v.length === 0 && part !== 'test') throw new Error(`${at(k)} is empty; list at least one row of the training file`);
    const seen = new Set<number>();
    for (const i of v as number[]) {
      if (seen.has(i)) throw new Error(`${at(k)} lists row ${i} twice; every row may be used once`);
      seen.add(i);
    }
    return v as number[];
  };
  const train = list('train');
  const val = list('val');
  const test = list('test');
  if (train === null) throw new Error(`${at('train')} is missing: the 0-based rows of the training file to train on (or '${SPLIT_LISTS.train[1]}')`);
  if (val === null) throw new Error(`${at('val')} is missing: the 0-based rows of the training file to validate on (or '${SPLIT_LISTS.val[1]}')`);
  if (test !== null && test.length === 0) throw new Error(`${at('test')} is empty; leave it out to test on the test file (or a held-out share of the rows in neither list)`);
  const parts: [string, number[]][] = [['train', train], ['val', val], ...(test !== null ? [['test', test] as [string, number[]]] : [])];
  const owner = new Map<number, string>();
  for (const [part, rows] of parts) {
    for (const i of rows) {
      const other = owner.get(i);
      if (other !== undefined) throw new Error(`row ${i} is in both ${at(other)} and ${at(part)}; a row may be in one list only`);
      owner.set(i, part);
    }
  }
  return { train, val, test, name, source: name };
}

/**
 * Where the test rows come from, given fixed splits: their `test` list, a test file, or a share
 * of the rows in neither list — never two of them. `testGiven` covers any test data the reader
 * brings (a test file, an .npz's test arrays, WFDB test records).
 */
export function checkFixedTestConflicts(fixed: FixedSplits, testGiven: boolean, testFraction: boolean): void {
  if (fixed.test === null) return;
  if (testGiven) throw new Error(`${fixed.source} lists 'test' rows, and the description gives test data too ('test', or the reader's test arrays / records); keep one: drop the 'test' list to test on the test data, or the test data to test on the listed rows`);
  if (testFraction) throw new Error(`${fixed.source} lists 'test' rows, so 'testFraction' has nothing to draw; drop 'testFraction'`);
}
