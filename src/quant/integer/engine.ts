/**
 * The integer engine: `integerize(quantModel)` turns a fake-quant model into integer-only
 * inference. Layers hold their weights packed (int8 / int4 / int2, LSB-first), one group per
 * precision with the indices of its output channels, so a per-channel-precision layer runs as
 * one sub-convolution per precision writing back to its own channels (the channel order is
 * never permuted). Accumulation is int32 (checked against a worst-case bound when built); each
 * layer's accumulator is requantised by an integer multiplier and shift straight into the codes
 * of the activation quantiser that follows it. A layer stores no weights for input channels
 * known to be exactly zero (pruned by every layer writing them, zeroInputs.ts): it keeps the list
 * of its live input channels (features after a flatten) and reads only those. Activations are unsigned (PACT) or signed codes
 * at their quantiser's precision; the network-output layer returns int32 accumulators with their
 * per-channel scale s_x·s_w[c].
 *
 * Relation to the fake-quant model in eval mode: every node reproduces its fake-quant
 * counterpart given the same input codes, exactly for pooling / padding / flatten / add and the
 * input quantiser, and within one LSB for requantisations: the fake-quant model computes the
 * layer output in float32 and divides by the output step, while this engine uses the exact
 * integer accumulator times a 31-bit multiplier, so values lying within float error of a floor
 * boundary can land one code apart (see docs/quantization.md).
 */

import type { Tensor } from '../../tensor/tensor.js';
import { fakeQuantCodes } from '../fakeQuantCodes.js';
import type { ActQuant } from '../actQuant.js';
import type { QuantModel, QNode } from '../qmodel.js';
import { AvgPool1d, MaxPool1d } from '../../nn/layers/simple.js';
import { INT32_MAX } from '../qlayer.js';
import { convGeometry, type ConvGeometry2d } from './geometry.js';
import { convAccumulate, convOutSize, linearAccumulate, poolCodes, requantize, type IntTensor, type PoolWindow } from './intOps.js';
import { packWeights, unpackWeights } from './pack.js';
import { requantMultiplier, type Requant } from './requant.js';
import { addZeros, keptInputs, layerZeros, noZeros, type ZeroChannels } from './zeroInputs.js';

export interface WeightGroup {
  bits: number;
  /** Output channels of this precision, ascending. */
  channels: number[];
  /** Codes of those channels, row-major [channels, fan-in], packed LSB-first. */
  packed: Uint8Array;
}

export interface IntLayer {
  kind: 'layer';
  src: number;
  path: string;
  linear: boolean;
  geom: ConvGeometry2d | null;
  /** The float layer's weight shape [Cout, Cin/groups, ...kernel] (stored weights: storedWeightShape). */
  weightShape: number[];
  /** Input channels (features of a linear layer) whose weights are stored, ascending; null: all. The others are known zero. */
  inKeep: number[] | null;
  groups: WeightGroup[];
  bias: Int32Array;
  /** Requantisation into the next quantiser's codes, or null for the network-output layer. */
  requant: { r: Requant[]; qmin: number; qmax: number } | null;
  /** s_x·s_w[c]: the value of one accumulator unit per channel. */
  accScale: Float64Array;
}

export type IntNode =
  | { kind: 'input'; scale: number; qmin: number; qmax: number }
  | IntLayer
  /** A quantiser fused into the layer before it: passes the layer's codes on. */
  | { kind: 'fused'; src: number }
  | { kind: 'requant'; src: number; r: Requant; qmin: number; qmax: number }
  | { kind: 'maxpool' | 'avgpool'; src: number; window: PoolWindow | 'global' }
  | { kind: 'flatten'; src: number }
  | { kind: 'pad'; src: number; left: number; right: number }
  | { kind: 'add'; srcs: [number, number] };

export interface LayerMemory {
  path: string;
  /** Bytes of the packed weight buffers (what the MCU stores). */
  weightBytes: number;
  /** int32 bias words of the kept channels. */
  biasBytes: number;
  /** Output channels per precision, e.g. {"8": 14, "0": 2}. */
  channelsPerBits: Record<string, number>;
  /** Input channels (features of a linear layer) whose weights are stored, of all its inputs. */
  inputsKept: number;
  inputs: number;
}

export interface IntegerizeOptions {
  /** Drop the weights of input channels known to be zero (default true; false keeps them, for comparisons). */
  dropZeroInputs?: boolean;
}

/** Shape of the weights a layer stores: the float shape with only the kept input channels. */
export function storedWeightShape(n: IntLayer): number[] {
  return n.inKeep === null ? [...n.weightShape] : [n.weightShape[0], n.inKeep.length, ...n.weightShape.slice(2)];
}

