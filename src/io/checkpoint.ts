/**
 * Model checkpoint files (Node): the format is checkpoint-codec.ts; saving writes atomically and
 * loading names the path in every error.
 */

import type { Module } from '../nn/module.js';
import { loadSafetensors, saveSafetensors } from './safetensors.js';
import { completeMeta, modelTensors, restoreModel, type ModelMeta, type RestoreOptions } from './checkpoint-codec.js';

export {
  CHECKPOINT_FORMAT, completeMeta, decodeModelCheckpoint, encodeModelCheckpoint, modelTensors, readModelMeta, restoreModel, type ModelMeta, type RestoreOptions,
} from './checkpoint-codec.js';

export function saveModelCheckpoint(path: string, model: Module, meta: ModelMeta): void {
  saveSafetensors(path, modelTensors(model, 'saveModelCheckpoint'), { tsdnas: JSON.stringify(completeMeta(model, meta)) });
}

/** Rebuild the seed model named in the checkpoint file and load its weights (all checks before any copy). */
export function loadModelCheckpoint(path: string, opts: RestoreOptions = {}): { model: Module; meta: ModelMeta } {
  const { tensors, metadata } = loadSafetensors(path);
  return restoreModel(path, tensors, metadata, opts);
}
