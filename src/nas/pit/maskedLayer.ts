/**
 * A layer whose output is re-masked by its group's channel mask: BatchNorm (its shift would
 * revive a pruned channel) or any activation with f(0) ≠ 0. The wrapped module's parameters and
 * buffers are re-registered here under their own names, so checkpoints keep their keys.
 */

import type { Tensor } from '../../tensor/tensor.js';
import { Module } from '../../nn/module.js';
import { applyChannelMask, type ChannelMaskSource } from './channelMask.js';

export class MaskedLayer extends Module {
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
    this.inner.training = this.training;
    const y = this.inner.forward(x);
    const m = this._mask.hard();
    return m === null ? y : applyChannelMask(y, m, this.repeat);
  }

  override describe(): string {
    return `Masked(${this.inner.describe()})`;
  }
}