export interface IntRun {
  /** Dequantised network output (float64), and its shape. */
  output: Float64Array;
  shape: number[];
  /** Integer result of every node (codes, or accumulators for the output layer). */
  values: IntTensor[];
}

const stepOf = (q: ActQuant): number => q.scale();

function poolWindowOf(n: Extract<QNode, { kind: 'maxpool' | 'avgpool' }>): PoolWindow | 'global' {
  const m = n.module;
  if (!('opts' in m)) return 'global';
  const o = m.opts;
  const pr = (v: number | readonly number[] | undefined, d: number): [number, number] => (v === undefined ? [d, d] : typeof v === 'number' ? [v, v] : [v[0], v[1]]);
  const is1d = m instanceof MaxPool1d || m instanceof AvgPool1d;
  const [kh, kw] = is1d ? [1, o.kernel as number] : pr(o.kernel as number | readonly number[], 1);
  const [sh, sw] = is1d ? [1, (o.stride ?? o.kernel) as number] : pr((o.stride ?? o.kernel) as number | readonly number[], 1);
  const [ph, pw] = is1d ? [0, (o.padding ?? 0) as number] : pr(o.padding as number | readonly number[] | undefined, 0);
  return { kh, kw, sh, sw, ph, pw };
}

function buildLayer(n: Extract<QNode, { kind: 'layer' }>, next: Extract<QNode, { kind: 'quant' }> | undefined, input: ZeroChannels | null): { layer: IntLayer; zeros: ZeroChannels } {
  const layer = n.layer;
  const sIn = stepOf(n.inQuant);
  const parts = layer.integerParts(sIn);
  const shape = [...layer.weight.shape];
  const cout = shape[0];
  const fan = layer.weight.size / cout;
  const k = fan / shape[1];
  const nGroups = layer.geometry.kind === 'linear' ? 1 : (layer.geometry.opts.groups ?? 1);
  const inKeep = input === null ? null : keptInputs(input, shape[1], nGroups);
  const keptFan = inKeep === null ? fan : inKeep.length * k;
  const groups: WeightGroup[] = [];
  for (const b of [...new Set(parts.bits)].filter((b) => b !== 0).sort((a, c) => c - a)) {
    const channels = parts.bits.flatMap((bb, c) => (bb === b ? [c] : []));
    const codes = new Int32Array(channels.length * keptFan);
    channels.forEach((c, i) => {
      if (inKeep === null) codes.set(parts.wCodes.subarray(c * fan, (c + 1) * fan), i * fan);
      else inKeep.forEach((j, t) => codes.set(parts.wCodes.subarray(c * fan + j * k, c * fan + (j + 1) * k), i * keptFan + t * k));
    });
    groups.push({ bits: b, channels, packed: packWeights(codes, b) });
  }
  // int32 accumulators: the worst case Σ|w|·max|x| + |b| must fit.
  const { qmin, qmax } = n.inQuant.range();
  const xMax = Math.max(-qmin, qmax);
  for (let c = 0; c < cout; c++) {
    let s = Math.abs(parts.biasCodes[c]);
    for (let j = c * fan; j < (c + 1) * fan; j++) s += Math.abs(parts.wCodes[j]) * xMax;
    if (s > INT32_MAX) throw new Error(`integerize: layer '${layer.sourcePath}' channel ${c} can reach |accumulator| ${s} > 2^31 − 1; lower its input or weight precision or split the layer`);
  }
  const accScale = parts.wScales.map((s) => s * sIn);
  let requant: IntLayer['requant'] = null;
  if (next !== undefined) {
    const sOut = stepOf(next.quant);
    requant = { r: Array.from(accScale, (a, c) => requantMultiplier(a / sOut, `layer '${layer.sourcePath}' channel ${c}`)), ...next.quant.range() };
  }
  const built: IntLayer = {
    kind: 'layer', src: n.src, path: layer.sourcePath, linear: layer.geometry.kind === 'linear',
    geom: layer.geometry.kind === 'linear' ? null : convGeometry(layer.geometry, shape),
    weightShape: shape, inKeep, groups, bias: parts.biasCodes, requant, accScale,
  };
  return { layer: built, zeros: layerZeros(parts.bits, parts.biasCodes, input ?? noZeros(nGroups === 1 ? shape[1] : shape[1] * nGroups), nGroups) };
}

export class IntegerModel {
  constructor(readonly nodes: readonly IntNode[], readonly outputNode: number, readonly outputScale: Float64Array | number) {}

