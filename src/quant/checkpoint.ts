/**
 * Quantised checkpoints: the fake-quant model's parameters (folded weights, biases, clips) in a
 * safetensors file whose `tsdnas` metadata also holds the float architecture and the
 * quantisation plan, so that loading rebuilds the float model, re-runs `quantize` with the same
 * plan and copies the values in.
 */

import { Tensor } from '../tensor/tensor.js';
import { getRng } from '../tensor/rng.js';
import type { Module } from '../nn/module.js';
import { describeArchitecture, buildFromArchitecture } from '../nn/serialize.js';
import { CHECKPOINT_FORMAT, readModelMeta, saveModelCheckpoint, type ModelMeta } from '../io/checkpoint.js';
import { loadSafetensors } from '../io/safetensors.js';
import { quantize } from './convert.js';
import type { QuantModel } from './qmodel.js';
import type { QuantPlan } from './plan.js';

export interface QuantMeta extends ModelMeta {
  quantPlan: QuantPlan;
}

/** Save `qmodel` built from the float model `source` (its architecture goes into the metadata). */
export function saveQuantCheckpoint(path: string, qmodel: QuantModel, source: Module, meta: Pick<ModelMeta, 'model' | 'inputShape' | 'outputs'> & Record<string, unknown>): void {
  const full: QuantMeta = { ...meta, format: CHECKPOINT_FORMAT, architecture: describeArchitecture(source), quantPlan: qmodel.plan };
  saveModelCheckpoint(path, qmodel, full);
}

export function loadQuantCheckpoint(path: string): { model: QuantModel; meta: QuantMeta } {
  const { tensors, metadata } = loadSafetensors(path);
  const meta = readModelMeta(path, metadata) as QuantMeta;
  if (meta.quantPlan === undefined || meta.architecture === undefined) throw new Error(`${path}: not a quantised checkpoint (no quantPlan / architecture in its metadata); load it with loadModelCheckpoint`);
  const rng = getRng();
  const s0 = rng.getState();
  let model: QuantModel;
  try {
    model = quantize(buildFromArchitecture(meta.architecture), meta.quantPlan, { inputShape: meta.inputShape });
  } catch (e) {
    throw new Error(`${path}: ${(e as Error).message}`);
  } finally {
    rng.setState(s0);
  }
  model.loadStateDict(new Map(Object.entries(tensors).map(([k, v]) => [k, new Tensor(v.data, v.shape)])));
  return { model, meta };
}
