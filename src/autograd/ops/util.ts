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

export { writeStrided } from '../../tensor/strided.js';
