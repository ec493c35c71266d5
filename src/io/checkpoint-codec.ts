/**
 * Model checkpoints as bytes (no file access; usable in a browser): safetensors holding every
 * parameter and buffer by its dotted name, plus a `tsdnas` metadata entry (JSON) that says how
 * to rebuild the module (seed model name, input shape, outputs) and what it was trained on.
 * Python tools read the tensors directly. Files: checkpoint.ts.
 */

import type { Module } from '../nn/module.js';
import { buildSeed } from '../models/seeds.js';
import { buildFromArchitecture, describeArchitecture, type ArchNode } from '../nn/serialize.js';
import { checkPreprocessing, type Preprocessing } from '../data/user/preprocess.js';
import { decodeSafetensors, encodeWithSource, type NamedArray } from './safetensors-codec.js';
import { checkFiniteForLoad, checkFiniteForSave, checkStoredArchitecture } from './checkpoint-guard.js';
import { buildAndLoad } from './build-and-load.js';

export const CHECKPOINT_FORMAT = 'tsdnas.model/1';

export interface ModelMeta {
  format: typeof CHECKPOINT_FORMAT;
  /** Seed model name (see SEED_MODELS). */
  model: string;
  /** Layer-by-layer description; present for models that no longer match a named seed (e.g. searched ones). */
  architecture?: ArchNode;
  inputShape: number[];
  outputs: number;
  dataset?: string;
  task?: 'classification' | 'regression';
  /** Regression target scaling: prediction·std + mean gives target units. */
  scaler?: { mean: number; std: number } | null;
  /** How a user's raw series become model inputs (classes, length, normalisation); see data/user/preprocess.ts. */
  preprocessing?: Preprocessing;
  [key: string]: unknown;
}

/**
 * The metadata as written: with the layer-by-layer architecture whenever the model is built
 * from plain layers, so that any checkpoint (a seed's, a searched model's, one saved by a
 * user's own code) loads without knowing how it was built.
 */
export function completeMeta(model: Module, meta: ModelMeta): ModelMeta {
  if (meta.architecture !== undefined) return meta;
  let architecture: ArchNode;
  try {
    architecture = describeArchitecture(model);
  } catch {
    // Layers without a description (a user's own Module subclass): the seed name must rebuild it.
    return meta;
  }
  const outputs = finalWidth(architecture);
  if (outputs !== null && outputs !== meta.outputs) {
    throw new Error(`checkpoint metadata says outputs ${meta.outputs}, but the model's last layer gives ${outputs} values; pass outputs: ${outputs}`);
  }
  return { ...meta, architecture };
}

/** Values per sample of the last layer that sets the width (null where a residual or an unknown layer decides it). */
function finalWidth(a: ArchNode): number | null {
  switch (a.type) {
    case 'Linear': return a.out;
    case 'Conv1d': case 'Conv2d': return null;
    case 'Sequential':
      for (let i = a.layers.length - 1; i >= 0; i--) {
        const l = a.layers[i];
        if (l.type === 'Linear' || l.type === 'Sequential') return finalWidth(l);
        if (l.type === 'Conv1d' || l.type === 'Conv2d' || l.type === 'Residual') return null;
      }
      return null;
    default: return null;
  }
}

/** Every parameter and buffer of `model` as named float arrays; `who` names the caller in errors. */
export function modelTensors(model: Module, who: string): Record<string, NamedArray> {
  const tensors: Record<string, NamedArray> = {};
  for (const [name, t] of model.stateDict()) {
    const data = t.values();
    if (!(data instanceof Float32Array || data instanceof Float64Array)) throw new Error(`${who}: '${name}' has dtype ${t.dtype}; only float tensors are saved`);
    tensors[name] = { dtype: t.dtype as 'float32' | 'float64', shape: [...t.shape], data: data.slice() };
  }
  // Every checkpoint and state file goes through here: a diverged model is never written.
  checkFiniteForSave(tensors, who);
  return tensors;
}

/** The checkpoint of `model` as safetensors bytes. */
export function encodeModelCheckpoint(model: Module, meta: ModelMeta): Uint8Array {
  return encodeWithSource('encodeModelCheckpoint', modelTensors(model, 'encodeModelCheckpoint'), { tsdnas: JSON.stringify(completeMeta(model, meta)) });
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
  const posInt = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 1;
  if (typeof m.model !== 'string' || !Array.isArray(m.inputShape) || !m.inputShape.every(posInt) || !posInt(m.outputs)) {
    throw new Error(`${path}: checkpoint metadata must name model (a string), inputShape (positive integers) and outputs (a positive integer); got ${JSON.stringify({ model: m.model, inputShape: m.inputShape, outputs: m.outputs })}`);
  }
  if (m.preprocessing !== undefined) checkPreprocessing(m.preprocessing, path);
  return m as ModelMeta;
}

export interface RestoreOptions {
  /** Load tensors holding NaN / Inf (for inspecting a diverged model); refused by default. */
  allowNonFinite?: boolean;
}

/**
 * Rebuild the model a checkpoint's metadata describes and load its tensors (all checks before
 * any copy, the architecture's size before any allocation); `path` names the source in errors.
 */
export function restoreModel(path: string, tensors: Record<string, NamedArray>, metadata: Record<string, string>, opts: RestoreOptions = {}): { model: Module; meta: ModelMeta } {
  const meta = readModelMeta(path, metadata);
  if (opts.allowNonFinite !== true) checkFiniteForLoad(tensors, path);
  if (meta.architecture !== undefined) checkStoredArchitecture(meta.architecture, tensors, path);
  const arch = meta.architecture;
  const model = buildAndLoad(path, tensors, () => (arch !== undefined ? buildFromArchitecture(arch) : buildSeed(meta.model, { inputShape: meta.inputShape, outputs: meta.outputs })));
  return { model, meta };
}


/** A model from checkpoint bytes (see encodeModelCheckpoint); `source` names them in errors. */
export function decodeModelCheckpoint(bytes: Uint8Array, source = 'checkpoint bytes'): { model: Module; meta: ModelMeta } {
  const { tensors, metadata } = decodeSafetensors(bytes, source);
  return restoreModel(source, tensors, metadata);
}
