/**
 * Model checkpoint files (Node entry only): the bytes of checkpoint.ts written atomically, and
 * read back with the path in every error. A float file and a quantised file are told apart by
 * their metadata, so the wrong loader says which one to use instead of failing on tensor names.
 */

import type { Module } from '../nn/module.js';
import { saveModelCheckpoint, restoreModel, readModelMeta, type ModelMeta } from '../io/checkpoint.js';
import { loadSafetensors } from '../io/safetensors.js';
import { quantMeta, restoreQuantModel, type QuantMeta } from '../io/quant-checkpoint-codec.js';
import type { QuantModel } from '../quant/qmodel.js';
import { modelMeta, type ModelInfo } from './checkpoint.js';

/** Write `model` to `path` (safetensors; directories created; atomic). Returns the metadata written. */
export function saveModel(path: string, model: Module, info: ModelInfo): ModelMeta {
  const meta = modelMeta(model, info, 'saveModel');
  saveModelCheckpoint(path, model, meta);
  return meta;
}

/** A float model from any tsdnas float checkpoint (library, train, search / sweep points, export). */
export function loadModel(path: string): { model: Module; meta: ModelMeta } {
  const { tensors, metadata } = loadSafetensors(path);
  if ((readModelMeta(path, metadata) as { quantPlan?: unknown }).quantPlan !== undefined) {
    throw new Error(`${path}: this is a quantised checkpoint (it has a quantPlan); load it with loadQuantModel`);
  }
  return restoreModel(path, tensors, metadata);
}

/** Write a fake-quant model with the float model it was built from (their architecture and plan go in the metadata). */
export function saveQuantModel(path: string, qmodel: QuantModel, source: Module, info: ModelInfo): QuantMeta {
  const { architecture: _a, ...base } = modelMeta(source, info, 'saveQuantModel');
  const meta = quantMeta(qmodel, source, base);
  saveModelCheckpoint(path, qmodel, meta);
  return meta;
}

/** A fake-quant model from a quantised checkpoint (library, quantize, mps points). */
export function loadQuantModel(path: string): { model: QuantModel; meta: QuantMeta } {
  const { tensors, metadata } = loadSafetensors(path);
  return restoreQuantModel(path, tensors, metadata);
}
