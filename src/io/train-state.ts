/**
 * The resumable state files of a run directory, written atomically: one safetensors file holds
 * a module's weights and buffers, optional weight snapshots (e.g. the best epoch's), optimiser
 * moments (as tensors) and a JSON record in the metadata. One file, so a kill leaves either the
 * previous state or the new one, never a mixture.
 *
 * `train-state.safetensors` (tsdnas train, and the warm-up / fine-tune phases of a search) is the
 * training loop's FitProgress; src/io/search-state.ts stores the other phases with the same parts.
 */

import type { Module } from '../nn/module.js';
import type { FitProgress } from '../search/train/fit.js';
import type { OptimizerStateDict } from '../nn/optim/stateDict.js';
import { optimizerStateFromTensors, optimizerStateToTensors } from '../nn/optim/stateTensors.js';
import { modelTensors } from './checkpoint-codec.js';
import { checkFiniteForLoad, checkFiniteForSave } from './checkpoint-guard.js';
import { loadSafetensors, saveSafetensors, type NamedArray } from './safetensors.js';

export const TRAIN_STATE_FORMAT = 'tsdnas.train-state/1';
export const TRAIN_STATE_FILE = 'train-state.safetensors';

export type Snapshot = Map<string, Float32Array | Float64Array>;

// JSON has no Infinity or NaN (best-so-far starts at ±Infinity); keep them as strings.
export const stateReplacer = (_k: string, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v);
export const stateReviver = (_k: string, v: unknown) => (v === 'NaN' || v === 'Infinity' || v === '-Infinity' ? Number(v) : v);
const finite = (v: unknown): number => (typeof v === 'string' ? Number(v) : (v as number));

export interface StateParts {
  /** The JSON record, stored under the metadata key `key` (it must carry a `format` field). */
  json: Record<string, unknown>;
  /** Weight snapshots, each stored as float64 tensors named `${prefix}.${name}`. */
  snapshots?: Record<string, Snapshot>;
  /** Optimiser states, tensors named `${prefix}.${id}.${buffer}`, metadata under `tsdnas.${prefix}`. */
  optimizers?: Record<string, OptimizerStateDict>;
}

/** Writes `model`'s weights (as `model.*`) with the parts; atomic (saveSafetensors goes through src/io/atomic.ts). */
export function writeStateFile(path: string, key: string, model: Module, parts: StateParts): void {
  const tensors: Record<string, NamedArray> = {};
  for (const [k, t] of Object.entries(modelTensors(model, 'writeStateFile'))) tensors[`model.${k}`] = t;
  const shapes = new Map([...model.stateDict()].map(([k, t]) => [k, [...t.shape]]));
  for (const [prefix, snap] of Object.entries(parts.snapshots ?? {})) {
    for (const [k, v] of snap) tensors[`${prefix}.${k}`] = { dtype: 'float64', shape: shapes.get(k) ?? [v.length], data: Float64Array.from(v) };
  }
  const metadata: Record<string, string> = { [key]: JSON.stringify(parts.json, stateReplacer) };
  for (const [prefix, sd] of Object.entries(parts.optimizers ?? {})) {
    const opt = optimizerStateToTensors(sd, prefix);
    Object.assign(tensors, opt.tensors);
    metadata[`tsdnas.${prefix}`] = opt.metadata;
  }
  // The weights were checked by modelTensors; optimiser moments and snapshots must be finite too, or a resume would continue a diverged run.
  checkFiniteForSave(tensors, path);
  saveSafetensors(path, tensors, metadata);
}

/** The JSON record of a state file, checked to be an object of `format` (numbers revived). */
export function readStateJson(path: string, key: string, format: string, metadata?: Record<string, string>): Record<string, unknown> {
  const raw = (metadata ?? loadSafetensors(path).metadata)[key];
  let state: Record<string, unknown>;
  try {
    state = JSON.parse(raw ?? 'null', stateReviver) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`${path}: the state metadata is not valid JSON (${(e as Error).message}); the file is corrupt — start the run again`);
  }
  if (state === null || typeof state !== 'object' || state.format !== format) {
    throw new Error(`${path}: not a tsdnas ${format.replace(/^tsdnas\.|\/\d+$/g, '')} file (expected metadata format '${format}')`);
  }
  return state;
}

/**
 * Reads a state file written by writeStateFile: loads the weights into `model` (strictly: every
 * name and shape must fit) and returns the JSON record, the snapshots and optimiser states asked for.
 */
export function readStateFile(path: string, key: string, format: string, model: Module, want: { snapshots?: string[]; optimizers?: string[] } = {}): {
  json: Record<string, unknown>; snapshots: Record<string, Snapshot>; optimizers: Record<string, OptimizerStateDict>;
} {
  const { tensors, metadata } = loadSafetensors(path);
  const json = readStateJson(path, key, format, metadata);
  // Never written with a NaN / Inf (writeStateFile refuses), so one here means a damaged file.
  checkFiniteForLoad(tensors, path, 'state files are never written with one, so the file is damaged — start the run again');
  const weights = new Map<string, NamedArray>();
  const snapshots: Record<string, Snapshot> = Object.fromEntries((want.snapshots ?? []).map((p) => [p, new Map()]));
  for (const [k, t] of Object.entries(tensors)) {
    const dot = k.indexOf('.');
    const prefix = k.slice(0, dot);
    if (prefix === 'model') weights.set(k.slice(dot + 1), t);
    else if (snapshots[prefix] !== undefined) snapshots[prefix].set(k.slice(dot + 1), t.data as Float64Array);
  }
  try {
    model.loadStateDict(new Map([...weights].map(([k, t]) => [k, { shape: t.shape, values: () => t.data }])), { strict: true });
  } catch (e) {
    throw new Error(`${path}: the saved weights do not fit the model built from the saved config (${(e as Error).message})`);
  }
  const optimizers: Record<string, OptimizerStateDict> = {};
  for (const prefix of want.optimizers ?? []) {
    try {
      optimizers[prefix] = optimizerStateFromTensors(tensors, metadata[`tsdnas.${prefix}`] ?? '', prefix);
    } catch (e) {
      throw new Error(`${path}: the optimiser state '${prefix}' is corrupt (${(e as Error).message})`);
    }
  }
  return { json, snapshots, optimizers };
}

