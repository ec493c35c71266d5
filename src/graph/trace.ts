/**
 * Tracing: one forward pass with gradients on turns a model into a dataflow graph of "units".
 * The autograd graph is the dataflow graph; each recorded node carries the module scope that
 * was active. Ops inside a layer module (the outermost known layer, or any module without
 * children) form one unit per call; ops run directly by containers (a residual add, a concat in
 * a custom forward) are units of their own. Only activations (tensors depending on the input)
 * are edges: computations on parameters alone (masks, transposed weights) are not dataflow.
 * Which modules are layers comes from the layer-kind registry (kinds.ts). Every method and
 * exporter that needs a model's dataflow (PIT, MPS, quantisation, ONNX) starts here.
 */

import type { Tensor } from '../tensor/tensor.js';
import { ones } from '../tensor/create.js';
import { enableGrad } from '../autograd/graph.js';
import { withoutLayerFusion } from '../nn/fusion.js';
import type { Node } from '../autograd/graph.js';
import type { Module } from '../nn/module.js';
import { isLayerModule } from './kinds.js';

export interface TraceUnit {
  id: number;
  kind: 'input' | 'module' | 'op';
  /** Module path ('' for the root), or the container scope of an op unit. */
  path: string;
  /** The layer module (module units). */
  module: Module | null;
  /** The primitive (op units). */
  op: string | null;
  attrs: unknown;
  /** Activation inputs, in argument order. */
  inputs: Tensor[];
  /** Non-activation arguments of an op unit (constants, parameters). */
  constants: Tensor[];
  /** Activation outputs consumed elsewhere (normally one). */
  outputs: Tensor[];
  /** Unit producing each input. */
  producers: TraceUnit[];
  consumers: TraceUnit[];
  isGraphOutput: boolean;
}

export interface Trace {
  /** Topologically ordered; units[0] is the graph input. */
  units: TraceUnit[];
  input: TraceUnit;
  /** The unit producing the model output. */
  outputUnit: TraceUnit;
  output: Tensor;
  modules: Map<string, Module>;
}

interface Rec {
  t: Tensor;
  op: string;
  inputs: readonly Tensor[];
  scope: string;
  attrs: unknown;
  index: number;
}

