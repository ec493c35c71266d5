/**
 * A layer whose output is re-masked by its group's channel mask: BatchNorm (its shift would
 * revive a pruned channel) or any activation with f(0) ≠ 0. The wrapped module's parameters and
 * buffers are re-registered here under their own names, so checkpoints keep their keys.
 */

import type { Tensor } from '../../tensor/tensor.js';
import { Module } from '../../nn/module.js';
import { mul, relu as reluOp } from '../../autograd/ops/elementwise.js';
import { BatchNorm, BatchNorm1d, BatchNorm2d } from '../../nn/layers/batchnorm.js';
import { applyChannelMask, channelMaskParams, type ChannelMaskSource } from './channelMask.js';
import { copyModule, exportBatchNorm } from './export.js';
import type { PitModuleKind } from './kinds.js';

export class MaskedLayer extends Module {
  static readonly moduleKind: PitModuleKind<MaskedLayer> = {
    name: 'MaskedLayer', method: 'pit',
    matches: (m) => m instanceof MaskedLayer,
    // It exists to re-mask: its output always takes its group's mask.
    passChannels: () => ({ needsMask: true, flatten: false }),
    searchParameters: (l) => channelMaskParams(l.mask),
    toDense: (l, p) => {
      const inner = l.inner;
      if (inner instanceof BatchNorm) return exportBatchNorm(inner, p.channels ?? Array.from({ length: inner.numFeatures }, (_, i) => i));
      return copyModule(inner, new Map());
    },
  };

  private _mask: ChannelMaskSource;

  /** `repeat`: each mask bit covers this many consecutive features of axis 1 (after a flatten). */
  constructor(readonly inner: Module, mask: ChannelMaskSource, readonly repeat = 1) {
    super();
    if (inner.children().length > 0) throw new Error(`MaskedLayer: wraps leaf modules only, got ${inner.describe()} with children`);
    for (const [n, p] of inner.namedParameters()) this.registerParameter(n, p);
    for (const [n, b] of inner.namedBuffers()) this.registerBuffer(n, b);
    this._mask = mask;
    this.mask = mask;
  }

  get mask(): ChannelMaskSource {
    return this._mask;
  }

  set mask(m: ChannelMaskSource) {
    this._mask = m;
    if (m instanceof Module) {
      if (this.children().some(([n]) => n === 'outMask')) this.replaceChild('outMask', m);
      else this.registerModule('outMask', m);
    }
  }

  forward(x: Tensor): Tensor {
    return this.run(x, false);
  }

  /** A masked BatchNorm returns a fresh array and keeps no input (Sequential may recycle around it). */
  get keepsNothing(): boolean {
    return this.foldsIntoBatchNorm();
  }

  private foldsIntoBatchNorm(): boolean {
    const bn = this.inner;
    return (bn.constructor === BatchNorm1d || bn.constructor === BatchNorm2d) && !Object.prototype.hasOwnProperty.call(bn, 'forward') && this.repeat === 1;
  }

  /** relu(forward(x)) as one op where the inner layer is a BatchNorm (src/nn/layers/containers.ts). */
  forwardRelu(x: Tensor): Tensor {
    return this.run(x, true);
  }

  private run(x: Tensor, relu: boolean): Tensor {
    this.inner.training = this.training;
    const m = this._mask.hard();
    const bn = this.inner as Module;
    // A BatchNorm's mask is folded into its affine map: (x̂·w + b)·m = x̂·(w·m) + b·m, one op
    // instead of an extra pass over the activation.
    if (this.foldsIntoBatchNorm()) {
      const { weight, bias } = bn as BatchNorm;
      const w = m === null ? weight : weight === null ? m : mul(weight, m);
      const b = m === null || bias === null ? bias : mul(bias, m);
      return (bn as BatchNorm).normalize(x, relu, w, b);
    }
    let y = bn.forward(x);
    if (m !== null) y = applyChannelMask(y, m, this.repeat);
    return relu ? reluOp(y) : y;
  }

  override describe(): string {
    return `Masked(${this.inner.describe()})`;
  }
}
