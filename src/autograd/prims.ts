/**
 * The primitive set of the autograd engine and the attributes each primitive records.
 *
 * Every differentiable operation of the library is one of these primitives or a composition of
 * them; `rules.ts` holds exactly one gradient rule per primitive, and because the rule table is
 * typed as `{ [P in Prim]: Rule<P> }`, adding a primitive without its rule is a compile error.
 */

import type { ConvGeom, PoolGeom } from '../kernels/contracts.js';
import type { Tensor } from '../tensor/tensor.js';

/** The backward of a custom op: one gradient (or null) per input. */
export type CustomBackward = (g: Tensor, ctx: { inputs: readonly Tensor[]; output: Tensor; saved: unknown }) => (Tensor | null)[];

export interface PrimAttrs {
  // unary maps
  neg: object;
  exp: object;
  log: object;
  sqrt: object;
  abs: object;
  relu: object;
  sigmoid: object;
  tanh: object;
  softplus: object;
  logcosh: object;
  sin: object;
  cos: object;
  clamp: { lo: number; hi: number };
  powScalar: { p: number };
  leakyRelu: { slope: number };
  // broadcasting binary ops
  add: object;
  sub: object;
  mul: object;
  div: object;
  maximum: object;
  minimum: object;
  where: { cond: Uint8Array };
  // reductions
  sum: { axes: number[]; keepdims: boolean };
  max: { axes: number[]; keepdims: boolean };
  // movement (views or copies)
  reshape: { shape: number[] };
  permute: { perm: number[] };
  expand: { shape: number[] };
  slice: { starts: number[]; steps: number[] };
  pad: { before: number[]; after: number[]; value: number };
  concat: { axis: number };
  contiguous: object;
  cast: object;
  take: { axis: number; indices: Int32Array };
  // linear algebra and networks
  matmul: object;
  /** relu: the output went through a fused ReLU (its gradient masks g by out > 0). */
  conv: { geom: ConvGeom; hasBias: boolean; relu: boolean };
  /** mean / invstd: the statistics used; k = invstd·weight; relu: a fused ReLU followed. */
  batchNorm: {
    n: number; c: number; s: number; mean: Float64Array; invstd: Float64Array; k: Float64Array;
    training: boolean; relu: boolean; hasWeight: boolean; hasBias: boolean;
  };
  maxPool: { geom: PoolGeom; argmax: Int32Array };
  avgPool: { geom: PoolGeom; countIncludePad: boolean };
  logSoftmax: { axis: number };
  custom: { name: string; backward: CustomBackward; saved: unknown };
}

export type Prim = keyof PrimAttrs;
