/**
 * Memory footprint of a deployed integer layer, differentiable in the searched sizes:
 *   flash = packed weights (⌈weight bits / 8⌉ bytes) + a 32-bit bias per output channel + the
 *           requantisation constants (a 32-bit multiplier and a shift byte per output channel:
 *           the integer engine, src/quant/integer/requant.ts, and the C export requantise per
 *           channel, which keeps full multiplier precision where one shared shift would lose
 *           bits; docs/design.md#integer-deployment);
 *   RAM   = input + output activations of one invocation at their bit-widths + the kernel's
 *           scratch (im2col) buffer; the model's peak RAM is the maximum over its layer calls.
 * Bit-widths come from a mixed-precision search when it sets them (EffectiveSizes.inBits /
 * outBits / wBitsSum), else from the target's native precision.
 * With pruned (0-bit) channels, eff.cout is the kept channels (the integer engine and the C export
 * store bias and requantisation constants for those only) and eff.cin the live inputs (a layer
 * stores no weights for inputs every writer pruned), so flash matches the deployed bytes. RAM is
 * an under-estimate then: the deployed activation buffers still hold the pruned channels (as zeros).
 */

import type { Tensor } from '../tensor/tensor.js';
import { add, div, mul } from '../autograd/ops/elementwise.js';
import type { CostFn, EffectiveSizes, LayerSpec } from './spec.js';
import { ceilDiv } from './rounding.js';

/** Bytes per output channel of the 32-bit bias, and of the 32-bit multiplier plus its shift byte. */
export const BIAS_BYTES = 4;
export const REQUANT_BYTES_PER_CHANNEL = 5;

const prod = (xs: readonly number[]): number => xs.reduce((a, b) => a * b, 1);

/** Weights per output channel at the effective sizes: (cin / groups)·k, or k for a depthwise layer. */
export function weightsPerChannel(spec: LayerSpec, eff: EffectiveSizes): Tensor {
  if (spec.depthwise) return eff.k;
  return mul(spec.groups === 1 ? eff.cin : div(eff.cin, spec.groups), eff.k);
}

/** Total weight bits: weights per channel × Σ_c bits_c (pruned channels count 0 bits, once). */
export function weightBits(spec: LayerSpec, eff: EffectiveSizes, nativeBits: number): Tensor {
  return mul(weightsPerChannel(spec, eff), eff.wBitsSum ?? mul(eff.cout, nativeBits));
}

/** Flash bytes of one layer: packed weights + bias + requantisation constants. */
export function flashBytes(spec: LayerSpec, eff: EffectiveSizes, nativeBits: number): Tensor {
  const weights = ceilDiv(weightBits(spec, eff, nativeBits), 8);
  return add(weights, mul(eff.cout, BIAS_BYTES + REQUANT_BYTES_PER_CHANNEL));
}

/** Bytes of an activation tensor of `channels` × `positions` values at `bits` each. */
export function activationBytes(channels: Tensor, positions: number, bits: Tensor | number): Tensor {
  return ceilDiv(mul(mul(channels, positions), bits), 8);
}

/** Input + output activation bytes of one invocation. */
export function liveActivationBytes(spec: LayerSpec, eff: EffectiveSizes, nativeBits: number): Tensor {
  const input = activationBytes(eff.cin, prod(spec.inShape ?? spec.outShape), eff.inBits ?? nativeBits);
  const output = activationBytes(eff.cout, prod(spec.outShape), eff.outBits ?? nativeBits);
  return add(input, output);
}

/** RAM of one invocation: live activations + the kernel's scratch buffer. */
export function ramBytes(spec: LayerSpec, eff: EffectiveSizes, nativeBits: number, scratch: CostFn): Tensor {
  return add(liveActivationBytes(spec, eff, nativeBits), scratch(spec, eff));
}
