/**
 * The resumable training state of a run directory (`train-state.safetensors`), written
 * atomically after every epoch: the model's weights and buffers, the best epoch's weights, the
 * optimiser moments (as tensors) and, in the metadata, the config, epoch, history, best-so-far,
 * scheduler and random-generator states. One file, so a kill leaves either the previous epoch's
 * state or the new one, never a mixture.
 */

import type { Module } from '../nn/module.js';
import type { FitProgress } from '../nn/train/fit.js';
import { optimizerStateFromTensors, optimizerStateToTensors } from '../nn/optim/stateTensors.js';
import { modelTensors } from './checkpoint-codec.js';
import { loadSafetensors, saveSafetensors, type NamedArray } from './safetensors.js';

export const TRAIN_STATE_FORMAT = 'tsdnas.train-state/1';
export const TRAIN_STATE_FILE = 'train-state.safetensors';

// JSON has no Infinity (best-so-far starts at ±Infinity); keep them as strings.
const replacer = (_k: string, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v);
const finite = (v: unknown): number => (typeof v === 'string' ? Number(v) : (v as number));

export function saveTrainState(path: string, model: Module, p: FitProgress, config: Record<string, unknown>): void {
  const tensors: Record<string, NamedArray> = {};
  for (const [k, t] of Object.entries(modelTensors(model, 'saveTrainState'))) tensors[`model.${k}`] = t;
  const shapes = new Map([...model.stateDict()].map(([k, t]) => [k, [...t.shape]]));
  for (const [k, v] of p.bestState) tensors[`best.${k}`] = { dtype: 'float64', shape: shapes.get(k) ?? [v.length], data: Float64Array.from(v) };
  const opt = optimizerStateToTensors(p.optimizer, 'optimizer');
  for (const [k, t] of Object.entries(opt.tensors)) tensors[k] = t;
  const { optimizer: _o, bestState: _b, ...rest } = p;
  const state = { format: TRAIN_STATE_FORMAT, config, ...rest };
  saveSafetensors(path, tensors, { 'tsdnas.train-state': JSON.stringify(state, replacer), 'tsdnas.optimizer': opt.metadata });
}

/** The config saved in a state file (to rebuild the data and model before loading the state). */
export function readTrainStateConfig(path: string): Record<string, unknown> {
  const state = parseState(path, loadSafetensors(path).metadata);
  checkProgress(path, state);
  return state.config as Record<string, unknown>;
}

function parseState(path: string, metadata: Record<string, string>): Record<string, unknown> {
  const raw = metadata['tsdnas.train-state'];
  let state: Record<string, unknown>;
  try {
    state = JSON.parse(raw ?? 'null') as Record<string, unknown>;
  } catch (e) {
    throw new Error(`${path}: the training state metadata is not valid JSON (${(e as Error).message}); the file is corrupt — start the run again`);
  }
  if (state === null || typeof state !== 'object' || state.format !== TRAIN_STATE_FORMAT) {
    throw new Error(`${path}: not a tsdnas training state (expected metadata format '${TRAIN_STATE_FORMAT}')`);
  }
  return state;
}

/** Every field fit reads, checked before any is used: a corrupt state fails here, naming the file and field. */
function checkProgress(path: string, st: Record<string, unknown>): void {
  const bad = (field: string, want: string) => new Error(`${path}: training state field '${field}' is ${JSON.stringify(st[field])?.slice(0, 60)}; expected ${want} — the file is corrupt, start the run again`);
  const int = (f: string, min: number) => { if (!Number.isInteger(st[f]) || (st[f] as number) < min) throw bad(f, `an integer ≥ ${min}`); };
  int('epoch', 1);
  int('bestEpoch', 0);
  int('sinceBest', 0);
  if (typeof st.stopped !== 'boolean') throw bad('stopped', 'true or false');
  for (const f of ['best', 'bestLoss']) if (Number.isNaN(finite(st[f])) || (typeof st[f] !== 'number' && typeof st[f] !== 'string')) throw bad(f, 'a number');
  const fields = ['epoch', 'lr', 'trainLoss', 'trainMetric', 'valLoss', 'valMetric', 'seconds'];
  if (!Array.isArray(st.history) || st.history.length !== st.epoch
    || !st.history.every((h) => h !== null && typeof h === 'object' && fields.every((k) => typeof (h as Record<string, unknown>)[k] === 'number'))) {
    throw bad('history', `one record {${fields.join(', ')}} per finished epoch`);
  }
  for (const f of ['rng', 'globalRng']) {
    const r = st[f] as { s?: unknown; spare?: unknown } | null;
    const ok = r !== null && typeof r === 'object' && Array.isArray(r.s) && r.s.length === 4 && r.s.every((v) => Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 32)
      && (r.spare === null || typeof r.spare === 'number');
    if (!ok) throw bad(f, '{s: [4 32-bit integers], spare: number | null}');
  }
  if (st.scheduler !== null && (typeof st.scheduler !== 'object' || Array.isArray(st.scheduler))) throw bad('scheduler', 'null or a scheduler state object');
  if (st.config === null || typeof st.config !== 'object' || Array.isArray(st.config)) throw bad('config', 'an object of train options');
}

/** Reads a state file, loads its weights into `model` (validated first) and returns the progress and saved config. */
export function loadTrainState(path: string, model: Module): { progress: FitProgress; config: Record<string, unknown> } {
  const { tensors, metadata } = loadSafetensors(path);
  const state = parseState(path, metadata);
  const weights = new Map<string, NamedArray>();
  const bestState = new Map<string, Float32Array | Float64Array>();
  for (const [k, t] of Object.entries(tensors)) {
    if (k.startsWith('model.')) weights.set(k.slice(6), t);
    else if (k.startsWith('best.')) bestState.set(k.slice(5), t.data as Float64Array);
  }
  try {
    model.loadStateDict(new Map([...weights].map(([k, t]) => [k, { shape: t.shape, values: () => t.data }])), { strict: true });
  } catch (e) {
    throw new Error(`${path}: the saved weights do not fit the model built from the saved config (${(e as Error).message})`);
  }
  let optimizer;
  try {
    optimizer = optimizerStateFromTensors(tensors, metadata['tsdnas.optimizer'] ?? '', 'optimizer');
  } catch (e) {
    throw new Error(`${path}: the optimiser state is corrupt (${(e as Error).message})`);
  }
  checkProgress(path, state);
  const progress = {
    ...(state as unknown as FitProgress), best: finite(state.best), bestLoss: finite(state.bestLoss), optimizer, bestState,
  };
  return { progress, config: state.config as Record<string, unknown> };
}