/** Run `model` once in eval mode on a batch of ones [batch, ...inputShape] and build its unit graph. */
export function traceModel(model: Module, inputShape: readonly number[], batch = 1): Trace {
  const modules = new Map(model.namedModules());
  const x = ones([batch, ...inputShape]);
  x.requiresGrad = true;
  const flags = [...modules.values()].map((m) => m.training);
  model.eval();
  let out: Tensor;
  try {
    // Fusion off: every layer module must record its own ops (src/nn/fusion.ts).
    out = enableGrad(() => withoutLayerFusion(() => model.forward(x)));
  } finally {
    [...modules.values()].forEach((m, i) => (m.training = flags[i]));
  }
  if (out.node === null) throw new Error('trace: the model output does not depend on its input; nothing to trace');

  // Every recorded op reachable from the output, in post-order (producers first).
  const recs = new Map<Tensor, Rec>();
  const order: Rec[] = [];
  const seen = new Set<Tensor>();
  const stack: [Tensor, boolean][] = [[out, false]];
  while (stack.length > 0) {
    const [t, expanded] = stack.pop() as [Tensor, boolean];
    const node = t.node as Node | null;
    if (node === null) continue;
    if (expanded) {
      const r: Rec = { t, op: node.op, inputs: node.inputs, scope: node.scope, attrs: node.attrs, index: order.length };
      recs.set(t, r);
      order.push(r);
      continue;
    }
    if (seen.has(t)) continue;
    seen.add(t);
    stack.push([t, true]);
    for (let i = node.inputs.length - 1; i >= 0; i--) if (!seen.has(node.inputs[i])) stack.push([node.inputs[i], false]);
  }

  // Activations: the input and whatever an op computes from an activation.
  const active = new Set<Tensor>([x]);
  for (const r of order) if (r.inputs.some((i) => active.has(i))) active.add(r.t);
  const acts = order.filter((r) => active.has(r.t));

  // Owner of each op: the outermost layer module on its scope path, else the op itself.
  const ownerCache = new Map<string, string | null>();
  const ownerOf = (scope: string): string | null => {
    const hit = ownerCache.get(scope);
    if (hit !== undefined) return hit;
    let owner: string | null = null;
    if (scope === '') owner = isLayerModule(model) ? '' : null;
    else {
      const parts = scope.split('.');
      for (let i = 1; i <= parts.length && owner === null; i++) {
        const p = parts.slice(0, i).join('.');
        const m = modules.get(p);
        if (m !== undefined && isLayerModule(m)) owner = p;
      }
    }
    ownerCache.set(scope, owner);
    return owner;
  };

  // Group ops into units: per owner module, one unit per weakly connected call.
  const groupOf = new Map<Rec, number>();
  const parent: number[] = [];
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
  acts.forEach((r, i) => {
    parent.push(i);
    groupOf.set(r, i);
  });
  const ownerKey = acts.map((r) => ownerOf(r.scope));
  acts.forEach((r, i) => {
    if (ownerKey[i] === null) return;
    for (const t of r.inputs) {
      const p = recs.get(t);
      if (p === undefined || !active.has(t)) continue;
      const j = groupOf.get(p) as number;
      if (ownerKey[j] === ownerKey[i]) parent[find(i)] = find(j);
    }
  });
  const members = new Map<number, Rec[]>();
  acts.forEach((r, i) => {
    const g = find(i);
    const list = members.get(g);
    if (list === undefined) members.set(g, [r]);
    else list.push(r);
  });

  const consumersOf = new Map<Tensor, Rec[]>();
  for (const r of acts) for (const t of r.inputs) if (active.has(t)) {
    const l = consumersOf.get(t);
    if (l === undefined) consumersOf.set(t, [r]);
    else l.push(r);
  }

  const input: TraceUnit = {
    id: 0, kind: 'input', path: '<input>', module: null, op: null, attrs: null, inputs: [], constants: [], outputs: [x],
    producers: [], consumers: [], isGraphOutput: false,
  };
  const units: TraceUnit[] = [input];
  const unitOfTensor = new Map<Tensor, TraceUnit>([[x, input]]);
  for (const rs of members.values()) {
    const i0 = acts.indexOf(rs[0]);
    const owner = ownerKey[i0];
    const inside = new Set(rs.map((r) => r.t));
    const inputs: Tensor[] = [];
    const constants: Tensor[] = [];
    for (const r of rs) {
      for (const t of r.inputs) {
        if (active.has(t)) {
          if (!inside.has(t) && (owner === null || !inputs.includes(t))) inputs.push(t);
        } else if (owner === null) constants.push(t);
      }
    }
    const outputs = rs.filter((r) => r.t === out || (consumersOf.get(r.t) ?? []).some((c) => !inside.has(c.t))).map((r) => r.t);
    const u: TraceUnit = {
      id: units.length, kind: owner === null ? 'op' : 'module', path: owner ?? `${rs[0].scope === '' ? '<root>' : rs[0].scope}/${rs[0].op}`,
      module: owner === null ? null : (modules.get(owner) as Module), op: owner === null ? rs[0].op : null,
      attrs: owner === null ? rs[0].attrs : null, inputs, constants, outputs, producers: [], consumers: [], isGraphOutput: outputs.includes(out),
    };
    units.push(u);
    for (const t of outputs) unitOfTensor.set(t, u);
  }
  for (const u of units) {
    for (const t of u.inputs) {
      const p = unitOfTensor.get(t);
      if (p === undefined) throw new Error(`trace: an activation used by '${u.path}' was not produced by any traced unit`);
      u.producers.push(p);
      if (!p.consumers.includes(u)) p.consumers.push(u);
    }
  }
  // Topological order (Kahn), input first.
  const indeg = new Map(units.map((u) => [u, new Set(u.producers).size]));
  const ready = [input];
  const sorted: TraceUnit[] = [];
  while (ready.length > 0) {
    const u = ready.shift() as TraceUnit;
    sorted.push(u);
    for (const c of u.consumers) {
      const d = (indeg.get(c) as number) - 1;
      indeg.set(c, d);
      if (d === 0) ready.push(c);
    }
  }
  if (sorted.length !== units.length) throw new Error('trace: the unit graph is not acyclic (a module used in an unsupported way)');
  sorted.forEach((u, i) => (u.id = i));
  const outputUnit = unitOfTensor.get(out) as TraceUnit;
  return { units: sorted, input, outputUnit, output: out, modules };
}
