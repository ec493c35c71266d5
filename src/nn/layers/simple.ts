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

export class MaxPool1d extends Module {
  constructor(readonly opts: Pool1dOptions) { super(); }
  forward(x: Tensor): Tensor { return maxPool1d(x, this.opts); }
  override describe(): string { return `MaxPool1d(k=${this.opts.kernel}, s=${this.opts.stride ?? this.opts.kernel})`; }
}
export class AvgPool1d extends Module {
  constructor(readonly opts: Pool1dOptions) { super(); }
  forward(x: Tensor): Tensor { return avgPool1d(x, this.opts); }
  override describe(): string { return `AvgPool1d(k=${this.opts.kernel}, s=${this.opts.stride ?? this.opts.kernel})`; }
}
export class MaxPool2d extends Module {
  constructor(readonly opts: Pool2dOptions) { super(); }
  forward(x: Tensor): Tensor { return maxPool2d(x, this.opts); }
  override describe(): string { return `MaxPool2d(k=${JSON.stringify(this.opts.kernel)})`; }
}
export class AvgPool2d extends Module {
  constructor(readonly opts: Pool2dOptions) { super(); }
  forward(x: Tensor): Tensor { return avgPool2d(x, this.opts); }
  override describe(): string { return `AvgPool2d(k=${JSON.stringify(this.opts.kernel)})`; }
}
/** Mean over every spatial axis: [N, C, ...] → [N, C]. */
export class GlobalAvgPool extends Module {
  forward(x: Tensor): Tensor { return globalAvgPool(x); }
}

export class Flatten extends Module {
  constructor(readonly startAxis = 1) { super(); }
  forward(x: Tensor): Tensor { return flatten(x, this.startAxis); }
}

/** Constant padding of the last axis by [left, right] (causal padding is [(k−1)·d, 0]). */
export class ConstantPad1d extends Module {
  constructor(readonly left: number, readonly right: number, readonly value = 0) { super(); }
  forward(x: Tensor): Tensor {
    if (x.ndim < 1) throw new Error(`ConstantPad1d: input must have at least one axis, got ${fmtShape(x.shape)}`);
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
