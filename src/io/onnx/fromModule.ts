/**
 * ONNX export of a float Module tree: one traced forward pass (graph/trace.ts) gives the
 * dataflow units; each becomes one or a few ONNX nodes (opset 13). Conv1d / Conv2d keep their
 * exact geometry (stride, dilation, groups, asymmetric or causal padding, resolved the way the
 * integer engine resolves it); Linear is a Gemm (MatMul + Add above rank 2); BatchNorm is a
 * BatchNormalization in inference mode, or folded into the conv / linear before it; pooling,
 * flatten, constant padding, residual adds and the usual activations map one to one. Anything
 * else is refused with the module path and the list of what is supported. The batch axis is
 * symbolic ('N').
 */

import type { Tensor } from '../../tensor/tensor.js';
import type { Module } from '../../nn/module.js';
import { BatchNorm } from '../../nn/layers/batchnorm.js';
import { Conv1d, Conv2d } from '../../nn/layers/conv.js';
import { Linear } from '../../nn/layers/linear.js';
import {
  AvgPool1d, AvgPool2d, ConstantPad1d, Dropout, Flatten, GlobalAvgPool, Identity, LeakyReLU, MaxPool1d, MaxPool2d, ReLU, ReLU6, Sigmoid, Tanh,
} from '../../nn/layers/simple.js';
import { traceModel, type TraceUnit } from '../../graph/trace.js';
import { foldBatchNorm } from '../../quant/bnFold.js';
import { convGeometry } from '../../quant/integer/geometry.js';
import type { OnnxGraph, OnnxNode, OnnxTensor } from './model.js';

export interface OnnxExportOptions {
  /** Input shape without the batch axis, e.g. [1, 96] or [3, 32, 32]. */
  inputShape: readonly number[];
  /** Fold each BatchNorm into the conv / linear it follows (default false: BatchNormalization nodes). */
  foldBatchNorm?: boolean;
  name?: string;
}

export const ONNX_SUPPORTED = 'Conv1d, Conv2d (grouped, dilated, any padding), Linear, BatchNorm1d/2d, ReLU, ReLU6, Sigmoid, Tanh, LeakyReLU, MaxPool1d/2d, AvgPool1d/2d, GlobalAvgPool, Flatten, ConstantPad1d, Dropout, Identity and two-input adds';

const f32 = (t: Tensor): Float32Array => Float32Array.from(t.values());
const pair = (v: number | readonly number[] | undefined, d: number): [number, number] => (v === undefined ? [d, d] : typeof v === 'number' ? [v, v] : [v[0], v[1]]);

