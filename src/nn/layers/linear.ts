/** Fully connected layer: y = x·Wᵀ + b over the last axis of x. */

import { fmtShape } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { Rng } from '../../tensor/rng.js';
import { add } from '../../autograd/ops/elementwise.js';
import { matmul } from '../../autograd/ops/matmul.js';
import { transpose } from '../../autograd/ops/movement.js';
import { Module } from '../module.js';
import { defaultLayerInit } from '../init.js';

export interface LinearOptions {
  bias?: boolean;
  rng?: Rng;
}

export class Linear extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  constructor(readonly inFeatures: number, readonly outFeatures: number, opts: LinearOptions = {}) {
    super();
    for (const [k, v] of [['inFeatures', inFeatures], ['outFeatures', outFeatures]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new Error(`Linear: ${k} must be a positive integer, got ${v}`);
    }
    this.weight = this.registerParameter('weight', defaultLayerInit([outFeatures, inFeatures], inFeatures, opts.rng));
    this.bias = opts.bias === false ? null : this.registerParameter('bias', defaultLayerInit([outFeatures], inFeatures, opts.rng));
  }

  forward(x: Tensor): Tensor {
    if (x.ndim < 2 || x.shape[x.ndim - 1] !== this.inFeatures) {
      throw new Error(`${this.describe()}: input must be [N, ..., ${this.inFeatures}] (at least two axes), got ${fmtShape(x.shape)}`);
    }
    const y = matmul(x, transpose(this.weight));
    return this.bias === null ? y : add(y, this.bias);
  }

  override describe(): string {
    return `Linear(${this.inFeatures}→${this.outFeatures}${this.bias === null ? ', no bias' : ''})`;
  }
}
