/**
 * An activation quantiser module: PACT with a learnable clip α (unsigned, the network's ReLU) or
 * its signed variant (network input, residual branches meeting in an add). Its step is the scale
 * the integer engine uses for the activations it produces.
 */

import type { Tensor } from '../tensor/tensor.js';
import { tensor } from '../tensor/create.js';
import { relu } from '../autograd/ops/elementwise.js';
import { Module } from '../nn/module.js';
import { pactQuant, pactRange, pactScale } from './quantizers.js';

/** docs/design.md#quantisation: clip initialised to 6 for activations, 1 for the network input (calibration replaces both). */
export const DEFAULT_ALPHA = { activation: 6, input: 1 } as const;

/** Smallest clip kept during training (see forward). */
export const MIN_ALPHA = 1e-4;

export class ActQuant extends Module {
  readonly alpha: Tensor;

  constructor(readonly bits: number, readonly signed: boolean, alpha: number, readonly role: string) {
    super();
    this.alpha = this.registerParameter('alpha', tensor([alpha]));
  }

  /** While set, forward passes values through (ReLU for unsigned) and hands them to `observe`. */
  calibrating = false;
  observe: ((x: Tensor) => void) | null = null;

  forward(x: Tensor): Tensor {
    if (this.calibrating) {
      this.observe?.(x);
      return this.signed ? x : relu(x);
    }
    // Projection onto α > 0: an optimiser step may push a rarely saturated clip through zero.
    if (this.alpha.data[0] < MIN_ALPHA) this.alpha.data[0] = MIN_ALPHA;
    return pactQuant(x, this.alpha, this.bits, { signed: this.signed });
  }

  /** The value of one integer step. */
  scale(): number {
    return pactScale(this.alpha.item(), this.bits, this.signed);
  }

  range(): { qmin: number; qmax: number } {
    return pactRange(this.bits, this.signed);
  }

  override describe(): string {
    return `${this.signed ? 'SignedQuant' : 'PACT'}(${this.bits}b, α=${this.alpha.item().toPrecision(4)}; ${this.role})`;
  }
}
