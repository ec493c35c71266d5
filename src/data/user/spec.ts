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
  } catch (e) {
    throw new Error(`${source}: ${(e as Error).message}`);
  }
  return obj as unknown as DatasetSpec;
}
