/**
 * Parameter initialisation as PyTorch does it by default, drawn from the seeded generator.
 *
 * PyTorch's Linear and Conv layers use kaiming_uniform with a = √5 for weights, which reduces
 * to U(−1/√fan_in, 1/√fan_in), and the same bound for biases.
 */

import { allocate, getDefaultDtype } from '../tensor/dtype.js';
import { getRng, type Rng } from '../tensor/rng.js';
import { Tensor } from '../tensor/tensor.js';
import { sizeOf } from '../tensor/shape.js';

export function uniformTensor(shape: number[], bound: number, rng: Rng = getRng()): Tensor {
  const a = allocate(getDefaultDtype(), sizeOf(shape));
  for (let i = 0; i < a.length; i++) a[i] = (rng.next() * 2 - 1) * bound;
  return new Tensor(a, shape);
}

export function normalTensor(shape: number[], std: number, rng: Rng = getRng()): Tensor {
  const a = allocate(getDefaultDtype(), sizeOf(shape));
  for (let i = 0; i < a.length; i++) a[i] = rng.normal() * std;
  return new Tensor(a, shape);
}

/** PyTorch's default for Linear / Conv weights and biases: U(±1/√fan_in). */
export function defaultLayerInit(shape: number[], fanIn: number, rng?: Rng): Tensor {
  return uniformTensor(shape, fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0, rng);
}

/** He normal init (fan_in, ReLU gain), offered for users who prefer it. */
export function kaimingNormal(shape: number[], fanIn: number, rng?: Rng): Tensor {
  return normalTensor(shape, Math.sqrt(2 / Math.max(fanIn, 1)), rng);
}

export function xavierUniform(shape: number[], fanIn: number, fanOut: number, rng?: Rng): Tensor {
  return uniformTensor(shape, Math.sqrt(6 / Math.max(fanIn + fanOut, 1)), rng);
}
