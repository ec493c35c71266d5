/**
 * A searchable activation quantiser: Σ_i θ_i·PACT_{p_i}(x) with one learnable clip shared by the
 * candidates. One instance serves every layer that reads the same activation group (branches
 * meeting in an add share it), so a layer's input precision is its predecessor's output
 * precision by construction. The network input gets a fixed-precision signed instance.
 */

import type { Tensor } from '../../tensor/tensor.js';
import { scalar } from '../../tensor/create.js';
import { add, mul } from '../../autograd/ops/elementwise.js';
import { slice } from '../../autograd/ops/movement.js';
import { Module } from '../../nn/module.js';
import { PrecisionSelector, type SelectionState } from './selector.js';
import { pactQuant } from './quantizers.js';

/** Σ_i θ_i·PACT_{p_i}(x) with one clip; θ has shape [|P|]. */
export function mixActivation(x: Tensor, clip: Tensor, theta: Tensor, precisions: readonly number[], signed: boolean): Tensor {
  let y: Tensor | null = null;
  precisions.forEach((p, i) => {
    const term = mul(pactQuant(x, clip, p, { signed }), slice(theta, [{ start: i, stop: i + 1 }]));
    y = y === null ? term : add(y, term);
  });
  return y as unknown as Tensor;
}

export class MixedActQuant extends Module {
  readonly clip: Tensor;
  readonly selector: PrecisionSelector;

  constructor(readonly precisions: readonly number[], readonly signed: boolean, state: SelectionState, clip = 6) {
    super();
    this.clip = this.registerParameter('clip', scalar(clip));
    this.selector = this.registerModule('selector', new PrecisionSelector(precisions, 0, state));
  }

  /** Searched when there is more than one candidate. */
  get searched(): boolean {
    return this.precisions.length > 1 && !this.selector.fixed;
  }

  private calibrationMax: number | null = null;

  /** Until endCalibration(): pass activations through unquantised and record their largest |value|. */
  startCalibration(): void {
    this.calibrationMax = 0;
  }

  endCalibration(): void {
    if (this.calibrationMax !== null && this.calibrationMax > 0) this.clip.data[this.clip.offset] = this.calibrationMax;
    this.calibrationMax = null;
  }

  forward(x: Tensor): Tensor {
    if (this.calibrationMax !== null) {
      const v = x.values();
      let m = this.calibrationMax;
      for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i]));
      this.calibrationMax = m;
      return x;
    }
    if (!this.searched) return pactQuant(x, this.clip, this.chosenBits(), { signed: this.signed });
    return mixActivation(x, this.clip, this.selector.theta(), this.precisions, this.signed);
  }

  /** E[bits] (or the straight-through argmax bits) as an autograd scalar. */
  bits(discrete: boolean): Tensor {
    if (!this.searched) return scalar(this.chosenBits());
    return this.selector.expectedBits(this.selector.costTheta(discrete));
  }

  chosenBits(): number {
    return this.selector.chosenBits()[0];
  }
}
