/**
 * A quantised conv1d / conv2d (incl. depthwise and grouped) / linear layer with BatchNorm
 * already folded in: per-output-channel weight precisions (0 = pruned channel), weights
 * fake-quantised per channel, the bias quantised to 32 bits at scale s_x·s_w[c]. The input
 * scale s_x comes from the activation quantiser that produced the input.
 */

import { tensor } from '../tensor/create.js';
import { fmtShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { customOp } from '../autograd/custom.js';
import { add } from '../autograd/ops/elementwise.js';
import { matmul } from '../autograd/ops/matmul.js';
import { transpose } from '../autograd/ops/movement.js';
import { conv1d, conv2d, type Conv1dOptions, type Conv2dOptions } from '../autograd/ops/conv.js';
import { Module } from '../nn/module.js';
import { fakeQuantCodes } from './fakeQuantCodes.js';
import { channelBits, weightCodes, weightQuant, weightScales } from './quantizers.js';

export type QLayerGeometry =
  | { kind: 'conv1d'; opts: Conv1dOptions }
  | { kind: 'conv2d'; opts: Conv2dOptions }
  | { kind: 'linear' };

export const INT32_MIN = -(2 ** 31);
export const INT32_MAX = 2 ** 31 - 1;

/** 32-bit bias codes at scale s_x·s_w[c] (round half even); pruned channels (s_w = 0) get 0. */
export function biasCodes(bias: Tensor, inScale: number, wScales: Float64Array): { values: Tensor; codes: Int32Array } {
  const scale = wScales.map((s) => (s === 0 ? 1 : s * inScale));
  const q = fakeQuantCodes(bias, { axis: 0, scale, qmin: INT32_MIN, qmax: INT32_MAX, rounding: 'halfEven' }, true);
  const codes = q.codes as Int32Array;
  const v = q.values.values();
  wScales.forEach((s, c) => {
    if (s === 0) {
      codes[c] = 0;
      v[c] = 0;
    }
  });
  return { values: q.values, codes };
}

export class QLayer extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor;
  private bits: number[];

  constructor(readonly sourcePath: string, readonly geometry: QLayerGeometry, weight: Float64Array, shape: readonly number[], bias: Float64Array, wBits: number | readonly number[], readonly isOutput: boolean) {
    super();
    this.weight = this.registerParameter('weight', tensor(Float32Array.from(weight), [...shape]));
    this.bias = this.registerParameter('bias', tensor(Float32Array.from(bias), [shape[0]]));
    this.bits = channelBits(`quantised layer '${sourcePath}'`, this.weight, wBits);
  }

  get outChannels(): number {
    return this.weight.shape[0];
  }

  get wBits(): readonly number[] {
    return this.bits;
  }

  /** Change the per-channel precisions (e.g. after a search); validated against the channel count. */
  setWBits(bits: number | readonly number[]): void {
    this.bits = channelBits(`quantised layer '${this.sourcePath}'`, this.weight, bits);
  }

  forward(x: Tensor): Tensor {
    throw new Error(`QLayer '${this.sourcePath}': call run(x, inputScale); a quantised layer needs the scale of its input (got input ${fmtShape(x.shape)})`);
  }

  /** The fake-quantised layer on input x whose quantiser step is `inScale`. */
  run(x: Tensor, inScale: number): Tensor {
    const wq = weightQuant(this.weight, this.bits);
    const wScales = weightScales(this.weight, this.bits);
    const bq = customOp({ name: 'biasQuant32', forward: (b) => biasCodes(b, inScale, wScales).values, backward: (g) => [g] })(this.bias);
    const g = this.geometry;
    if (g.kind === 'linear') return add(matmul(x, transpose(wq)), bq);
    return g.kind === 'conv1d' ? conv1d(x, wq, bq, g.opts) : conv2d(x, wq, bq, g.opts);
  }

  /** Integer weights, scales and bias codes for deployment at input scale `inScale`. */
  integerParts(inScale: number): { wCodes: Int32Array; wScales: Float64Array; biasCodes: Int32Array; bits: number[] } {
    const w = weightCodes(this.weight, this.bits);
    return { wCodes: w.codes, wScales: w.scales, biasCodes: biasCodes(this.bias, inScale, w.scales).codes, bits: w.bits };
  }

  override describe(): string {
    const uniq = [...new Set(this.bits)].sort((a, b) => a - b);
    return `Q${this.geometry.kind}(${fmtShape(this.weight.shape)}, w${uniq.join('/')}b${this.isOutput ? ', output' : ''}; from '${this.sourcePath}')`;
  }
}
