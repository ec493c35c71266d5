/**
 * Parameter-free layers: activations, pooling, dropout, flatten, constant padding, identity.
 */

import { fmtShape } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { allocate } from '../../tensor/dtype.js';
import { getRng, type Rng } from '../../tensor/rng.js';
import { leakyRelu, mul, relu, relu6, sigmoid, tanh } from '../../autograd/ops/elementwise.js';
import { flatten, pad } from '../../autograd/ops/movement.js';
import { avgPool1d, avgPool2d, globalAvgPool, maxPool1d, maxPool2d, type Pool1dOptions, type Pool2dOptions } from '../../autograd/ops/pool.js';
import { make } from '../../autograd/ops/util.js';
import { Module } from '../module.js';

export class ReLU extends Module {
  forward(x: Tensor): Tensor { return relu(x); }
}
export class ReLU6 extends Module {
  forward(x: Tensor): Tensor { return relu6(x); }
}
export class Sigmoid extends Module {
  forward(x: Tensor): Tensor { return sigmoid(x); }
}
export class Tanh extends Module {
  forward(x: Tensor): Tensor { return tanh(x); }
}
export class LeakyReLU extends Module {
  constructor(readonly slope = 0.01) { super(); }
  forward(x: Tensor): Tensor { return leakyRelu(x, this.slope); }
}
export class Identity extends Module {
  forward(x: Tensor): Tensor { return x; }
}

type Pair = number | readonly [number, number];
const pairOf = (v: Pair): [number, number] => (typeof v === 'number' ? [v, v] : [v[0], v[1]]);

/** Constructor-time checks of a pooling window (PyTorch's rules: padding at most half the kernel). */
function checkPool(kind: string, kernel: Pair, stride: Pair | undefined, padding: Pair | undefined): void {
  const ints = (v: Pair, min: number) => pairOf(v).every((n) => Number.isInteger(n) && n >= min);
  if (!ints(kernel, 1)) throw new Error(`${kind}: kernel must be positive integers, got ${JSON.stringify(kernel)}`);
  if (stride !== undefined && !ints(stride, 1)) throw new Error(`${kind}: stride must be positive integers, got ${JSON.stringify(stride)}`);
  if (padding !== undefined) {
    const [kh, kw] = pairOf(kernel);
    const [ph, pw] = pairOf(padding);
    if (!ints(padding, 0) || 2 * ph > kh || 2 * pw > kw) throw new Error(`${kind}: padding must be integers between 0 and half the kernel ${JSON.stringify(kernel)}, got ${JSON.stringify(padding)}`);
  }
}

/** Forward-time check of a pooling input: rank, and every spatial size (plus padding) at least the kernel. */
function checkPoolInput(layer: Module, x: Tensor, kernel: readonly number[], padding: readonly number[]): void {
  const dims = kernel.length;
  const spatial = dims === 1 ? 'L' : 'H, W';
  if (x.ndim !== dims + 2) throw new Error(`${layer.describe()}: input must be [N, C, ${spatial}], got ${fmtShape(x.shape)}`);
  for (let i = 0; i < dims; i++) {
    const size = x.shape[2 + i] + 2 * padding[i];
    if (size < kernel[i]) {
      const what = dims === 1 ? 'length' : i === 0 ? 'height' : 'width';
      throw new Error(`${layer.describe()}: kernel ${kernel[i]} is larger than the input ${what} ${x.shape[2 + i]}${padding[i] ? ` + 2·padding ${padding[i]}` : ''}; input ${fmtShape(x.shape)}`);
    }
  }
}

