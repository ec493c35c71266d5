/**
 * `quantize(model, plan, { inputShape })`: turn a float model (any seed network or a PIT-exported
 * dense model) into a fake-quantised QuantModel. One traced forward pass gives the dataflow graph
 * (graph/trace.ts); BatchNorms are folded into the conv / linear before them; every ReLU
 * becomes a PACT quantiser; a signed quantiser goes on the network input, and the branches of a
 * residual add share one signed quantiser so that the add is an integer add.
 *
 * Precision conventions (the plan is keyed by conv / linear module path):
 * - a layer's `aBits` is the precision of the quantiser on its output (its ReLU, or the add it
 *   feeds); layers meeting in an add must have equal `aBits`, which the add's quantiser and the
 *   activation after the add also use;
 * - the layer producing the network output keeps float-scaled int32 outputs (its `aBits` is
 *   ignored) and may not prune channels.
 */

import type { Module } from '../nn/module.js';
import { BatchNorm } from '../nn/layers/batchnorm.js';
import { Conv1d, Conv2d } from '../nn/layers/conv.js';
import { Linear } from '../nn/layers/linear.js';
import { AvgPool1d, AvgPool2d, ConstantPad1d, Dropout, Flatten, GlobalAvgPool, Identity, MaxPool1d, MaxPool2d, ReLU, ReLU6 } from '../nn/layers/simple.js';
import { traceModel, type TraceUnit } from '../graph/trace.js';
import { ActQuant, DEFAULT_ALPHA } from './actQuant.js';
import { foldBatchNorm } from './bnFold.js';
import { uniformPlan, validatePlan, type PlanLayerInfo, type QuantPlan } from './plan.js';
import { QLayer, type QLayerGeometry } from './qlayer.js';
import { QuantModel, type QNode } from './qmodel.js';

export interface UniformPrecision {
  wBits: number;
  aBits: number;
  /** Network-input precision (default aBits). */
  inputBits?: number;
}

export interface QuantizeOptions {
  /** Input shape without the batch axis, e.g. [1, 96] or [1, 28, 28]. */
  inputShape: readonly number[];
}

type LayerModule = Conv1d | Conv2d | Linear;
const isLayer = (m: Module | null): m is LayerModule => m instanceof Conv1d || m instanceof Conv2d || m instanceof Linear;
const PASS = [Dropout, Identity];

function unitError(u: TraceUnit, why: string): Error {
  const what = u.module !== null ? `module '${u.path}' (${u.module.describe()})` : `op '${u.op}' at '${u.path}'`;
  return new Error(`quantize: ${what} ${why}`);
}

/** The quantisable layers of a model and which one produces the output (for plans and validation). */
export function quantLayerInfo(model: Module, inputShape: readonly number[]): PlanLayerInfo[] {
  const trace = traceModel(model, inputShape);
  const outLayer = outputLayerUnit(trace.outputUnit);
  return trace.units.filter((u) => isLayer(u.module)).map((u) => ({
    path: u.path,
    outChannels: u.module instanceof Linear ? u.module.outFeatures : (u.module as Conv1d | Conv2d).outChannels,
    isOutput: u === outLayer,
  }));
}

/** Walk back from the output through BN / flatten / dropout to the layer whose raw output is the network output. */
function outputLayerUnit(u: TraceUnit): TraceUnit | null {
  let cur: TraceUnit | undefined = u;
  while (cur !== undefined) {
    const m = cur.module;
    if (isLayer(m)) return cur;
    if (!(m instanceof BatchNorm || m instanceof Flatten || PASS.some((C) => m instanceof C))) return null;
    cur = cur.producers[0];
  }
  return null;
}

function geometryOf(m: LayerModule): QLayerGeometry {
  if (m instanceof Linear) return { kind: 'linear' };
  if (m instanceof Conv1d) return { kind: 'conv1d', opts: { stride: m.stride, dilation: m.dilation, padding: m.padding, groups: m.groups } };
  return { kind: 'conv2d', opts: { stride: m.stride, dilation: m.dilation, padding: m.padding, groups: m.groups } };
}

