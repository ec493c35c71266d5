/**
 * How an optimiser state dict goes into a safetensors checkpoint: each buffer becomes a tensor,
 * everything else one JSON string for the file's metadata.
 *
 *   tensors   `${prefix}.${paramId}.${buffer}`, e.g. "optimizer.3.expAvg", shaped like the parameter
 *   metadata  the state dict as JSON, each `buffers` object replaced by the list of its names
 *
 * A checkpoint writer stores the tensors beside the model's and the metadata string under a
 * metadata key of its choosing; `optimizerStateFromTensors` reverses the split, and
 * `Optimizer.loadStateDict` then validates the result against the optimiser.
 */

import type { FloatArray } from './params.js';
import type { OptimizerStateDict, SavedParamState } from './stateDict.js';
import { checkObject, fmtValue } from './validate.js';

export interface StateTensor {
  dtype: 'float32' | 'float64';
  shape: number[];
  data: FloatArray;
}

export interface OptimizerStateTensors {
  tensors: Record<string, StateTensor>;
  metadata: string;
}

export function optimizerStateToTensors(sd: OptimizerStateDict, prefix = 'optimizer'): OptimizerStateTensors {
  const tensors: Record<string, StateTensor> = {};
  const state: Record<string, { step: number; shape: number[]; buffers: string[] }> = {};
  for (const [id, s] of Object.entries(sd.state)) {
    for (const [name, data] of Object.entries(s.buffers)) {
      tensors[`${prefix}.${id}.${name}`] = { dtype: data instanceof Float64Array ? 'float64' : 'float32', shape: [...s.shape], data };
    }
    state[id] = { step: s.step, shape: [...s.shape], buffers: Object.keys(s.buffers) };
  }
  return { tensors, metadata: JSON.stringify({ ...sd, state }) };
}

/** `tensors` may hold the whole file; only names under `${prefix}.` are read, and all of them must be used. */
export function optimizerStateFromTensors(
  tensors: Readonly<Record<string, { data: unknown }>>,
  metadata: string,
  prefix = 'optimizer',
): OptimizerStateDict {
  const owner = 'optimizerStateFromTensors';
  let parsed: unknown;
  try {
    parsed = JSON.parse(metadata);
  } catch (e) {
    throw new Error(`${owner}: metadata is not valid JSON (${(e as Error).message})`);
  }
  const sd = checkObject(owner, 'metadata', parsed);
  const used = new Set<string>();
  const state: Record<string, SavedParamState> = {};
  for (const [id, raw] of Object.entries(checkObject(owner, 'metadata.state', sd.state))) {
    const entry = checkObject(owner, `metadata.state['${id}']`, raw);
    const names = entry.buffers;
    if (!Array.isArray(names) || !names.every((n) => typeof n === 'string')) {
      throw new Error(`${owner}: metadata.state['${id}'].buffers must be a list of buffer names, got ${fmtValue(names)}`);
    }
    const buffers: Record<string, FloatArray> = {};
    for (const name of names as string[]) {
      const key = `${prefix}.${id}.${name}`;
      const data = tensors[key]?.data;
      if (!(data instanceof Float32Array || data instanceof Float64Array)) {
        throw new Error(`${owner}: tensor '${key}' is ${data === undefined ? 'missing' : `not float32 or float64 (${fmtValue(data)})`}`);
      }
      buffers[name] = data;
      used.add(key);
    }
    state[id] = { ...(entry as unknown as SavedParamState), buffers };
  }
  for (const key of Object.keys(tensors)) {
    if (key.startsWith(`${prefix}.`) && !used.has(key)) {
      throw new Error(`${owner}: tensor '${key}' is not listed in the metadata's state`);
    }
  }
  return { ...(sd as unknown as OptimizerStateDict), state };
}
