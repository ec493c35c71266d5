/**
 * The optimiser state dict: how a saved optimiser is laid out, and how one being loaded is
 * checked against the optimiser it is loaded into before anything is changed.
 *
 * Layout (format 'tsdnas.optimizer/1'):
 *
 *   {
 *     format: 'tsdnas.optimizer/1',
 *     optimizer: 'Adam',                 // class that wrote it; loading into another class is refused
 *     groups: [                          // one per param group, in order
 *       { params: [0, 1], name: 'backbone', lr: 0.001, weightDecay: 0,
 *         betas: [0.9, 0.999], eps: 1e-8, amsgrad: false, maximize: false },
 *     ],
 *     state: {                           // only parameters that have been updated at least once
 *       '0': { step: 3, shape: [16, 3, 3], buffers: { expAvg: Float32Array, expAvgSq: Float32Array } },
 *     },
 *   }
 *
 * Parameters are numbered 0, 1, … through the groups in order (as in PyTorch), so a state dict
 * refers to positions, not tensor identities, and loads into any optimiser built over the same
 * parameters in the same order. Buffers are flat row-major copies at the parameter's dtype;
 * `shape` is the parameter's, kept so that loading into a different model is detected. All but
 * the buffers is plain JSON; stateTensors.ts splits the two for a safetensors checkpoint.
 */

import { fmtShape, sameShape } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { groupWhere, resolveHyper } from './hyper.js';
import { describeParam, type FloatArray } from './params.js';
import type { BaseHyper, OptimizerParamGroup, OptimizerSpec, ParamState } from './types.js';
import { checkKnownKeys, checkNumber, checkObject, fmtValue } from './validate.js';

export const OPTIMIZER_STATE_FORMAT = 'tsdnas.optimizer/1';

export type HyperValue = number | boolean | number[];

export interface SavedParamGroup {
  params: number[];
  name?: string;
  [option: string]: HyperValue | string | undefined;
}

export interface SavedParamState {
  step: number;
  shape: number[];
  buffers: Record<string, FloatArray>;
}

export interface OptimizerStateDict {
  format: typeof OPTIMIZER_STATE_FORMAT;
  optimizer: string;
  groups: SavedParamGroup[];
  /** Keyed by parameter id (decimal). */
  state: Record<string, SavedParamState>;
}

/** A snapshot: later steps do not change it, and changing it does not affect the optimiser. */
export function exportState<H extends BaseHyper>(
  spec: OptimizerSpec<H>,
  groups: readonly OptimizerParamGroup<H>[],
  states: ReadonlyMap<Tensor, ParamState>,
): OptimizerStateDict {
  let id = 0;
  const state: Record<string, SavedParamState> = {};
  const saved = groups.map((g) => {
    const ids = g.params.map((p) => {
      const s = states.get(p);
      if (s !== undefined) {
        const buffers: Record<string, FloatArray> = {};
        for (const [name, b] of Object.entries(s.buffers)) buffers[name] = b.slice();
        state[String(id)] = { step: s.step, shape: [...p.shape], buffers };
      }
      return id++;
    });
    const entry: SavedParamGroup = { params: ids };
    if (g.name !== undefined) entry.name = g.name;
    const hyper = g as unknown as Record<string, HyperValue>;
    for (const key of Object.keys(spec.schema)) {
      const v = hyper[key];
      entry[key] = Array.isArray(v) ? [...v] : v;
    }
    return entry;
  });
  return { format: OPTIMIZER_STATE_FORMAT, optimizer: spec.name, groups: saved, state };
}

export interface ImportedState<H> {
  hypers: H[];
  states: Map<Tensor, ParamState>;
}

