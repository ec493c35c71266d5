/**
 * Model checkpoints: a safetensors file holding every parameter and buffer by its dotted name,
 * plus a `tsdnas` metadata entry (JSON) that says how to rebuild the module (seed model name,
 * input shape, outputs) and what it was trained on. Python tools read the tensors directly.
 */

import { Tensor } from '../tensor/tensor.js';
import type { Module } from '../nn/module.js';
import { buildSeed } from '../models/seeds.js';
import { loadSafetensors, saveSafetensors, type NamedArray } from './safetensors.js';

export const CHECKPOINT_FORMAT = 'tsdnas.model/1';

export interface ModelMeta {
  format: typeof CHECKPOINT_FORMAT;
  /** Seed model name (see SEED_MODELS). */
  model: string;
  inputShape: number[];
  outputs: number;
  dataset?: string;
  task?: 'classification' | 'regression';
  /** Regression target scaling: prediction·std + mean gives target units. */
  scaler?: { mean: number; std: number } | null;
  [key: string]: unknown;
}

export function saveModelCheckpoint(path: string, model: Module, meta: ModelMeta): void {
  const tensors: Record<string, NamedArray> = {};
  for (const [name, t] of model.stateDict()) {
    const data = t.values();
    if (!(data instanceof Float32Array || data instanceof Float64Array)) throw new Error(`saveModelCheckpoint: '${name}' has dtype ${t.dtype}; only float tensors are saved`);
    tensors[name] = { dtype: t.dtype as 'float32' | 'float64', shape: [...t.shape], data: data.slice() };
  }
  saveSafetensors(path, tensors, { tsdnas: JSON.stringify(meta) });
}

export function readModelMeta(path: string, metadata: Record<string, string>): ModelMeta {
  const raw = metadata.tsdnas;
  if (raw === undefined) throw new Error(`${path}: not a tsdnas checkpoint (no 'tsdnas' metadata entry); it may be a plain safetensors file`);
  let meta: unknown;
  try {
    meta = JSON.parse(raw);
  } catch (e) {
    throw new Error(`${path}: the 'tsdnas' metadata is not valid JSON (${(e as Error).message})`);
  }
  const m = meta as Partial<ModelMeta>;
  if (m.format !== CHECKPOINT_FORMAT) throw new Error(`${path}: checkpoint format '${String(m.format)}' is not '${CHECKPOINT_FORMAT}'`);
  if (typeof m.model !== 'string' || !Array.isArray(m.inputShape) || typeof m.outputs !== 'number') {
    throw new Error(`${path}: checkpoint metadata must name model, inputShape and outputs`);
  }
  return m as ModelMeta;
}

/** Rebuild the seed model named in the checkpoint and load its weights (all checks before any copy). */
export function loadModelCheckpoint(path: string): { model: Module; meta: ModelMeta } {
  const { tensors, metadata } = loadSafetensors(path);
  const meta = readModelMeta(path, metadata);
  const model = buildSeed(meta.model, { inputShape: meta.inputShape, outputs: meta.outputs });
  const state = new Map<string, Tensor>();
  for (const [k, v] of Object.entries(tensors)) state.set(k, new Tensor(v.data, v.shape));
  try {
    model.loadStateDict(state);
  } catch (e) {
    throw new Error(`${path}: ${(e as Error).message}`);
  }
  return { model, meta };
}
