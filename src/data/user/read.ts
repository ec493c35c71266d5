/**
 * Reading a user's files into tables (Node): picks the reader for a path (by extension and
 * folder layout, or as the description says), reads the bytes through files.ts (errors name the
 * path) and hands them to the pure parsers in ./formats. Several files listed for one split are
 * the same rows, one channel each (e.g. the UCR EOG horizontal + vertical files), and are stacked.
 */

import { readdirSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { nodeZlib } from '../../platform/node.js';
import { dirExists, fileExists, readBytes } from '../files.js';
import { parseArff, parseCsvRows, csvSeriesTable, parseSktimeTs, parseUcrTable } from './formats/text.js';
import { npyTable, parseNpy, parseNpz, parseWfdbAnnotations, parseWfdbHeader, parseWfdbSignals, wavTable, wfdbTable, groupFromName, type NpyArray } from './formats/binary.js';
import type { SourceFeatures } from './preprocess.js';
import type { DatasetSpec, ReaderKind } from './spec.js';
import { checkTable, rowName, type SeriesTable } from './table.js';

export interface UserTables {
  train: SeriesTable;
  test: SeriesTable | null;
  /** Every path read, for the run record. */
  source: string;
  features?: SourceFeatures;
}

const BY_EXTENSION: Record<string, ReaderKind> = {
  '.tsv': 'ucr-tsv', '.ts': 'ts', '.arff': 'arff', '.csv': 'csv', '.txt': 'csv', '.npy': 'npy', '.npz': 'npz', '.hea': 'wfdb',
};

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch (e) {
    throw new Error(`${dir}: cannot list the folder (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/** Class sub-folders of `dir` that hold files with extension `ext`. */
function classFolders(dir: string, ext: string): string[] {
  return listDir(dir).filter((d) => dirExists(join(dir, d)) && listDir(join(dir, d)).some((f) => f.toLowerCase().endsWith(ext)));
}

/** The reader for a path: from its extension, or for a folder from what it holds. */
export function detectReader(path: string): ReaderKind {
  if (fileExists(path)) {
    const kind = BY_EXTENSION[extname(path).toLowerCase()];
    if (kind === undefined) throw new Error(`${path}: cannot tell the format from the extension '${extname(path)}'; known: ${Object.keys(BY_EXTENSION).join(' ')} — or write a dataset description (.json) with "reader"`);
    return kind;
  }
  if (!dirExists(path)) throw new Error(`${path}: no such file or folder`);
  const files = listDir(path);
  if (files.some((f) => f.endsWith('.hea'))) return 'wfdb';
  for (const ext of ['.ts', '.tsv', '.arff', '.csv']) {
    if (files.some((f) => /_TRAIN\.[a-z]+$/i.test(f) && f.toLowerCase().endsWith(ext))) return BY_EXTENSION[ext];
  }
  if (files.some((f) => f.toLowerCase().endsWith('.npz'))) return 'npz';
  if (files.some((f) => f.toLowerCase().endsWith('.npy'))) return 'npy';
  if (classFolders(path, '.wav').length > 0) return 'wav-folder';
  if (classFolders(path, '.csv').length > 0) return 'csv-folder';
  throw new Error(`${path}: cannot tell what this folder holds; expected NAME_TRAIN.ts/.tsv/.arff/.csv files, .npz / .npy arrays, WFDB records (.hea), or one sub-folder of .wav / .csv files per class — or write a dataset description (.json)`);
}

/**
 * A path given straight to --dataset, as a description with the defaults: the name from the
 * file, and the NAME_TEST file next to a NAME_TRAIN file as the test split.
 */
export function specForPath(path: string): DatasetSpec {
  const reader = detectReader(path);
  const base = basename(path).replace(/\.[A-Za-z0-9]+$/, '');
  if (fileExists(path)) {
    const m = /^(.*)_TRAIN$/i.exec(base);
    const name = sanitizeName(m ? m[1] : base);
    if (m) {
      const test = join(path, '..', `${m[1]}_${base.slice(-5) === 'TRAIN' ? 'TEST' : 'test'}${extname(path)}`);
      if (fileExists(test)) return { name, reader, train: path, test };
    }
    return { name, reader, train: path };
  }
  if (['ts', 'ucr-tsv', 'arff', 'csv'].includes(reader)) {
    const ext = Object.entries(BY_EXTENSION).find(([, k]) => k === reader)![0];
    const files = listDir(path);
    const train = files.find((f) => /_TRAIN\.[a-z]+$/i.test(f) && f.toLowerCase().endsWith(ext))!;
    const test = files.find((f) => f.toLowerCase() === train.toLowerCase().replace(/_train\./, '_test.'));
    const name = sanitizeName(train.replace(/_TRAIN\.[a-z]+$/i, ''));
    return test !== undefined ? { name, reader, train: join(path, train), test: join(path, test) } : { name, reader, train: join(path, train) };
  }
  if (reader === 'npz') {
    const npz = listDir(path).filter((f) => f.toLowerCase().endsWith('.npz'));
    if (npz.length !== 1) throw new Error(`${path}: ${npz.length} .npz files; give the one to use (or a dataset description)`);
    return { name: sanitizeName(basename(path)), reader, train: join(path, npz[0]) };
  }
  return { name: sanitizeName(basename(path)), reader, train: path };
}

function sanitizeName(s: string): string {
  const n = s.replace(/[^A-Za-z0-9._-]/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 64);
  return n === '' ? 'dataset' : n;
}

/** Reads the train (and test) tables a description names; `baseDir` resolves relative paths. */
export function readUserTables(spec: DatasetSpec, baseDir: string): UserTables {
  const abs = (p: string) => (p.startsWith('/') ? p : join(baseDir, p));
  const trainPaths = (Array.isArray(spec.train) ? spec.train : [spec.train]).map(abs);
  const testPaths = spec.test === undefined ? [] : (Array.isArray(spec.test) ? spec.test : [spec.test]).map(abs);
  const reader = spec.reader !== undefined && spec.reader !== 'auto' ? spec.reader : detectReader(trainPaths[0]);
  const read = (paths: string[], part: 'train' | 'test') => stackChannels(paths.map((p) => readOne(p, reader, spec, part, baseDir)));
  let train: SeriesTable;
  let test: SeriesTable | null = null;
  if (reader === 'npz' && testPaths.length === 0) {
    ({ train, test } = readNpzSplits(trainPaths[0], spec));
  } else if (reader === 'wfdb' && spec.wfdb?.testRecords !== undefined) {
    train = readWfdb(trainPaths[0], spec, spec.wfdb.records);
    test = readWfdb(testPaths[0] ?? trainPaths[0], spec, spec.wfdb.testRecords);
  } else {
    train = read(trainPaths, 'train');
    if (testPaths.length > 0) test = read(testPaths, 'test');
  }
  const features: SourceFeatures = {};
  if (reader === 'wav-folder') features.wav = { rate: spec.wav?.rate ?? 8000, seconds: spec.wav?.seconds ?? 1, features: spec.wav?.features ?? 'mfcc' };
  if (reader === 'wfdb') {
    const w = spec.wfdb ?? {};
    features.wfdb = { mode: w.mode ?? 'beats', before: w.before, after: w.after, window: w.window, stride: w.stride, channels: w.channels, symbols: w.symbols };
  }
  return { train, test, source: [...trainPaths, ...testPaths].join(' + '), ...(Object.keys(features).length > 0 ? { features } : {}) };
}

function readOne(path: string, reader: ReaderKind, spec: DatasetSpec, part: 'train' | 'test', baseDir: string): SeriesTable {
  switch (reader) {
    case 'ucr-tsv': return checkTable(parseUcrTable(readBytes(path), path));
    case 'ts': return checkTable(parseSktimeTs(readBytes(path), path));
    case 'arff': return checkTable(parseArff(readBytes(path), path));
    case 'csv': return checkTable(parseCsvRows(readBytes(path), path, spec.csv ?? {}));
    case 'csv-folder': return checkTable(readCsvFolder(path, spec));
    case 'wav-folder': return checkTable(readWavFolder(path, spec));
    case 'wfdb': return readWfdb(path, spec, part === 'train' ? spec.wfdb?.records : spec.wfdb?.testRecords);
    case 'npy': return checkTable(readNpyFiles(path, spec, part, baseDir));
    case 'npz': {
      const arrays = parseNpz(readBytes(path), path, nodeZlib);
      return checkTable(npzTable(arrays, path, spec, part === 'test' ? 'test' : 'train'));
    }
    default: throw new Error(`reader '${reader}' is not known`);
  }
}

/** Tables of the same rows, one per file, as channels of one table. */
function stackChannels(tables: SeriesTable[]): SeriesTable {
  if (tables.length === 1) return tables[0];
  const first = tables[0];
  const n = first.series.length;
  for (const t of tables.slice(1)) {
    if (t.series.length !== n) throw new Error(`${t.source} has ${t.series.length} rows but ${first.source} has ${n}; files stacked as channels must hold the same rows in the same order`);
    for (let i = 0; i < n; i++) {
      if (t.lengths[i] !== first.lengths[i]) throw new Error(`${t.source}: ${rowName(t, i)} has ${t.lengths[i]} steps but ${first.source} has ${first.lengths[i]}; stacked files must hold the same recordings`);
      if (first.labels !== null && t.labels !== null && t.labels[i] !== first.labels[i]) {
        throw new Error(`${t.source}: ${rowName(t, i)} has label '${t.labels[i]}' but ${first.source} has '${first.labels[i]}'; stacked files must hold the same recordings`);
      }
    }
  }
  const channels = tables.reduce((s, t) => s + t.channels, 0);
  const series = first.series.map((_, i) => {
    const out = new Float32Array(channels * first.lengths[i]);
    let off = 0;
    for (const t of tables) {
      out.set(t.series[i], off);
      off += t.series[i].length;
    }
    return out;
  });
  return checkTable({ ...first, source: tables.map((t) => t.source).join(' + '), channels, series, channelNames: undefined });
}

function readCsvFolder(dir: string, spec: DatasetSpec): SeriesTable {
  const classes = classFolders(dir, '.csv');
  const pattern = spec.groupPattern !== undefined ? new RegExp(spec.groupPattern) : undefined;
  const files = classes.flatMap((c) => listDir(join(dir, c)).filter((f) => f.toLowerCase().endsWith('.csv')).map((f) => ({
    name: join(dir, c, f), input: readBytes(join(dir, c, f)), label: c, group: pattern === undefined ? null : groupFromName(f, pattern),
  })));
  if (files.length === 0) throw new Error(`${dir}: no .csv files in class sub-folders`);
  return csvSeriesTable(files, dir, spec.csv ?? {});
}

function readWavFolder(dir: string, spec: DatasetSpec): SeriesTable {
  const classes = classFolders(dir, '.wav');
  const pattern = spec.groupPattern !== undefined ? new RegExp(spec.groupPattern) : undefined;
  const clips = classes.flatMap((c) => listDir(join(dir, c)).filter((f) => f.toLowerCase().endsWith('.wav')).map((f) => ({
    name: join(dir, c, f), bytes: readBytes(join(dir, c, f)), label: c, group: pattern === undefined ? null : groupFromName(f, pattern),
  })));
  if (clips.length === 0) throw new Error(`${dir}: no .wav files in class sub-folders (expected ${dir}/<class>/<clip>.wav)`);
  return wavTable(clips, dir, { rate: spec.wav?.rate, seconds: spec.wav?.seconds, features: spec.wav?.features });
}

function readWfdb(dir: string, spec: DatasetSpec, records: string[] | undefined): SeriesTable {
  const folder = fileExists(dir) ? join(dir, '..') : dir;
  const names = records ?? (fileExists(dir) ? [basename(dir).replace(/\.hea$/, '')] : listDir(folder).filter((f) => f.endsWith('.hea')).map((f) => f.slice(0, -4)));
  if (names.length === 0) throw new Error(`${folder}: no WFDB records (.hea files)`);
  const w = spec.wfdb ?? {};
  const recs = names.map((name) => {
    const hea = join(folder, `${name}.hea`);
    const heaBytes = readBytes(hea);
    const header = parseWfdbHeader(Buffer.from(heaBytes.buffer, heaBytes.byteOffset, heaBytes.byteLength).toString('latin1'), hea);
    const files = [...new Set(header.signals.map((s) => s.fileName))];
    const signals: Float32Array[] = [];
    for (const f of files) signals.push(...parseWfdbSignals(readBytes(join(folder, f)), header, f));
    const atrPath = join(folder, `${name}.atr`);
    const annotations = fileExists(atrPath) ? parseWfdbAnnotations(readBytes(atrPath), atrPath) : null;
    return { name, header, signals, annotations };
  });
  return checkTable(wfdbTable(recs, {
    mode: w.mode ?? 'beats', channels: w.channels, before: w.before, after: w.after, window: w.window, stride: w.stride, symbols: w.symbols,
  }));
}

/** x / y arrays of a .npz, found under the names the description gives or the usual ones. */
function pickArray(arrays: Record<string, NpyArray>, names: (string | undefined)[], source: string, what: string, required: boolean): NpyArray | null {
  for (const n of names) if (n !== undefined && arrays[n] !== undefined) return arrays[n];
  if (required) throw new Error(`${source}: no array for ${what}; looked for ${names.filter(Boolean).join(', ')} and found ${Object.keys(arrays).join(', ') || 'none'} — name it in the dataset description ("arrays": {"x": "...", "y": "..."})`);
  return null;
}

function npzTable(arrays: Record<string, NpyArray>, path: string, spec: DatasetSpec, part: 'train' | 'test'): SeriesTable {
  const a = spec.arrays ?? {};
  const x = part === 'train'
    ? pickArray(arrays, [a.x, 'x_train', 'X_train', 'x', 'X'], path, 'the training inputs', true)!
    : pickArray(arrays, [a.xTest, 'x_test', 'X_test'], path, 'the test inputs', true)!;
  const y = part === 'train'
    ? pickArray(arrays, [a.y, 'y_train', 'Y_train', 'y', 'Y', 'labels'], path, 'the training labels', false)
    : pickArray(arrays, [a.yTest, 'y_test', 'Y_test'], path, 'the test labels', false);
  const groups = part === 'train' ? pickArray(arrays, [a.groups, 'groups', 'subjects', 'groups_train'], path, 'groups', false) : pickArray(arrays, [a.groupsTest, 'groups_test', 'subjects_test'], path, 'groups', false);
  return npyTable(x, y, path, { channelsLast: a.channelsLast ?? guessChannelsLast(x), groups });
}

/**
 * [n, A, B] arrays: PyTorch code saves channels first, Keras / tslearn code channels last. When
 * the description does not say, a last axis that is short (≤ 16) and shorter than the middle one
 * is taken as the channels — a time axis that short is rare, a 16-channel sensor is not.
 */
function guessChannelsLast(x: NpyArray): boolean {
  return x.shape.length === 3 && x.shape[2] <= 16 && x.shape[2] < x.shape[1];
}

function readNpzSplits(path: string, spec: DatasetSpec): { train: SeriesTable; test: SeriesTable | null } {
  const arrays = parseNpz(readBytes(path), path, nodeZlib);
  const train = checkTable(npzTable(arrays, path, spec, 'train'));
  const hasTest = [spec.arrays?.xTest, 'x_test', 'X_test'].some((n) => n !== undefined && arrays[n] !== undefined);
  return { train, test: hasTest ? checkTable(npzTable(arrays, path, spec, 'test')) : null };
}

/** .npy files: the x file (or a folder holding x.npy / X.npy), with y / groups beside it. */
function readNpyFiles(path: string, spec: DatasetSpec, part: 'train' | 'test', baseDir: string): SeriesTable {
  const dir = dirExists(path) ? path : join(path, '..');
  const a = spec.arrays ?? {};
  const find = (names: (string | undefined)[]): string | null => {
    for (const n of names) {
      if (n === undefined) continue;
      for (const p of [join(dir, n), join(baseDir, n), join(dir, `${n}.npy`)]) if (fileExists(p)) return p;
    }
    return null;
  };
  const xPath = fileExists(path) ? path : find(part === 'train' ? [a.x, 'x_train.npy', 'X_train.npy', 'x.npy', 'X.npy'] : [a.xTest, 'x_test.npy', 'X_test.npy']);
  if (xPath === null) throw new Error(`${dir}: no x array (.npy) found; name it in the dataset description ("arrays": {"x": "...", "y": "..."})`);
  const yPath = find(part === 'train' ? [a.y, 'y_train.npy', 'Y_train.npy', 'y.npy', 'Y.npy', 'labels.npy'] : [a.yTest, 'y_test.npy', 'Y_test.npy']);
  const gPath = find(part === 'train' ? [a.groups, 'groups.npy', 'subjects.npy'] : [a.groupsTest, 'groups_test.npy']);
  const load = (p: string | null) => (p === null ? null : parseNpy(readBytes(p), p));
  const x = load(xPath)!;
  return npyTable(x, load(yPath), xPath, { channelsLast: a.channelsLast ?? guessChannelsLast(x), groups: load(gPath) });
}

/** For callers that read new recordings with a model's saved source features (eval / predict). */
export function withSavedFeatures(spec: DatasetSpec, f: SourceFeatures | undefined): DatasetSpec {
  if (f === undefined) return spec;
  const out: DatasetSpec = { ...spec };
  if (f.wav) out.wav = { ...spec.wav, rate: f.wav.rate, seconds: f.wav.seconds, features: f.wav.features };
  if (f.wfdb) out.wfdb = { ...spec.wfdb, ...Object.fromEntries(Object.entries(f.wfdb).filter(([, v]) => v !== undefined)) };
  return out;
}
