/**
 * ONNX export of an integer model (quant/integer/engine.ts) with only integer-exact standard
 * ops (opset 13), so onnxruntime reproduces the TS integer engine bit for bit:
 *  - the input quantiser in double: Floor(x / step), clamped, to int32 codes;
 *  - conv / linear as ConvInteger / MatMulInteger on uint8 operands with zero points (signed codes
 *    and int8 weights are shifted by 128), explicit zero Pad on the int32 codes first (so padding
 *    is a true code 0 whatever the zero point), + int32 bias;
 *  - requantisation in int64: p = acc·m_c, floor(p / 2^s_c) = (p − Mod(p, 2^s_c)) / 2^s_c, clamped;
 *  - max pooling on float copies of the codes (exact: codes < 2^24); average pooling as Floor of
 *    the float AveragePool (exact while the window sum stays below 2^24);
 *  - adds, flatten, padding on int32 codes; a layer that stores weights for its live inputs only
 *    (the others are known zero) first Gathers those input channels (features) on axis 1.
 * Weights are stored unpacked as one uint8 (code + 128) tensor per layer: ONNX has no int4 / int2
 * before opset 21, so the file is larger than the packed C arrays. The graph input is the float
 * input; the output ('output', int32) is the integer model's output (accumulators of the output
 * layer; multiply channel c by `outputScale[c]` for the network output).
 */

import { storedWeightShape, type IntegerModel, type IntLayer } from '../../quant/integer/engine.js';
import { unpackWeights } from '../../quant/integer/pack.js';
import { zeros } from '../../tensor/create.js';
import type { OnnxGraph, OnnxNode, OnnxTensor } from './model.js';

const TO = { float: 1, uint8: 2, int32: 6, int64: 7, double: 11 } as const;

