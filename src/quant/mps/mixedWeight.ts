/**
 * A searchable weight quantiser: W_mix = Σ_i θ_i ⊙ Q_{p_i}(W), θ per layer or per output channel.
 * By linearity one convolution with W_mix equals the θ-weighted sum of the convolutions at each
 * precision. A 0-bit candidate contributes nothing (the channel is pruned), and the bias is mixed
 * alike, b_mix = b·(1 − θ_0): a channel sampled at 0 bits outputs exactly zero, as it does once
 * deployed, so a consumer can drop that input channel's weights (what the expected cost assumes).
 */

import type { Tensor } from '../../tensor/tensor.js';
import { add, mul } from '../../autograd/ops/elementwise.js';
import { zerosLike } from '../../tensor/create.js';
import { sum } from '../../autograd/ops/reduce.js';
import { reshape, slice } from '../../autograd/ops/movement.js';
import { Module } from '../../nn/module.js';
import { PrecisionSelector, type SelectionState } from './selector.js';
import { weightQuant } from './quantizers.js';

/** Σ_i θ_i ⊙ Q_{p_i}(w): θ [|P|] (per layer) or [|P|, Cout] (per channel); 0 bits add nothing. */
export function mixWeight(w: Tensor, theta: Tensor, precisions: readonly number[], perChannel: boolean): Tensor {
  let y: Tensor | null = null;
  precisions.forEach((p, i) => {
    if (p === 0) return;
    const row = slice(theta, [{ start: i, stop: i + 1 }]);
    const coef = reshape(row, [perChannel ? w.shape[0] : 1, ...new Array<number>(w.ndim - 1).fill(1)]);
    const term = mul(weightQuant(w, p), coef);
    y = y === null ? term : add(y, term);
  });
  return y ?? zerosLike(w);
}

export class MixedWeightQuant extends Module {
  readonly selector: PrecisionSelector;

  /** `channels` > 0: one choice per output channel; 0: one choice for the layer. */
  constructor(readonly precisions: readonly number[], readonly channels: number, state: SelectionState) {
    super();
    this.selector = this.registerModule('selector', new PrecisionSelector(precisions, channels, state));
    // Keep-alive: the last channel never takes 0 bits, so no layer is removed whole.
    const zero = precisions.indexOf(0);
    if (zero >= 0 && channels > 0) this.selector.forbid(zero, channels - 1);
  }

  get perChannel(): boolean {
    return this.channels > 0;
  }

  forward(w: Tensor): Tensor {
    return mixWeight(w, this.selector.theta(), this.precisions, this.perChannel);
  }

  /**
   * The mixed weight and bias from one draw of θ (Gumbel noise must be shared by the two): the
   * bias is scaled per channel by 1 − θ_0, so a hard 0-bit choice zeroes weight and bias.
   */
  mixed(w: Tensor, bias: Tensor | null): { weight: Tensor; bias: Tensor | null } {
    const theta = this.selector.theta();
    const weight = mixWeight(w, theta, this.precisions, this.perChannel);
    if (bias === null || !this.perChannel) return { weight, bias };
    const alive = this.selector.aliveProbability(theta);
    return { weight, bias: alive === null ? bias : mul(bias, alive) };
  }

  /** Σ_c E[b_w,c] (per layer: cout·E[b_w]), 0-bit channels counting 0. */
  bitsSum(discrete: boolean, cout: number): Tensor {
    const e = this.selector.expectedBits(this.selector.costTheta(discrete));
    return this.perChannel ? sum(e) : mul(e, cout);
  }

  /** Expected number of kept output channels, or null when no channel can be pruned. */
  alive(discrete: boolean): Tensor | null {
    if (!this.perChannel) return null;
    const a = this.selector.aliveProbability(this.selector.costTheta(discrete));
    return a === null ? null : sum(a);
  }

  /** The chosen bit-width of every output channel. */
  chosenBits(cout: number): number[] {
    const b = this.selector.chosenBits();
    return this.perChannel ? b : new Array<number>(cout).fill(b[0]);
  }
}
