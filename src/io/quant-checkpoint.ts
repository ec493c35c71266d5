/**
 * Quantised checkpoint files (Node): the format is quant-checkpoint-codec.ts (float architecture and
 * quantisation plan in the metadata); saving writes atomically, loading names the path in errors.
 */

import type { Module } from '../nn/module.js';
import { saveModelCheckpoint, type ModelMeta } from './checkpoint.js';
import { loadSafetensors } from './safetensors.js';
import { quantMeta, restoreQuantModel, type QuantMeta } from './quant-checkpoint-codec.js';
import type { QuantModel } from '../quant/qmodel.js';

export { decodeQuantCheckpoint, encodeQuantCheckpoint, quantMeta, restoreQuantModel, type QuantMeta } from './quant-checkpoint-codec.js';

/** Save `qmodel` built from the float model `source` (its architecture goes into the metadata). */
export function saveQuantCheckpoint(path: string, qmodel: QuantModel, source: Module, meta: Pick<ModelMeta, 'model' | 'inputShape' | 'outputs'> & Record<string, unknown>): void {
  saveModelCheckpoint(path, qmodel, quantMeta(qmodel, source, meta));
}

export function loadQuantCheckpoint(path: string): { model: QuantModel; meta: QuantMeta } {
  const { tensors, metadata } = loadSafetensors(path);
  return restoreQuantModel(path, tensors, metadata);
}