export class MaxPool1d extends Module {
  constructor(readonly opts: Pool1dOptions) { super(); checkPool('MaxPool1d', opts.kernel, opts.stride, opts.padding); }
  forward(x: Tensor): Tensor {
    checkPoolInput(this, x, [this.opts.kernel], [this.opts.padding ?? 0]);
    return maxPool1d(x, this.opts);
  }
  override describe(): string { return `MaxPool1d(k=${this.opts.kernel}, s=${this.opts.stride ?? this.opts.kernel})`; }
}
export class AvgPool1d extends Module {
  constructor(readonly opts: Pool1dOptions) { super(); checkPool('AvgPool1d', opts.kernel, opts.stride, opts.padding); }
  forward(x: Tensor): Tensor {
    checkPoolInput(this, x, [this.opts.kernel], [this.opts.padding ?? 0]);
    return avgPool1d(x, this.opts);
  }
  override describe(): string { return `AvgPool1d(k=${this.opts.kernel}, s=${this.opts.stride ?? this.opts.kernel})`; }
}
export class MaxPool2d extends Module {
  constructor(readonly opts: Pool2dOptions) { super(); checkPool('MaxPool2d', opts.kernel, opts.stride, opts.padding); }
  forward(x: Tensor): Tensor {
    checkPoolInput(this, x, pairOf(this.opts.kernel), pairOf(this.opts.padding ?? 0));
    return maxPool2d(x, this.opts);
  }
  override describe(): string { return `MaxPool2d(k=${JSON.stringify(this.opts.kernel)})`; }
}
export class AvgPool2d extends Module {
  constructor(readonly opts: Pool2dOptions) { super(); checkPool('AvgPool2d', opts.kernel, opts.stride, opts.padding); }
  forward(x: Tensor): Tensor {
    checkPoolInput(this, x, pairOf(this.opts.kernel), pairOf(this.opts.padding ?? 0));
    return avgPool2d(x, this.opts);
  }
  override describe(): string { return `AvgPool2d(k=${JSON.stringify(this.opts.kernel)})`; }
}
/** Mean over every spatial axis: [N, C, ...] → [N, C]. */
export class GlobalAvgPool extends Module {
  forward(x: Tensor): Tensor {
    if (x.ndim < 3) throw new Error(`${this.describe()}: input must be [N, C, ...spatial] with at least one spatial axis, got ${fmtShape(x.shape)}`);
    return globalAvgPool(x);
  }
}

export class Flatten extends Module {
  constructor(readonly startAxis = 1) {
    super();
    if (!Number.isInteger(startAxis)) throw new Error(`Flatten: startAxis must be an integer, got ${startAxis}`);
  }
  forward(x: Tensor): Tensor {
    const s = this.startAxis < 0 ? this.startAxis + x.ndim : this.startAxis;
    if (s < 0 || s >= x.ndim) throw new Error(`${this.describe()}: input needs more than ${this.startAxis < 0 ? -this.startAxis - 1 : this.startAxis} axes to flatten from axis ${this.startAxis}, got ${fmtShape(x.shape)}`);
    return flatten(x, this.startAxis);
  }
  override describe(): string { return `Flatten(start=${this.startAxis})`; }
}

/** Constant padding of the last axis by [left, right] (causal padding is [(k−1)·d, 0]). */
export class ConstantPad1d extends Module {
  constructor(readonly left: number, readonly right: number, readonly value = 0) {
    super();
    if (![left, right].every((n) => Number.isInteger(n) && n >= 0)) throw new Error(`ConstantPad1d: left and right padding must be non-negative integers, got (${left}, ${right})`);
  }
  forward(x: Tensor): Tensor {
    if (x.ndim < 1) throw new Error(`${this.describe()}: input must have at least one axis, got ${fmtShape(x.shape)}`);
    return pad(x, [this.left], [this.right], this.value);
  }
  override describe(): string { return `ConstantPad1d(${this.left}, ${this.right})`; }
}

/** Inverted dropout: zeroes each element with probability p in training and scales by 1/(1−p). */
export class Dropout extends Module {
  private readonly rng: Rng | undefined;
  constructor(readonly p = 0.5, rng?: Rng) {
    super();
    if (!(p >= 0 && p < 1)) throw new Error(`Dropout: p must be in [0, 1), got ${p}`);
    this.rng = rng;
  }
  forward(x: Tensor): Tensor {
    if (!this.training || this.p === 0) return x;
    const rng = this.rng ?? getRng();
    const keep = allocate(x.dtype, x.size);
    const scale = 1 / (1 - this.p);
    for (let i = 0; i < keep.length; i++) keep[i] = rng.next() < this.p ? 0 : scale;
    return mul(x, make(keep, x.shape));
  }
  override describe(): string { return `Dropout(${this.p})`; }
}