/** Validates `sd` completely and returns fresh copies of what to install; throws before any change. */
export function importState<H extends BaseHyper>(
  spec: OptimizerSpec<H>,
  sd: unknown,
  groups: readonly OptimizerParamGroup<H>[],
): ImportedState<H> {
  const owner = `${spec.name}.loadStateDict`;
  const o = checkObject(owner, 'the state dict', sd);
  checkKnownKeys(owner, 'the state dict', o, ['format', 'optimizer', 'groups', 'state']);
  if (o.format !== OPTIMIZER_STATE_FORMAT) {
    throw new Error(`${owner}: format must be '${OPTIMIZER_STATE_FORMAT}', got ${fmtValue(o.format)}`);
  }
  if (o.optimizer !== spec.name) {
    throw new Error(`${owner}: the state dict was saved by optimizer ${fmtValue(o.optimizer)}, it cannot be loaded into ${spec.name}`);
  }
  if (!Array.isArray(o.groups)) throw new Error(`${owner}: groups must be an array, got ${fmtValue(o.groups)}`);
  if (o.groups.length !== groups.length) {
    throw new Error(`${owner}: the state dict has ${o.groups.length} param groups but this optimizer has ${groups.length}`);
  }

  const byId = new Map<number, { p: Tensor; index: number }>();
  let index = 0;
  const hypers = o.groups.map((raw: unknown, gi) => {
    const current = groups[gi];
    const where = groupWhere(gi, current.name, false);
    const g = checkObject(owner, `param group ${gi}`, raw);
    checkKnownKeys(owner, `param group ${gi}`, g, ['params', 'name', ...Object.keys(spec.schema)]);
    if (!Array.isArray(g.params)) throw new Error(`${owner}: ${where}params must be an array of parameter ids, got ${fmtValue(g.params)}`);
    if (g.params.length !== current.params.length) {
      throw new Error(`${owner}: ${where}the state dict has ${g.params.length} parameters but this optimizer has ${current.params.length}`);
    }
    g.params.forEach((raw: unknown, k) => {
      const id = checkNumber(owner, `${where}params[${k}]`, raw, { min: 0, integer: true });
      if (byId.has(id)) throw new Error(`${owner}: parameter id ${id} appears more than once in the state dict's groups`);
      byId.set(id, { p: current.params[k], index: index++ });
    });
    return resolveHyper(spec, owner, where, g);
  });

  const states = new Map<Tensor, ParamState>();
  for (const [key, raw] of Object.entries(checkObject(owner, 'state', o.state))) {
    const target = String(Number(key)) === key ? byId.get(Number(key)) : undefined;
    if (target === undefined) throw new Error(`${owner}: state entry '${key}' is not the id of any parameter in the state dict's groups`);
    states.set(target.p, importParamState(spec, owner, raw, target.p, target.index));
  }
  return { hypers, states };
}

function importParamState<H extends BaseHyper>(
  spec: OptimizerSpec<H>,
  owner: string,
  raw: unknown,
  p: Tensor,
  index: number,
): ParamState {
  const what = `state of ${describeParam(p, index)}`;
  const e = checkObject(owner, what, raw);
  checkKnownKeys(owner, what, e, ['step', 'shape', 'buffers']);
  const step = checkNumber(owner, `${what}: step`, e.step, { min: 0, integer: true });
  if (!Array.isArray(e.shape) || !sameShape(e.shape, p.shape)) {
    throw new Error(`${owner}: ${what} has shape ${fmtValue(e.shape)} but the parameter has shape ${fmtShape(p.shape)}`);
  }
  const buffers: Record<string, FloatArray> = {};
  for (const [name, b] of Object.entries(checkObject(owner, `${what}: buffers`, e.buffers))) {
    if (!spec.buffers.includes(name)) {
      throw new Error(`${owner}: ${what} has unknown buffer '${name}' (${spec.name} keeps: ${spec.buffers.join(', ')})`);
    }
    if (!(b instanceof Float32Array || b instanceof Float64Array)) {
      throw new Error(`${owner}: ${what}: buffer '${name}' must be a Float32Array or Float64Array, got ${fmtValue(b)}`);
    }
    if (b.length !== p.size) {
      throw new Error(`${owner}: ${what}: buffer '${name}' has ${b.length} values but the parameter has ${p.size}`);
    }
    // A copy at the parameter's precision, so the caller's arrays stay theirs.
    buffers[name] = p.dtype === 'float64' ? new Float64Array(b) : new Float32Array(b);
  }
  return { step, buffers };
}