  /** Integer inference on a float input batch [N, ...inputShape]. */
  run(x: Tensor): IntRun {
    const values: IntTensor[] = [];
    for (let i = 0; i < this.nodes.length; i++) values.push(this.exec(i, values, x));
    const out = values[this.outputNode];
    const output = new Float64Array(out.data.length);
    const sc = this.outputScale;
    const c = out.shape[1] ?? 1;
    const inner = out.shape.slice(2).reduce((a, b) => a * b, 1);
    for (let i = 0; i < output.length; i++) output[i] = out.data[i] * (typeof sc === 'number' ? sc : sc[Math.floor(i / inner) % c]);
    return { output, shape: out.shape, values };
  }

  /** Run node i on the given node results (public so tests can feed any node the fake-quant codes). */
  exec(i: number, v: readonly IntTensor[], x?: Tensor): IntTensor {
    const n = this.nodes[i];
    switch (n.kind) {
      case 'input': {
        if (x === undefined) throw new Error('IntegerModel: the input node needs the float input');
        const q = fakeQuantCodes(x, { axis: -1, scale: new Float64Array([n.scale]), qmin: n.qmin, qmax: n.qmax, rounding: 'floor' }, true);
        return { data: q.codes as Int32Array, shape: [...x.shape] };
      }
      case 'layer': return runLayer(n, v[n.src]);
      case 'fused': return v[n.src];
      case 'requant': {
        const s = v[n.src];
        return { data: requantize(s.data, s.shape, [n.r], n.qmin, n.qmax), shape: s.shape };
      }
      case 'maxpool': case 'avgpool': {
        const s = v[n.src];
        const as4 = s.shape.length === 3 ? { data: s.data, shape: [s.shape[0], s.shape[1], 1, s.shape[2]] } : s;
        const w = n.window === 'global' ? { kh: as4.shape[2], kw: as4.shape[3], sh: 1, sw: 1, ph: 0, pw: 0 } : n.window;
        const r = poolCodes(as4, w, n.kind === 'maxpool' ? 'max' : 'avg');
        if (n.window === 'global') return { data: r.data, shape: [r.shape[0], r.shape[1]] };
        return s.shape.length === 3 ? { data: r.data, shape: [r.shape[0], r.shape[1], r.shape[3]] } : r;
      }
      case 'flatten': {
        const s = v[n.src];
        return { data: s.data, shape: [s.shape[0], s.data.length / s.shape[0]] };
      }
      case 'pad': {
        const s = v[n.src];
        const L = s.shape[s.shape.length - 1];
        const L2 = L + n.left + n.right;
        const rows = s.data.length / L;
        const out = new Int32Array(rows * L2);
        for (let r = 0; r < rows; r++) out.set(s.data.subarray(r * L, (r + 1) * L), r * L2 + n.left);
        return { data: out, shape: [...s.shape.slice(0, -1), L2] };
      }
      case 'add': {
        const [a, b] = [v[n.srcs[0]], v[n.srcs[1]]];
        const out = new Int32Array(a.data.length);
        for (let k = 0; k < out.length; k++) out[k] = a.data[k] + b.data[k];
        return { data: out, shape: a.shape };
      }
    }
  }

  /** Packed weight and bias bytes per layer, from the actual packed buffers. */
  memory(): LayerMemory[] {
    return this.nodes.flatMap((n) => {
      if (n.kind !== 'layer') return [];
      const per: Record<string, number> = {};
      let kept = 0;
      for (const g of n.groups) {
        per[String(g.bits)] = g.channels.length;
        kept += g.channels.length;
      }
      const pruned = n.weightShape[0] - kept;
      if (pruned > 0) per['0'] = pruned;
      const inputs = n.weightShape[1];
      return [{ path: n.path, weightBytes: n.groups.reduce((s, g) => s + g.packed.length, 0), biasBytes: 4 * kept, channelsPerBits: per, inputsKept: n.inKeep?.length ?? inputs, inputs }];
    });
  }
}

/** The kept input channels (axis 1) of x. */
function gatherInputs(x: IntTensor, keep: readonly number[]): IntTensor {
  const [n, c] = x.shape;
  const inner = x.data.length / (n * c);
  const out = new Int32Array(n * keep.length * inner);
  for (let b = 0; b < n; b++) keep.forEach((ch, j) => out.set(x.data.subarray((b * c + ch) * inner, (b * c + ch + 1) * inner), (b * keep.length + j) * inner));
  return { data: out, shape: [n, keep.length, ...x.shape.slice(2)] };
}

