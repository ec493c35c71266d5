/**
 * Quantised checkpoints as bytes (no file access; usable in a browser): the fake-quant model's
 * tensors in safetensors, with the float architecture and the quantisation plan in the `tsdnas`
 * metadata so that decoding rebuilds the float model, re-runs `quantize` with the same plan and
 * copies the values in. Files: quant-checkpoint.ts.
 */

import type { Module } from '../nn/module.js';
import { describeArchitecture, buildFromArchitecture } from '../nn/serialize.js';
import { CHECKPOINT_FORMAT, encodeModelCheckpoint, readModelMeta, type ModelMeta } from './checkpoint-codec.js';
import { buildAndLoad } from './build-and-load.js';
import { decodeSafetensors, type NamedArray } from './safetensors-codec.js';
import { checkFiniteForLoad, checkStoredArchitecture } from './checkpoint-guard.js';
import { quantize } from '../quant/convert.js';
import type { QuantModel } from '../quant/qmodel.js';
import type { QuantPlan } from '../quant/plan.js';

export interface QuantMeta extends ModelMeta {
  quantPlan: QuantPlan;
}

/** The metadata of `qmodel` built from the float model `source`: its architecture and plan added. */
export function quantMeta(qmodel: QuantModel, source: Module, meta: Pick<ModelMeta, 'model' | 'inputShape' | 'outputs'> & Record<string, unknown>): QuantMeta {
  return { ...meta, format: CHECKPOINT_FORMAT, architecture: describeArchitecture(source), quantPlan: qmodel.plan };
}

export function encodeQuantCheckpoint(qmodel: QuantModel, source: Module, meta: Pick<ModelMeta, 'model' | 'inputShape' | 'outputs'> & Record<string, unknown>): Uint8Array {
  return encodeModelCheckpoint(qmodel, quantMeta(qmodel, source, meta));
}

/** Rebuild a quantised model from a checkpoint's tensors and metadata; `path` names the source in errors. */
export function restoreQuantModel(path: string, tensors: Record<string, NamedArray>, metadata: Record<string, string>): { model: QuantModel; meta: QuantMeta } {
  const meta = readModelMeta(path, metadata) as QuantMeta;
  if (meta.quantPlan === undefined || meta.architecture === undefined) throw new Error(`${path}: not a quantised checkpoint (no quantPlan / architecture in its metadata); load it with loadModelCheckpoint`);
  checkFiniteForLoad(tensors, path);
  checkStoredArchitecture(meta.architecture, tensors, path, { quantised: true });
  const arch = meta.architecture;
  const model = buildAndLoad(path, tensors, () => quantize(buildFromArchitecture(arch), meta.quantPlan, { inputShape: meta.inputShape }));
  return { model, meta };
}

export function decodeQuantCheckpoint(bytes: Uint8Array, source = 'checkpoint bytes'): { model: QuantModel; meta: QuantMeta } {
  const { tensors, metadata } = decodeSafetensors(bytes, source);
  return restoreQuantModel(source, tensors, metadata);
}