type Domain = { kind: 'acc'; node: number; layer: QLayer; aBits: number } | { kind: 'q'; node: number; quant: ActQuant; wide: boolean };

export function quantize(model: Module, precision: QuantPlan | UniformPrecision, opts: QuantizeOptions): QuantModel {
  const trace = traceModel(model, opts.inputShape);
  const infos = quantLayerInfo(model, opts.inputShape);
  const plan = 'layers' in precision ? precision : uniformPlan(infos, precision.wBits, precision.aBits, precision.inputBits ?? precision.aBits);
  validatePlan(plan, infos);
  const isOut = new Map(infos.map((i) => [i.path, i.isOutput]));

  const nodes: QNode[] = [];
  const push = (n: QNode): number => nodes.push(n) - 1;
  const inputQuant = new ActQuant(plan.inputBits, true, DEFAULT_ALPHA.input, 'network input');
  const dom = new Map<TraceUnit, Domain>([[trace.input, { kind: 'q', node: push({ kind: 'input', quant: inputQuant }), quant: inputQuant, wide: false }]]);
  const accQuant = new Map<number, { node: number; quant: ActQuant }>();
  const folded = new Set<TraceUnit>();

  /** Quantise a layer output with `quant` (one quantiser per layer output). */
  const quantAcc = (d: Extract<Domain, { kind: 'acc' }>, quant: ActQuant, where: string): Domain => {
    const hit = accQuant.get(d.node);
    if (hit !== undefined && hit.quant !== quant) throw new Error(`quantize: the output of '${d.layer.sourcePath}' feeds two different activation quantisers (at '${where}'); give it one consumer or an explicit ReLU`);
    const node = hit?.node ?? push({ kind: 'quant', src: d.node, quant, fromAcc: true });
    accQuant.set(d.node, { node, quant });
    return { kind: 'q', node, quant, wide: false };
  };
  /** Make an activation quantised and narrow (a signed quantiser when it is not). */
  const ensureQuant = (d: Domain, where: string): Extract<Domain, { kind: 'q' }> => {
    if (d.kind === 'acc') return quantAcc(d, new ActQuant(d.aBits, true, DEFAULT_ALPHA.activation, `signed output of '${d.layer.sourcePath}'`), where) as Extract<Domain, { kind: 'q' }>;
    if (!d.wide) return d;
    const quant = new ActQuant(d.quant.bits, true, DEFAULT_ALPHA.activation, `signed requantisation before '${where}'`);
    return { kind: 'q', node: push({ kind: 'quant', src: d.node, quant, fromAcc: false }), quant, wide: false };
  };

  for (const u of trace.units) {
    if (u.kind === 'input') continue;
    const m = u.module;
    const ins = u.producers.map((p) => {
      const d = dom.get(p);
      if (d === undefined) throw unitError(u, `reads an activation of '${p.path}' that could not be quantised`);
      return d;
    });
    if (u.producers.length !== 1 && !(u.kind === 'op' && u.op === 'add')) throw unitError(u, `has ${u.producers.length} activation inputs; quantisation supports single-input layers and two-input residual adds`);
    const d0 = ins[0];
    let out: Domain;
    if (isLayer(m)) {
      const consumers = u.consumers;
      const bnUnit = consumers.length === 1 && consumers[0].module instanceof BatchNorm ? consumers[0] : null;
      if (bnUnit !== null) folded.add(bnUnit);
      const f = foldBatchNorm(m.weight, m.bias, bnUnit === null ? null : (bnUnit.module as BatchNorm));
      const lp = plan.layers[u.path];
      const layer = new QLayer(u.path, geometryOf(m), f.weight, m.weight.shape, f.bias, lp.wBits, isOut.get(u.path) === true);
      const inq = ensureQuant(d0, u.path);
      out = { kind: 'acc', node: push({ kind: 'layer', src: inq.node, layer, inQuant: inq.quant }), layer, aBits: lp.aBits };
    } else if (m instanceof BatchNorm) {
      if (!folded.has(u)) throw unitError(u, 'does not directly follow a conv / linear layer (with no other consumer), so it cannot be folded; quantisation needs every BatchNorm folded');
      out = d0;
    } else if (m instanceof ReLU || m instanceof ReLU6) {
      if (d0.kind === 'acc') out = quantAcc(d0, new ActQuant(d0.aBits, false, DEFAULT_ALPHA.activation, `PACT after '${d0.layer.sourcePath}'`), u.path);
      else if (!d0.quant.signed) out = d0; // already non-negative on a PACT grid
      else {
        const quant = new ActQuant(d0.quant.bits, false, DEFAULT_ALPHA.activation, `PACT at '${u.path}'`);
        out = { kind: 'q', node: push({ kind: 'quant', src: d0.node, quant, fromAcc: false }), quant, wide: false };
      }
    } else if (m instanceof MaxPool1d || m instanceof MaxPool2d) {
      const q = d0.kind === 'acc' ? ensureQuant(d0, u.path) : d0;
      out = { ...q, node: push({ kind: 'maxpool', src: q.node, module: m }) };
    } else if (m instanceof AvgPool1d || m instanceof AvgPool2d || m instanceof GlobalAvgPool) {
      if ('opts' in m && (m.opts.padding ?? 0) !== 0) throw unitError(u, 'pads its windows; integer average pooling supports unpadded windows only');
      const q = ensureQuant(d0, u.path);
      out = { ...q, node: push({ kind: 'avgpool', src: q.node, module: m, quant: q.quant }) };
    } else if (m instanceof Flatten) {
      const q = d0.kind === 'acc' ? ensureQuant(d0, u.path) : d0;
      out = { ...q, node: push({ kind: 'flatten', src: q.node, module: m }) };
    } else if (m instanceof ConstantPad1d) {
      if (m.value !== 0) throw unitError(u, `pads with ${m.value}; only zero padding maps to integer code 0`);
      const q = ensureQuant(d0, u.path);
      out = { ...q, node: push({ kind: 'pad', src: q.node, module: m }) };
    } else if (m !== null && PASS.some((C) => m instanceof C)) {
      out = d0;
    } else if (u.kind === 'op' && u.op === 'add' && ins.length === 2 && u.constants.length === 0) {
      const accBits = ins.flatMap((d) => (d.kind === 'acc' ? [{ bits: d.aBits, path: d.layer.sourcePath }] : []));
      if (new Set(accBits.map((a) => a.bits)).size > 1) {
        throw unitError(u, `adds branches with different activation precisions (${accBits.map((a) => `'${a.path}' ${a.bits}b`).join(', ')}); layers meeting in an add share one quantiser, give them equal aBits`);
      }
      const bits = accBits[0]?.bits ?? (ins[0] as Extract<Domain, { kind: 'q' }>).quant.bits;
      const quant = new ActQuant(bits, true, DEFAULT_ALPHA.activation, `shared by the branches of '${u.path}'`);
      const srcs = ins.map((d) => {
        if (d.kind === 'acc') return quantAcc(d, quant, u.path).node;
        if (d.quant === quant && !d.wide) return d.node;
        return push({ kind: 'quant', src: d.node, quant, fromAcc: false });
      }) as [number, number];
      out = { kind: 'q', node: push({ kind: 'add', srcs, quant }), quant, wide: true };
    } else {
      throw unitError(u, 'has no quantised counterpart; supported: Conv1d, Conv2d (incl. depthwise/grouped), Linear, BatchNorm after them, ReLU/ReLU6, max/avg/global-avg pooling, Flatten, Dropout, Identity, zero ConstantPad1d and residual adds (export PIT models to dense layers first)');
    }
    dom.set(u, out);
  }
  const outDom = dom.get(trace.outputUnit) as Domain;
  return new QuantModel(nodes, outDom.node, plan, opts.inputShape);
}
