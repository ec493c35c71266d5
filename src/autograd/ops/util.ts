/**
 * Small helpers shared by the differentiable ops: numbers to tensors, dtype choice for float
 * results, and scattering a dense buffer into a strided view.
 */

import { allocate, getDefaultDtype, isFloat, type DType, type TypedArray } from '../../tensor/dtype.js';
import { Tensor } from '../../tensor/tensor.js';
import type { Shape } from '../../tensor/shape.js';

export type TensorLike = Tensor | number;

/** A number becomes a 0-d tensor of the dtype it will be combined with. */
export function asTensor(v: TensorLike, like?: Tensor): Tensor {
  if (v instanceof Tensor) return v;
  let dt: DType = like?.dtype ?? getDefaultDtype();
  if (!isFloat(dt) && !Number.isInteger(v)) dt = getDefaultDtype();
  const a = allocate(dt, 1);
  a[0] = v;
  return new Tensor(a, []);
}

/** Float ops on integer inputs produce the default float dtype. */
export function floatDtype(t: Tensor): DType {
  return isFloat(t.dtype) ? t.dtype : getDefaultDtype();
}

export function make(data: TypedArray, shape: Shape): Tensor {
  return new Tensor(data, [...shape]);
}

/** dst read through (shape, strides, offset) receives src's dense row-major values. */
export function writeStrided(dst: TypedArray, shape: Shape, strides: readonly number[], offset: number, src: TypedArray): void {
  const nd = shape.length;
  let size = 1;
  for (const d of shape) size *= d;
  if (size === 0) return;
  if (nd === 0) {
    dst[offset] = src[0];
    return;
  }
  const idx = new Array<number>(nd).fill(0);
  const inner = shape[nd - 1];
  const is = strides[nd - 1];
  let base = offset;
  let o = 0;
  for (;;) {
    for (let j = 0, p = base; j < inner; j++, p += is) dst[p] = src[o++];
    let d = nd - 2;
    while (d >= 0) {
      idx[d]++;
      base += strides[d];
      if (idx[d] < shape[d]) break;
      base -= strides[d] * shape[d];
      idx[d] = 0;
      d--;
    }
    if (d < 0) return;
  }
}
