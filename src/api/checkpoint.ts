/**
 * Model checkpoints with their architecture, as bytes (browser-safe; files: files.ts). Every
 * checkpoint the library writes carries `architecture`, so any model built from the library's
 * layers (a seed, a PIT export, a hand-made Sequential) loads in every CLI command (`quantize
 * --checkpoint`, `mps --checkpoint`, `export --from`, `eval`) and back here.
 */

import { zeros } from '../tensor/create.js';
import { noGrad } from '../autograd/graph.js';
import type { Module } from '../nn/module.js';
import { describeArchitecture } from '../nn/serialize.js';
import { CHECKPOINT_FORMAT, encodeModelCheckpoint, readModelMeta, restoreModel, type ModelMeta } from '../io/checkpoint-codec.js';
import { decodeSafetensors } from '../io/safetensors-codec.js';
import { decodeQuantCheckpoint, encodeQuantCheckpoint, type QuantMeta } from '../io/quant-checkpoint-codec.js';
import type { QuantModel } from '../quant/qmodel.js';

/**
 * What is saved beside the weights. `inputShape` is required (without the batch axis); `name`
 * (or `model`) is free text ('custom' when absent); `outputs` is measured when absent. Any other
 * field (dataset, task, scaler, preprocessing, …) is stored as given.
 */
export type ModelInfo = Partial<Omit<ModelMeta, 'format' | 'architecture' | 'inputShape'>> & { inputShape: readonly number[]; name?: string };

/** Output width of `model` for one zero input (eval mode, no graph; the mode is restored). */
function measureOutputs(model: Module, inputShape: readonly number[], who: string): number {
  const was = model.training;
  model.eval();
  try {
    const y = noGrad(() => model.call(zeros([1, ...inputShape])));
    if (y.ndim !== 2) throw new Error(`the output has shape [${y.shape.join(', ')}], not [N, outputs]`);
    return y.shape[1];
  } catch (e) {
    throw new Error(`${who}: could not run the model on an input of shape [${inputShape.join(', ')}] to count its outputs (${(e as Error).message}); check info.inputShape, or give info.outputs`);
  } finally {
    model.train(was);
  }
}

/** The full checkpoint metadata for `model` (architecture described, outputs measured if absent). */
export function modelMeta(model: Module, info: ModelInfo, who = 'modelMeta'): ModelMeta {
  if (info === null || typeof info !== 'object') throw new Error(`${who}: info must be an object with at least inputShape, got ${String(info)}`);
  const shape = info.inputShape;
  if (!Array.isArray(shape) || shape.length === 0 || !shape.every((v) => Number.isInteger(v) && v >= 1)) {
    throw new Error(`${who}: info.inputShape must list the input's dimensions without the batch axis (e.g. [28, 28]), got ${JSON.stringify(shape)}`);
  }
  const { name, model: modelName, outputs, ...rest } = info;
  if (name !== undefined && modelName !== undefined && name !== modelName) throw new Error(`${who}: info.name '${String(name)}' and info.model '${String(modelName)}' differ; give one`);
  const label = modelName ?? name ?? 'custom';
  if (typeof label !== 'string') throw new Error(`${who}: info.name must be a string, got ${JSON.stringify(label)}`);
  if (outputs !== undefined && !(Number.isInteger(outputs) && (outputs as number) >= 1)) throw new Error(`${who}: info.outputs must be a positive integer, got ${JSON.stringify(outputs)}`);
  return {
    ...rest,
    format: CHECKPOINT_FORMAT,
    model: label,
    architecture: describeArchitecture(model),
    inputShape: [...shape],
    outputs: (outputs as number | undefined) ?? measureOutputs(model, shape, who),
  };
}

/** A float model as checkpoint bytes (safetensors + tsdnas metadata). */
export function encodeModel(model: Module, info: ModelInfo): Uint8Array {
  return encodeModelCheckpoint(model, modelMeta(model, info, 'encodeModel'));
}

/** A float model from checkpoint bytes (any tsdnas float checkpoint: library or CLI). */
export function decodeModel(bytes: Uint8Array, source = 'checkpoint bytes'): { model: Module; meta: ModelMeta } {
  const { tensors, metadata } = decodeSafetensors(bytes, source);
  if ((readModelMeta(source, metadata) as { quantPlan?: unknown }).quantPlan !== undefined) {
    throw new Error(`${source}: this is a quantised checkpoint (it has a quantPlan); decode it with decodeQuantModel`);
  }
  return restoreModel(source, tensors, metadata);
}

/** A fake-quant model (quantize / mpsSearch output) with the float model it was built from. */
export function encodeQuantModel(qmodel: QuantModel, source: Module, info: ModelInfo): Uint8Array {
  const { architecture: _a, ...meta } = modelMeta(source, info, 'encodeQuantModel');
  return encodeQuantCheckpoint(qmodel, source, meta);
}

export function decodeQuantModel(bytes: Uint8Array, source = 'checkpoint bytes'): { model: QuantModel; meta: QuantMeta } {
  return decodeQuantCheckpoint(bytes, source);
}
