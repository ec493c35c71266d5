/**
 * What optimisers and clipping require of a parameter and of its gradient, and how they name a
 * parameter in errors.
 */

import { fmtShape, sameShape } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { fmtValue } from './validate.js';

/** Storage of a trainable parameter and of every per-parameter optimiser buffer. */
export type FloatArray = Float32Array | Float64Array;

/** "parameter 3 ('fc.weight')", or "parameter 3 (shape [4, 2])" when unnamed. */
export function describeParam(p: Tensor, index: number): string {
  return p.name !== undefined ? `parameter ${index} ('${p.name}')` : `parameter ${index} (shape ${fmtShape(p.shape)})`;
}

/**
 * Optimisers write `p.data` in place, so the parameter must own dense float storage, and it must
 * be a leaf: updating an op's output would not change what the graph computes next time.
 */
export function checkParam(owner: string, p: unknown, index: number, where: string): asserts p is Tensor {
  if (!(p instanceof Tensor)) {
    throw new Error(`${owner}: ${where}parameter ${index} must be a Tensor, got ${fmtValue(p)}`);
  }
  const what = `${where}${describeParam(p, index)}`;
  if (p.dtype !== 'float32' && p.dtype !== 'float64') {
    throw new Error(`${owner}: ${what} has dtype ${p.dtype}; only float32 and float64 parameters can be optimised`);
  }
  if (!p.isDense) {
    throw new Error(`${owner}: ${what} is a strided view (offset ${p.offset}, strides ${fmtShape(p.strides)}); parameters must own dense storage, pass the tensor the view was taken from`);
  }
  if (p.node !== null) {
    throw new Error(`${owner}: ${what} was computed by '${p.node.op}'; only leaf tensors (created directly, with requiresGrad) can be optimised`);
  }
}

/** The gradient's values, after checking that it matches the parameter. */
export function gradValues(owner: string, p: Tensor, index: number): ArrayLike<number> {
  const g = p.grad as Tensor;
  if (!sameShape(g.shape, p.shape)) {
    throw new Error(`${owner}: gradient of ${describeParam(p, index)} has shape ${fmtShape(g.shape)} but the parameter has shape ${fmtShape(p.shape)}`);
  }
  return g.values();
}

/** A zero buffer of the parameter's dtype and size (moments are kept at the parameter's precision). */
export function zerosLike(p: FloatArray): FloatArray {
  return p instanceof Float64Array ? new Float64Array(p.length) : new Float32Array(p.length);
}