export function integerModelToOnnx(model: IntegerModel, opts: { inputShape: readonly number[]; name?: string }): OnnxGraph {
  const run = model.run(zeros([1, ...opts.inputShape]));
  const shapes = run.values.map((v) => v.shape.slice(1));
  const nodes: OnnxNode[] = [];
  const inits: OnnxTensor[] = [];
  let k = 0;
  const tmp = (what: string): string => `${what}_${k++}`;
  const op = (type: string, inputs: string[], attrs?: OnnxNode['attrs'], out = tmp(type)): string => {
    nodes.push({ op: type, name: out, inputs, outputs: [out], attrs });
    return out;
  };
  const init = (name: string, type: OnnxTensor['type'], shape: readonly number[], data: OnnxTensor['data']): string => {
    inits.push({ name, type, shape, data });
    return name;
  };
  const cast = (x: string, to: keyof typeof TO): string => op('Cast', [x], { to: { int: TO[to] } });
  const i64 = (name: string, vals: number[], shape: readonly number[]): string => init(name, 'int64', shape, BigInt64Array.from(vals.map((v) => BigInt(v))));
  const i32 = (name: string, vals: ArrayLike<number>, shape: readonly number[]): string => init(name, 'int32', shape, Int32Array.from(vals as ArrayLike<number>));
  const u8scalar = (name: string, v: number): string => init(name, 'uint8', [], Uint8Array.of(v));
  /** Per-channel broadcast shape of a [N, C, ...spatial] tensor. */
  const chShape = (rank: number, c: number): number[] => [c, ...Array(Math.max(0, rank - 2)).fill(1)];

  /** int32 codes → clamp(floor(x·m / 2^s), lo, hi) as int32, m and s per channel (or one). */
  const requant = (x: string, ms: number[], shifts: number[], lo: number, hi: number, rank: number, tag: string): string => {
    const shape = ms.length === 1 ? [] : chShape(rank, ms.length);
    const p = op('Mul', [cast(x, 'int64'), i64(`${tag}.m`, ms, shape)]);
    const d = i64(`${tag}.div`, shifts.map((s) => 2 ** s), shape);
    const q = op('Div', [op('Sub', [p, op('Mod', [p, d], { fmod: { int: 0 } })]), d]);
    const c = op('Min', [op('Max', [q, i64(`${tag}.lo`, [lo], [])]), i64(`${tag}.hi`, [hi], [])]);
    return cast(c, 'int32');
  };
  /** int32 codes → uint8 operand and its zero point (128 for signed codes). */
  const operand = (x: string, lo: number, tag: string): [string, string] => {
    if (lo >= 0) return [cast(x, 'uint8'), u8scalar(`${tag}.x_zp`, 0)];
    return [cast(op('Add', [x, i32(`${tag}.x_off`, [128], [])]), 'uint8'), u8scalar(`${tag}.x_zp`, 128)];
  };
  const lowOf = (i: number): number => {
    const n = model.nodes[i];
    switch (n.kind) {
      case 'input': case 'requant': return n.qmin;
      case 'layer': return n.requant === null ? -1 : n.requant.qmin;
      case 'add': return -1;
      default: return lowOf(n.src);
    }
  };

  const names: string[] = [];
  model.nodes.forEach((n, i) => {
    const tag = `n${i}`;
    switch (n.kind) {
      case 'input': {
        const q = op('Floor', [op('Div', [cast('input', 'double'), init(`${tag}.step`, 'double', [], Float64Array.of(n.scale))])]);
        const c = op('Min', [op('Max', [q, init(`${tag}.lo`, 'double', [], Float64Array.of(n.qmin))]), init(`${tag}.hi`, 'double', [], Float64Array.of(n.qmax))]);
        names.push(cast(c, 'int32'));
        return;
      }
      case 'layer': names.push(layer(n, i, names[n.src], shapes[n.src], lowOf(n.src))); return;
      case 'fused': names.push(names[n.src]); return;
      case 'requant': names.push(requant(names[n.src], [n.r.m], [n.r.shift], n.qmin, n.qmax, shapes[i].length + 1, tag)); return;
      case 'maxpool': case 'avgpool': {
        const s = shapes[n.src];
        const f = cast(names[n.src], 'float');
        let y: string;
        if (n.window === 'global') y = op('Flatten', [op('GlobalAveragePool', [f])], { axis: { int: 1 } });
        else {
          const w = n.window;
          const is1d = s.length === 2;
          const attrs: OnnxNode['attrs'] = {
            kernel_shape: { ints: is1d ? [w.kw] : [w.kh, w.kw] }, strides: { ints: is1d ? [w.sw] : [w.sh, w.sw] },
            pads: { ints: is1d ? [w.pw, w.pw] : [w.ph, w.pw, w.ph, w.pw] },
          };
          y = op(n.kind === 'maxpool' ? 'MaxPool' : 'AveragePool', [f], attrs);
        }
        names.push(cast(n.kind === 'avgpool' ? op('Floor', [y]) : y, 'int32'));
        return;
      }
      case 'flatten': names.push(op('Flatten', [names[n.src]], { axis: { int: 1 } })); return;
      case 'pad': {
        const r = shapes[n.src].length + 1;
        const pads = Array(2 * r).fill(0);
        pads[r - 1] = n.left;
        pads[2 * r - 1] = n.right;
        names.push(op('Pad', [names[n.src], i64(`${tag}.pads`, pads, [2 * r])], { mode: { string: 'constant' } }));
        return;
      }
      case 'add': names.push(op('Add', [names[n.srcs[0]], names[n.srcs[1]]])); return;
    }
  });

  function layer(n: IntLayer, i: number, x: string, inShape: number[], lo: number): string {
    const tag = `n${i}`;
    const cout = n.weightShape[0];
    const wShape = storedWeightShape(n);
    const fan = wShape.slice(1).reduce((a, b) => a * b, 1);
    if (n.inKeep !== null) x = op('Gather', [x, i64(`${tag}.in`, n.inKeep, [n.inKeep.length])], { axis: { int: 1 } });
    const codes = new Uint8Array(cout * fan).fill(128);
    const bias = new Int32Array(cout);
    for (const g of n.groups) {
      const w = unpackWeights(g.packed, g.channels.length * fan, g.bits);
      g.channels.forEach((c, j) => {
        for (let t = 0; t < fan; t++) codes[c * fan + t] = w[j * fan + t] + 128;
        bias[c] = n.bias[c];
      });
    }
    let acc: string;
    const rank = n.linear ? 2 : inShape.length + 1;
    if (n.linear) {
      const wt = new Uint8Array(fan * cout);
      for (let c = 0; c < cout; c++) for (let t = 0; t < fan; t++) wt[t * cout + c] = codes[c * fan + t];
      const [a, azp] = operand(x, lo, tag);
      acc = op('MatMulInteger', [a, init(`${tag}.w`, 'uint8', [fan, cout], wt), azp, u8scalar(`${tag}.w_zp`, 128)]);
      acc = op('Add', [acc, i32(`${tag}.b`, bias, [cout])]);
    } else {
      const g = n.geom as NonNullable<IntLayer['geom']>;
      const is1d = inShape.length === 2;
      const pads = is1d ? [0, 0, g.pads[2], 0, 0, g.pads[3]] : [0, 0, g.pads[0], g.pads[2], 0, 0, g.pads[1], g.pads[3]];
      const padded = pads.some((p) => p !== 0) ? op('Pad', [x, i64(`${tag}.pads`, pads, [pads.length])], { mode: { string: 'constant' } }) : x;
      const [a, azp] = operand(padded, lo, tag);
      acc = op('ConvInteger', [a, init(`${tag}.w`, 'uint8', wShape, codes), azp, u8scalar(`${tag}.w_zp`, 128)], {
        kernel_shape: { ints: is1d ? [g.kw] : [g.kh, g.kw] }, strides: { ints: is1d ? [g.sw] : [g.sh, g.sw] },
        dilations: { ints: is1d ? [g.dw] : [g.dh, g.dw] }, group: { int: g.groups },
      });
      acc = op('Add', [acc, i32(`${tag}.b`, bias, chShape(rank, cout))]);
    }
    if (n.requant === null) return acc;
    const r = n.requant.r;
    const per = r.length === 1 ? [r[0]] : r;
    return requant(acc, per.map((q) => q.m), per.map((q) => q.shift), n.requant.qmin, n.requant.qmax, rank, tag);
  }

  const out = names[model.outputNode];
  nodes.push({ op: 'Identity', name: 'output', inputs: [out], outputs: ['output'] });
  return {
    name: opts.name ?? 'tsdnas_integer',
    nodes,
    initializers: inits,
    inputs: [{ name: 'input', type: 'float', shape: ['N', ...opts.inputShape] }],
    outputs: [{ name: 'output', type: 'int32', shape: ['N', ...shapes[model.outputNode]] }],
  };
}