export function saveTrainState(path: string, model: Module, p: FitProgress, config: Record<string, unknown>): void {
  const { optimizer, bestState, ...rest } = p;
  writeStateFile(path, 'tsdnas.train-state', model, {
    json: { format: TRAIN_STATE_FORMAT, config, ...rest }, snapshots: { best: bestState }, optimizers: { optimizer },
  });
}

/** The config saved in a state file (to rebuild the data and model before loading the state). */
export function readTrainStateConfig(path: string): Record<string, unknown> {
  const state = readStateJson(path, 'tsdnas.train-state', TRAIN_STATE_FORMAT);
  checkProgress(path, state);
  return state.config as Record<string, unknown>;
}

/** A random-generator state as saved: {s: [4 32-bit integers], spare: number | null}. */
export function isRngState(r: unknown): boolean {
  const x = r as { s?: unknown; spare?: unknown } | null;
  return x !== null && typeof x === 'object' && Array.isArray(x.s) && x.s.length === 4 && x.s.every((v) => Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 32)
    && (x.spare === null || typeof x.spare === 'number');
}

/** An error naming the state file and the field at fault. */
export function badField(path: string, st: Record<string, unknown>, field: string, want: string): Error {
  return new Error(`${path}: state field '${field}' is ${JSON.stringify(st[field])?.slice(0, 60)}; expected ${want} — the file is corrupt, start the run again`);
}

/** An interrupted epoch's record (PartialEpoch), checked field by field; `field` names it in errors. */
export function checkPartial(path: string, st: Record<string, unknown>, field: string, p: unknown): void {
  const bad = (want: string) => badField(path, st, field, want);
  const o = p as Record<string, unknown> | null;
  const nums = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === 'number');
  if (o === null || typeof o !== 'object'
    || !Number.isInteger(o.batch) || (o.batch as number) < 1 || !Number.isInteger(o.samples) || (o.samples as number) < 0 || typeof o.lossSum !== 'number'
    || !isRngState(o.rngStart) || !isRngState(o.rng) || !isRngState(o.globalRng)
    || !nums(o.preds) || !nums(o.targets) || (o.preds as number[]).length !== (o.targets as number[]).length) {
    throw bad('{batch ≥ 1, samples, lossSum, rngStart, rng, globalRng, preds[], targets[]} of the interrupted epoch');
  }
}

/** Every field fit reads, checked before any is used: a corrupt state fails here, naming the file and field. */
function checkProgress(path: string, st: Record<string, unknown>): void {
  const bad = (field: string, want: string) => badField(path, st, field, want);
  const int = (f: string, min: number) => { if (!Number.isInteger(st[f]) || (st[f] as number) < min) throw bad(f, `an integer ≥ ${min}`); };
  // A state saved on an interruption may come before the first finished epoch.
  if (st.partial !== undefined) checkPartial(path, st, 'partial', st.partial);
  int('epoch', st.partial !== undefined ? 0 : 1);
  int('bestEpoch', 0);
  int('sinceBest', 0);
  if (typeof st.stopped !== 'boolean') throw bad('stopped', 'true or false');
  for (const f of ['best', 'bestLoss']) if (Number.isNaN(finite(st[f])) || (typeof st[f] !== 'number' && typeof st[f] !== 'string')) throw bad(f, 'a number');
  const fields = ['epoch', 'lr', 'trainLoss', 'trainMetric', 'valLoss', 'valMetric', 'seconds'];
  if (!Array.isArray(st.history) || st.history.length !== st.epoch
    || !st.history.every((h) => h !== null && typeof h === 'object' && fields.every((k) => typeof (h as Record<string, unknown>)[k] === 'number'))) {
    throw bad('history', `one record {${fields.join(', ')}} per finished epoch`);
  }
  for (const f of ['rng', 'globalRng']) if (!isRngState(st[f])) throw bad(f, '{s: [4 32-bit integers], spare: number | null}');
  if (st.scheduler !== null && (typeof st.scheduler !== 'object' || Array.isArray(st.scheduler))) throw bad('scheduler', 'null or a scheduler state object');
  if (st.config === null || typeof st.config !== 'object' || Array.isArray(st.config)) throw bad('config', 'an object of train options');
}

/** Reads a state file, loads its weights into `model` (validated first) and returns the progress and saved config. */
export function loadTrainState(path: string, model: Module): { progress: FitProgress; config: Record<string, unknown> } {
  const { json: state, snapshots, optimizers } = readStateFile(path, 'tsdnas.train-state', TRAIN_STATE_FORMAT, model, { snapshots: ['best'], optimizers: ['optimizer'] });
  checkProgress(path, state);
  const progress = {
    ...(state as unknown as FitProgress), best: finite(state.best), bestLoss: finite(state.bestLoss), optimizer: optimizers.optimizer, bestState: snapshots.best,
  };
  return { progress, config: state.config as Record<string, unknown> };
}
