/**
 * Batch normalisation over the channel axis (axis 1) of [N, C], [N, C, L] or [N, C, H, W].
 * Training normalises with the biased batch variance and updates the running statistics with
 * the unbiased one (PyTorch's convention); eval mode uses the running statistics.
 */

import { fmtShape } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { ones, zeros } from '../../tensor/create.js';
import { batchNorm } from '../../autograd/ops/batchnorm.js';
import { add, mul, neg, powScalar } from '../../autograd/ops/elementwise.js';
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
    return this.normalize(x, false, this.weight, this.bias);
  }

  /**
   * The layer's map with a fused ReLU when `relu`, and with the given affine parameters (a
   * searchable wrapper passes its channel mask folded into them); updates the running
   * statistics in training.
   */
  normalize(x: Tensor, relu: boolean, weight: Tensor | null, bias: Tensor | null): Tensor {
    if (!this.ranks.includes(x.ndim) || x.shape[1] !== this.numFeatures) {
      const want = this.ranks.map((r) => `[N, ${this.numFeatures}${', ·'.repeat(r - 2)}]`).join(' or ');
      throw new Error(`${this.describe()}: input must be ${want}, got ${fmtShape(x.shape)}`);
    }
    if (this.training) {
      const count = x.size / this.numFeatures;
      if (count < 2) throw new Error(`${this.describe()}: training needs more than one value per channel, got input ${fmtShape(x.shape)}`);
    }
    const r = batchNorm(x, weight, bias, {
      training: this.training, eps: this.eps, relu, runningMean: this.runningMean, runningVar: this.runningVar,
    });
    if (r.mean !== null && r.variance !== null) {
      const count = x.size / this.numFeatures;
      const rm = this.runningMean.data;
      const rv = this.runningVar.data;
      const k = this.momentum;
      for (let c = 0; c < this.numFeatures; c++) {
        rm[c] = (1 - k) * rm[c] + k * r.mean[c];
        rv[c] = (1 - k) * rv[c] + k * r.variance[c] * (count / (count - 1));
      }
    }
    return r.y;
  }

  /**
   * The eval-mode map as a per-channel scale and shift, y = x·scale + shift with
   * scale = weight/√(running var + eps) and shift = bias − running mean·scale, built from
   * differentiable ops on the parameters (a conv before it folds them into its weights).
   */
  evalScaleShift(): [Tensor, Tensor] {
    const inv = powScalar(add(this.runningVar, this.eps), -0.5);
    const scale = this.weight === null ? inv : mul(this.weight, inv);
    const shift = neg(mul(this.runningMean, scale));
    return [scale, this.bias === null ? shift : add(this.bias, shift)];
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