/** Build the ONNX graph of a float model (evaluated as in eval mode). */
export function moduleToOnnx(model: Module, opts: OnnxExportOptions): OnnxGraph {
  const trace = traceModel(model, opts.inputShape);
  const nodes: OnnxNode[] = [];
  const inits: OnnxTensor[] = [];
  const nameOf = new Map<Tensor, string>([[trace.input.outputs[0], 'input']]);
  const folded = new Set<TraceUnit>();
  const used = new Set<string>();
  const unique = (base: string): string => {
    let s = base.replace(/[^A-Za-z0-9_.]/g, '_') || 'root';
    for (let i = 1; used.has(s); i++) s = `${base}_${i}`;
    used.add(s);
    return s;
  };
  const init = (name: string, data: OnnxTensor['data'], shape: readonly number[], type: OnnxTensor['type'] = 'float'): string => {
    inits.push({ name, type, shape, data });
    return name;
  };

  for (const u of trace.units) {
    if (u.kind === 'input') continue;
    const m = u.module;
    const where = m !== null ? `module '${u.path}' (${m.describe()})` : `op '${u.op}' at '${u.path}'`;
    if (u.outputs.length !== 1) throw new Error(`onnx export: ${where} produces ${u.outputs.length} activations; single-output units only`);
    const ins = u.inputs.map((t) => {
      const n = nameOf.get(t);
      if (n === undefined) throw new Error(`onnx export: ${where} reads an activation that was not exported`);
      return n;
    });
    const out = u.outputs[0];
    const id = unique(u.path);
    const y = u.isGraphOutput ? 'output' : id;
    const node = (op: string, inputs: string[], attrs?: OnnxNode['attrs'], output = y, suffix = ''): void => {
      nodes.push({ op, name: id + suffix, inputs, outputs: [output], attrs });
    };
    const alias = (): void => {
      if (u.isGraphOutput) node('Identity', ins);
      else nameOf.set(out, ins[0]);
    };
    if (u.kind === 'op') {
      if (u.op === 'add' && ins.length === 2 && u.constants.length === 0) node('Add', ins);
      else throw new Error(`onnx export: ${where} has no ONNX mapping (only two-input activation adds are exported among container ops); supported: ${ONNX_SUPPORTED}`);
      if (!u.isGraphOutput) nameOf.set(out, y);
      continue;
    }
    if (m instanceof Conv1d || m instanceof Conv2d || m instanceof Linear) {
      const bnUnit = opts.foldBatchNorm === true && u.consumers.length === 1 && u.consumers[0].module instanceof BatchNorm ? u.consumers[0] : null;
      const f = foldBatchNorm(m.weight, m.bias, bnUnit === null ? null : (bnUnit.module as BatchNorm));
      if (bnUnit !== null) folded.add(bnUnit);
      const wData = Float32Array.from(f.weight);
      const w = init(`${id}.weight`, wData, m.weight.shape);
      const b = m.bias === null && bnUnit === null ? null : init(`${id}.bias`, Float32Array.from(f.bias), [f.bias.length]);
      if (m instanceof Linear) {
        if (u.inputs[0].ndim === 2) node('Gemm', b === null ? [ins[0], w] : [ins[0], w, b], { transB: { int: 1 } });
        else {
          const wt = init(`${id}.weight_t`, transpose2d(wData, m.outFeatures, m.inFeatures), [m.inFeatures, m.outFeatures]);
          if (b === null) node('MatMul', [ins[0], wt]);
          else {
            node('MatMul', [ins[0], wt], undefined, `${id}.matmul`, '.matmul');
            node('Add', [`${id}.matmul`, b]);
          }
        }
      } else {
        const g = convGeometry(m instanceof Conv1d ? { kind: 'conv1d', opts: m } : { kind: 'conv2d', opts: m }, m.weight.shape);
        const is1d = m instanceof Conv1d;
        node('Conv', b === null ? [ins[0], w] : [ins[0], w, b], {
          kernel_shape: { ints: is1d ? [g.kw] : [g.kh, g.kw] },
          strides: { ints: is1d ? [g.sw] : [g.sh, g.sw] },
          dilations: { ints: is1d ? [g.dw] : [g.dh, g.dw] },
          pads: { ints: is1d ? [g.pads[2], g.pads[3]] : [g.pads[0], g.pads[2], g.pads[1], g.pads[3]] },
          group: { int: g.groups },
        });
      }
    } else if (m instanceof BatchNorm) {
      if (folded.has(u)) { alias(); continue; }
      const c = m.numFeatures;
      const gamma = m.weight === null ? new Float32Array(c).fill(1) : f32(m.weight);
      const beta = m.bias === null ? new Float32Array(c) : f32(m.bias);
      node('BatchNormalization', [ins[0], init(`${id}.scale`, gamma, [c]), init(`${id}.bias`, beta, [c]), init(`${id}.mean`, f32(m.runningMean), [c]), init(`${id}.var`, f32(m.runningVar), [c])], { epsilon: { float: m.eps } });
    } else if (m instanceof ReLU) node('Relu', ins);
    else if (m instanceof ReLU6) node('Clip', [ins[0], init(`${id}.min`, new Float32Array([0]), []), init(`${id}.max`, new Float32Array([6]), [])]);
    else if (m instanceof Sigmoid) node('Sigmoid', ins);
    else if (m instanceof Tanh) node('Tanh', ins);
    else if (m instanceof LeakyReLU) node('LeakyRelu', ins, { alpha: { float: m.slope } });
    else if (m instanceof MaxPool1d || m instanceof AvgPool1d) {
      const k = m.opts.kernel;
      const p = m.opts.padding ?? 0;
      const attrs: OnnxNode['attrs'] = { kernel_shape: { ints: [k] }, strides: { ints: [m.opts.stride ?? k] }, pads: { ints: [p, p] } };
      if (m instanceof AvgPool1d) attrs.count_include_pad = { int: m.opts.countIncludePad === false ? 0 : 1 };
      node(m instanceof MaxPool1d ? 'MaxPool' : 'AveragePool', ins, attrs);
    } else if (m instanceof MaxPool2d || m instanceof AvgPool2d) {
      const k = pair(m.opts.kernel, 1);
      const s = pair(m.opts.stride ?? m.opts.kernel, 1);
      const p = pair(m.opts.padding, 0);
      const attrs: OnnxNode['attrs'] = { kernel_shape: { ints: k }, strides: { ints: s }, pads: { ints: [p[0], p[1], p[0], p[1]] } };
      if (m instanceof AvgPool2d) attrs.count_include_pad = { int: m.opts.countIncludePad === false ? 0 : 1 };
      node(m instanceof MaxPool2d ? 'MaxPool' : 'AveragePool', ins, attrs);
    } else if (m instanceof GlobalAvgPool) {
      node('GlobalAveragePool', ins, undefined, `${id}.gap`, '.gap');
      node('Flatten', [`${id}.gap`], { axis: { int: 1 } });
    } else if (m instanceof Flatten) {
      const start = m.startAxis < 0 ? m.startAxis + u.inputs[0].ndim : m.startAxis;
      if (start === 1) node('Flatten', ins, { axis: { int: 1 } });
      else {
        if (start === 0) throw new Error(`onnx export: ${where} flattens the batch axis; only flattening from axis ≥ 1 keeps the batch symbolic`);
        const shape = init(`${id}.shape`, BigInt64Array.from([...Array(start).fill(0n), -1n]), [start + 1], 'int64');
        node('Reshape', [ins[0], shape]);
      }
    } else if (m instanceof ConstantPad1d) {
      const r = u.inputs[0].ndim;
      const pads = new BigInt64Array(2 * r);
      pads[r - 1] = BigInt(m.left);
      pads[2 * r - 1] = BigInt(m.right);
      node('Pad', [ins[0], init(`${id}.pads`, pads, [2 * r], 'int64'), init(`${id}.value`, new Float32Array([m.value]), [])], { mode: { string: 'constant' } });
    } else if (m instanceof Dropout || m instanceof Identity) { alias(); continue; }
    else throw new Error(`onnx export: ${where} has no ONNX mapping; supported: ${ONNX_SUPPORTED} (export PIT models to dense layers first)`);
    if (!u.isGraphOutput) nameOf.set(out, y);
  }
  const outShape = trace.output.shape;
  return {
    name: opts.name ?? 'tsdnas',
    nodes,
    initializers: inits,
    inputs: [{ name: 'input', type: 'float', shape: ['N', ...opts.inputShape] }],
    outputs: [{ name: 'output', type: 'float', shape: ['N', ...outShape.slice(1)] }],
  };
}

function transpose2d(w: Float32Array, rows: number, cols: number): Float32Array {
  const t = new Float32Array(w.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = w[r * cols + c];
  return t;
}
