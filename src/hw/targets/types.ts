/**
 * A hardware target: its clock and power, the precision its kernels run at, and two small
 * functions of a layer call — cycles and scratch-buffer bytes — from which the latency, energy,
 * flash and peak-RAM costs of a search follow (targets/costs.ts). Built-in targets live next to
 * this file; a user adds one as data (targets/json.ts) without editing the library.
 */

import type { Tensor } from '../../tensor/tensor.js';
import { div } from '../../autograd/ops/elementwise.js';
import type { CostFn, EffectiveSizes, LayerSpec } from '../spec.js';

export interface HardwareTarget {
  /** Key used on the command line (--target) and in reports. */
  name: string;
  description: string;
  clockHz: number;
  /** Average power while running the network, in watts (energy = cycles / clock × power). */
  powerW: number;
  /** Bit-width of activations and weights when a mixed-precision search gives none. */
  nativeBits: number;
  /** Cycles of one invocation of a layer (autograd scalar, differentiable in the effective sizes). */
  cycles: CostFn;
  /** Bytes of the kernel's scratch (im2col) buffer for one invocation. */
  scratchBytes: CostFn;
}

/**
 * Output geometry of one invocation as the kernels see it: conv2d [Ho, Wo]; a conv1d maps onto
 * a 2-D kernel with Ho = 1, Wo = L; a linear is Ho = 1, Wo = its number of positions (1 on [N, F]).
 */
export function outputGeometry(spec: LayerSpec): { ho: number; wo: number; positions: number } {
  const s = spec.outShape;
  if (spec.kind === 'conv2d') return { ho: s[0], wo: s[1], positions: s[0] * s[1] };
  const l = s.reduce((a, b) => a * b, 1);
  return { ho: 1, wo: l, positions: l };
}

/** Input channels per group at the effective sizes (1 for a depthwise layer). */
export function cinPerGroup(spec: LayerSpec, eff: EffectiveSizes): Tensor | number {
  if (spec.depthwise) return 1;
  return spec.groups === 1 ? eff.cin : div(eff.cin, spec.groups);
}

/** Expected activation and weight bit-widths of a call, or the target's native width. */
export function layerBits(eff: EffectiveSizes, nativeBits: number): { a: Tensor | number; w: Tensor | number } {
  const w = eff.wBitsSum === undefined ? nativeBits : div(eff.wBitsSum, eff.cout.item() === 0 ? 1 : eff.cout);
  return { a: eff.inBits ?? nativeBits, w };
}