function runLayer(n: IntLayer, input: IntTensor): IntTensor {
  const cout = n.weightShape[0];
  const fan = storedWeightShape(n).slice(1).reduce((a, b) => a * b, 1);
  const x = n.inKeep === null ? input : gatherInputs(input, n.inKeep);
  let acc: Int32Array;
  let shape: number[];
  if (n.linear) {
    shape = [x.shape[0], cout];
    acc = new Int32Array(x.shape[0] * cout);
    for (const g of n.groups) linearAccumulate(x, unpackWeights(g.packed, g.channels.length * fan, g.bits), g.channels, n.bias, acc, cout);
  } else {
    const g0 = n.geom as ConvGeometry2d;
    const x4 = x.shape.length === 3 ? { data: x.data, shape: [x.shape[0], x.shape[1], 1, x.shape[2]] } : x;
    const ho = convOutSize(x4.shape[2], g0.kh, g0.sh, g0.dh, g0.pads[0], g0.pads[1]);
    const wo = convOutSize(x4.shape[3], g0.kw, g0.sw, g0.dw, g0.pads[2], g0.pads[3]);
    acc = new Int32Array(x.shape[0] * cout * ho * wo);
    for (const g of n.groups) convAccumulate(x4, unpackWeights(g.packed, g.channels.length * fan, g.bits), g.channels, n.bias, g0, acc, cout, ho, wo);
    shape = x.shape.length === 3 ? [x.shape[0], cout, wo] : [x.shape[0], cout, ho, wo];
  }
  if (n.requant === null) return { data: acc, shape };
  return { data: requantize(acc, shape, n.requant.r, n.requant.qmin, n.requant.qmax), shape };
}

/** Build the integer model of a (calibrated, trained) fake-quant model. */
export function integerize(model: QuantModel, opts: IntegerizeOptions = {}): IntegerModel {
  // The quantiser on each layer's output is fused into the layer's requantisation.
  const fusedInto = new Map<number, Extract<QNode, { kind: 'quant' }>>();
  for (const n of model.nodes) if (n.kind === 'quant' && n.fromAcc) fusedInto.set(n.src, n);
  const drop = opts.dropZeroInputs ?? true;
  const zeros: ZeroChannels[] = [];
  const nodes: IntNode[] = model.nodes.map((n, i): IntNode => {
    zeros.push(n.kind === 'input' ? noZeros(model.inputShape[0]) : n.kind === 'layer' ? noZeros(0) : n.kind === 'add' ? addZeros(zeros[n.srcs[0]], zeros[n.srcs[1]]) : n.kind === 'flatten' ? { ...zeros[n.src], flattened: true } : zeros[n.src]);
    switch (n.kind) {
      case 'input': return { kind: 'input', scale: stepOf(n.quant), ...n.quant.range() };
      case 'layer': {
        const b = buildLayer(n, fusedInto.get(i), drop ? zeros[n.src] : null);
        zeros[i] = b.zeros;
        return b.layer;
      }
      case 'quant': {
        if (n.fromAcc) {
          if (model.nodes[n.src].kind !== 'layer') throw new Error(`integerize: quantiser node ${i} (${n.quant.role}) is marked as a layer-output quantiser but reads node ${n.src}, not a layer`);
          return { kind: 'fused', src: n.src };
        }
        return { kind: 'requant', src: n.src, r: requantMultiplier(inputStep(model, n.src) / stepOf(n.quant), n.quant.role), ...n.quant.range() };
      }
      case 'maxpool': return { kind: 'maxpool', src: n.src, window: poolWindowOf(n) };
      case 'avgpool': return { kind: 'avgpool', src: n.src, window: poolWindowOf(n) };
      case 'flatten': return { kind: 'flatten', src: n.src };
      case 'pad': return { kind: 'pad', src: n.src, left: n.module.left, right: n.module.right };
      case 'add': return { kind: 'add', srcs: n.srcs };
    }
  });
  const out = nodes[model.outputNode];
  const outputScale = out.kind === 'layer' ? out.accScale : inputStep(model, model.outputNode);
  return new IntegerModel(nodes, model.outputNode, outputScale);
}

/** The step of the codes a node outputs (walking back through shape-only nodes). */
function inputStep(model: QuantModel, i: number): number {
  const n = model.nodes[i];
  switch (n.kind) {
    case 'input': case 'quant': case 'add': case 'avgpool': return stepOf(n.quant);
    case 'maxpool': case 'flatten': case 'pad': return inputStep(model, n.src);
    case 'layer': throw new Error(`integerize: layer '${n.layer.sourcePath}' output is read as codes without a quantiser`);
  }
}

