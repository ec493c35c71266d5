/**
 * Integer rounding inside cost models with straight-through gradients: hardware cycle counts
 * hold ⌈x / n⌉ terms (channels split over 4 SIMD lanes, rows over 8 cores), which are flat almost
 * everywhere. The forward pass rounds; the backward pass uses the gradient of the un-rounded
 * expression, so a search still feels how the cost grows with the sizes.
 *
 * `withRelaxedRounding` evaluates a cost with the rounding switched off: the smooth function
 * whose gradient the straight-through rule stands for, used to finite-difference check costs.
 */

import type { Tensor } from '../tensor/tensor.js';
import { straightThrough } from '../autograd/custom.js';
import { ceil, div, floor, mul } from '../autograd/ops/elementwise.js';

const ceilOp = straightThrough('ceilSTE', (x) => ceil(x));
const floorOp = straightThrough('floorSTE', (x) => floor(x));

let relaxed = false;

/** ⌈x⌉ forward, identity gradient. */
export function ceilSte(x: Tensor): Tensor {
  return relaxed ? x : ceilOp(x);
}

/** ⌊x⌋ forward, identity gradient. */
export function floorSte(x: Tensor): Tensor {
  return relaxed ? x : floorOp(x);
}

/** ⌈x / n⌉ (e.g. the number of groups of n channels) with a straight-through gradient 1/n. */
export function ceilDiv(x: Tensor, n: number): Tensor {
  return ceilSte(div(x, n));
}

/** n·⌈x / n⌉: x rounded up to a multiple of n. */
export function roundUpTo(x: Tensor, n: number): Tensor {
  return mul(ceilDiv(x, n), n);
}

/** Run `fn` with every ceilSte / floorSte as the identity (smooth relaxation of the costs). */
export function withRelaxedRounding<T>(fn: () => T): T {
  const before = relaxed;
  relaxed = true;
  try {
    return fn();
  } finally {
    relaxed = before;
  }
}

/** ⌈v / n⌉ of a plain number (static geometry, no gradient needed). */
export function ceilDivNum(v: number, n: number): number {
  return Math.ceil(v / n);
}
