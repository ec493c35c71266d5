/**
 * Batch normalisation over the channel axis (axis 1) of [N, C], [N, C, L] or [N, C, H, W].
 * Training normalises with the biased batch variance and updates the running statistics with
 * the unbiased one (PyTorch's convention); eval mode uses the running statistics.
 */

import { fmtShape } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { ones, zeros } from '../../tensor/create.js';
import { add, div, mul, sqrt, sub } from '../../autograd/ops/elementwise.js';
import { mean, variance } from '../../autograd/ops/reduce.js';
import { reshape } from '../../autograd/ops/movement.js';
import { noGrad } from '../../autograd/graph.js';
import { Module } from '../module.js';

export interface BatchNormOptions {
  eps?: number;
  momentum?: number;
  affine?: boolean;
}

export class BatchNorm extends Module {
  readonly weight: Tensor | null;
  readonly bias: Tensor | null;
  readonly runningMean: Tensor;
  readonly runningVar: Tensor;
  readonly eps: number;
  readonly momentum: number;

  constructor(readonly numFeatures: number, private readonly ranks: readonly number[], private readonly kind: string, opts: BatchNormOptions = {}) {
    super();
    if (!Number.isInteger(numFeatures) || numFeatures < 1) throw new Error(`${kind}: numFeatures must be a positive integer, got ${numFeatures}`);
    this.eps = opts.eps ?? 1e-5;
    if (!(this.eps >= 0 && Number.isFinite(this.eps))) throw new Error(`${kind}: eps must be a finite number ≥ 0, got ${this.eps}`);
    this.momentum = opts.momentum ?? 0.1;
    if (!(this.momentum >= 0 && this.momentum <= 1)) throw new Error(`${kind}: momentum must be in [0, 1], got ${this.momentum}`);
    const affine = opts.affine ?? true;
    this.weight = affine ? this.registerParameter('weight', ones([numFeatures])) : null;
    this.bias = affine ? this.registerParameter('bias', zeros([numFeatures])) : null;
    this.runningMean = this.registerBuffer('running_mean', zeros([numFeatures]));
    this.runningVar = this.registerBuffer('running_var', ones([numFeatures]));
  }

  forward(x: Tensor): Tensor {
    if (!this.ranks.includes(x.ndim) || x.shape[1] !== this.numFeatures) {
      const want = this.ranks.map((r) => `[N, ${this.numFeatures}${', ·'.repeat(r - 2)}]`).join(' or ');
      throw new Error(`${this.describe()}: input must be ${want}, got ${fmtShape(x.shape)}`);
    }
    const axes = [0, ...Array.from({ length: x.ndim - 2 }, (_, i) => i + 2)];
    const bshape = x.shape.map((d, i) => (i === 1 ? d : 1));
    let m: Tensor;
    let v: Tensor;
    if (this.training) {
      const count = x.size / this.numFeatures;
      if (count < 2) throw new Error(`${this.describe()}: training needs more than one value per channel, got input ${fmtShape(x.shape)}`);
      m = mean(x, axes, true);
      v = variance(x, axes, true);
      noGrad(() => {
        const mv = m.values();
        const vv = v.values();
        const rm = this.runningMean.data;
        const rv = this.runningVar.data;
        const k = this.momentum;
        for (let c = 0; c < this.numFeatures; c++) {
          rm[c] = (1 - k) * rm[c] + k * mv[c];
          rv[c] = (1 - k) * rv[c] + k * vv[c] * (count / (count - 1));
        }
      });
    } else {
      m = reshape(this.runningMean, bshape);
      v = reshape(this.runningVar, bshape);
    }
    let y = div(sub(x, m), sqrt(add(v, this.eps)));
    if (this.weight !== null && this.bias !== null) y = add(mul(y, reshape(this.weight, bshape)), reshape(this.bias, bshape));
    return y;
  }

  override describe(): string {
    return `${this.kind}(${this.numFeatures})`;
  }
}

export class BatchNorm1d extends BatchNorm {
  constructor(numFeatures: number, opts: BatchNormOptions = {}) {
    super(numFeatures, [2, 3], 'BatchNorm1d', opts);
  }
}

export class BatchNorm2d extends BatchNorm {
  constructor(numFeatures: number, opts: BatchNormOptions = {}) {
    super(numFeatures, [4], 'BatchNorm2d', opts);
  }
}
