/**
 * Typed kernel contracts: the loops every backend implements (or leaves to the `js` reference).
 *
 * Kernels see only typed arrays and plain geometry records; they never see tensors or autograd.
 * All array arguments are dense row-major unless a stride argument says otherwise, and outputs
 * are written, never allocated, so a backend can keep buffers in its own memory.
 */

import type { TypedArray } from '../tensor/dtype.js';

export const UNARY_OPS = [
  'neg', 'exp', 'log', 'sqrt', 'rsqrt', 'abs', 'sign', 'square', 'recip', 'relu', 'sigmoid', 'tanh',
  'floor', 'ceil', 'roundHalfEven', 'step', 'log1pexp', 'logcosh', 'clamp', 'powScalar', 'leakyRelu',
  'sin', 'cos',
] as const;
export type UnaryOp = (typeof UNARY_OPS)[number];

export const BINARY_OPS = ['add', 'sub', 'mul', 'div', 'maximum', 'minimum', 'pow', 'gt', 'ge', 'lt', 'le', 'eq'] as const;
export type BinaryOp = (typeof BINARY_OPS)[number];

export type ReduceOp = 'sum' | 'max' | 'min' | 'argmax' | 'argmin';

/** A strided read of a broadcast operand: element (i0..in) is at offset + Σ ik·strides[k]. */
export interface StridedOperand {
  data: TypedArray;
  strides: readonly number[];
  offset: number;
}

/** Geometry of a 2-D convolution (1-D convolutions use h = kh = 1). Padding may be asymmetric. */
export interface ConvGeom {
  n: number;
  cin: number;
  h: number;
  w: number;
  cout: number;
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  dh: number;
  dw: number;
  padTop: number;
  padBottom: number;
  padLeft: number;
  padRight: number;
  groups: number;
  ho: number;
  wo: number;
}

/** Geometry of a 2-D pooling window (1-D pooling uses h = kh = 1). */
export interface PoolGeom {
  n: number;
  c: number;
  h: number;
  w: number;
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  padTop: number;
  padLeft: number;
  ho: number;
  wo: number;
}

export interface KernelSet {
  /** out[i] = op(x[i]); p0/p1 are the op's parameters (clamp bounds, exponent, slope). */
  unary(op: UnaryOp, x: TypedArray, out: TypedArray, n: number, p0: number, p1: number): void;
  /**
   * ReLU's gradient: out[i] = g[i] · (x[i] > 0 ? 1 : 0) — the product, so the bits (−0 where g < 0,
   * NaN where g is not finite) equal mul(g, step(x)), in one pass instead of two.
   */
  reluGrad(x: TypedArray, g: TypedArray, out: TypedArray, n: number): void;
  /** out (dense, outShape) = op(a, b) with both operands read through broadcast strides. */
  binary(op: BinaryOp, a: StridedOperand, b: StridedOperand, out: TypedArray, outShape: readonly number[]): void;
  /** x viewed as [outer, r, inner]; out is [outer, inner] (indices for argmax/argmin). */
  reduce(op: ReduceOp, x: TypedArray, outer: number, r: number, inner: number, out: TypedArray): void;
  /**
   * x viewed as [outer, mid, inner]; out[m] = Σ over outer then inner (row-major order) of x[o, m, i],
   * one float64 sum per m — the same bits as permuting to [mid, outer·inner] and reducing the last
   * axis, without the copy (a conv bias gradient: sum over [N, H, W] of [N, C, H, W]).
   */
  sumOuterInner(x: TypedArray, outer: number, mid: number, inner: number, out: TypedArray): void;
  /**
   * C[m×n] = alpha·op(A)·op(B) + beta·C with op(X) = X or Xᵀ. Leading dimensions as in BLAS
   * (row-major): lda is the row length of A as stored.
   */
  gemm(
    transA: boolean, transB: boolean, m: number, n: number, k: number, alpha: number,
    a: TypedArray, aOff: number, lda: number,
    b: TypedArray, bOff: number, ldb: number,
    beta: number, c: TypedArray, cOff: number, ldc: number,
  ): void;
  /**
   * out [n, cout, ho, wo] = conv(x [n, cin, h, w], w [cout, cin/groups, kh, kw]) + bias, then
   * ReLU when `relu` (the same bits as a separate `unary('relu')` pass: NaN and −0 give +0), so a
   * backend applies it while each sample's output is still in its cache or its own memory.
   */
  convForward(x: TypedArray, w: TypedArray, bias: TypedArray | null, out: TypedArray, g: ConvGeom, relu?: boolean): void;
  /** dx [n, cin, h, w] = ∂/∂x given dy [n, cout, ho, wo] (overwrites dx). */
  convBackwardInput(dy: TypedArray, w: TypedArray, dx: TypedArray, g: ConvGeom): void;
  /** dw [cout, cin/groups, kh, kw] = ∂/∂w given x and dy (overwrites dw). */
  convBackwardWeight(x: TypedArray, dy: TypedArray, dw: TypedArray, g: ConvGeom): void;
  /**
   * All gradients of one convolution: dx as convBackwardInput, dw as convBackwardWeight and the
   * bias gradient db [cout] as sumOuterInner(dy, n, cout, ho·wo) (each skipped when null), the
   * same bits as those calls; a backend with its own memory copies dy in once instead of three times.
   * With `reluOut` (the output of a convForward with `relu`), dy is first masked as
   * reluGrad(reluOut, dy) — the gradient of the fused ReLU, same bits — and the three gradients
   * are those of the masked dy; dy itself is not modified.
   */
  convBackward(
    x: TypedArray, w: TypedArray, dy: TypedArray, dx: TypedArray | null, dw: TypedArray | null, db: TypedArray | null, g: ConvGeom,
    reluOut?: TypedArray | null,
  ): void;
  /** Max pooling; argmax receives the flat input index (within the sample plane) of each max, −1 if the window is all padding. */
  maxPoolForward(x: TypedArray, out: TypedArray, argmax: Int32Array, g: PoolGeom): void;
  maxPoolBackward(dy: TypedArray, argmax: Int32Array, dx: TypedArray, g: PoolGeom): void;
  /** Average pooling; countIncludePad divides by the full window size (PyTorch's default). */
  avgPoolForward(x: TypedArray, out: TypedArray, g: PoolGeom, countIncludePad: boolean): void;
  avgPoolBackward(dy: TypedArray, dx: TypedArray, g: PoolGeom, countIncludePad: boolean): void;
  /**
   * Fake quantisation of x viewed as [outer, c, inner] with one scale per channel c:
   * q = clamp(rnd(x / scale[ci]), qmin, qmax), out = q · scale[ci], where rnd is round-half-even
   * or floor. The division and rounding are done in float64 (x and scale widened) so that every
   * backend produces the same integer q; q itself is written to `codes` when it is not null.
   */
  fakeQuant(
    x: TypedArray, out: TypedArray, codes: Int32Array | null, outer: number, c: number, inner: number,
    scale: Float64Array, qmin: number, qmax: number, rounding: QuantRounding,
  ): void;
  /**
   * The mixed-precision PACT activation Σ_k θ_k·PACT_k(x) over x[0..n): out[i] = Σ_k θ_k·(q_k·steps[k])
   * with q_k = clamp(⌊x[i] / steps[k]⌋, qmin[k], qmax[k]), ⌊·⌋ exactly as the float64 division gives
   * it (x widened to float64). Candidates with θ_k = 0 are skipped, a term whose code is 0 adds +0,
   * and the terms are added in k order into out's element type (out is overwritten). p = candidates.
   */
  mixedPactForward(
    x: TypedArray, out: TypedArray, n: number, steps: Float64Array, qmin: Float64Array, qmax: Float64Array,
    theta: Float64Array, p: number,
  ): void;
  /**
   * Its backward pieces (PACT's straight-through rule, clip a, lower end lo = −a signed or 0): for
   * g[i] ≠ 0 with lo < x[i] < a, dx[i] = g[i]·thSum and sums[k] += g[i]·(q_k·steps[k]) (q_k as
   * in the forward; recips[k] = 1 / steps[k]); x[i] ≥ a adds g[i] to sums[p] (the top end's
   * Σ g), else x[i] ≤ lo adds it to sums[p + 1] (the bottom's); dx[i] = 0 otherwise. dx and sums
   * (float64, p + 2) are overwritten; each sum is two float64 partial sums, over the even and the
   * odd i in order, added at the end (so a two-lane SIMD loop gives the same bits).
   */
  mixedPactBackward(
    x: TypedArray, g: TypedArray, dx: TypedArray, n: number, a: number, lo: number, thSum: number, p: number,
    steps: Float64Array, recips: Float64Array, qmin: Float64Array, qmax: Float64Array, sums: Float64Array,
  ): void;
  /**
   * y = (x − μ)·invstd·weight + bias over x viewed as [n, c, s], then ReLU when `relu`. With
   * `training`, μ and the biased variance are the batch's, computed into `mean` / `variance`;
   * otherwise they are read from them. Writes invstd = 1/√(variance + eps) and k = invstd·weight
   * (weight 1, bias 0 when null) for batchNormBackward.
   */
  batchNormForward(
    x: TypedArray, n: number, c: number, s: number, training: boolean, eps: number,
    weight: ArrayLike<number> | null, bias: ArrayLike<number> | null,
    mean: Float64Array, variance: Float64Array, invstd: Float64Array, k: Float64Array, out: TypedArray, relu: boolean,
  ): void;
  /**
   * All gradients of batchNormForward (k = invstd·weight) (dy masked by reluOut > 0 when reluOut is
   * given): dw = Σ dy·x̂, db = Σ dy and dx, which with `training` carries the batch statistics'
   * terms. Each output is skipped when null.
   */
  batchNormBackward(
    x: TypedArray, dy: TypedArray, reluOut: TypedArray | null, n: number, c: number, s: number,
    mean: Float64Array, invstd: Float64Array, k: Float64Array, training: boolean,
    dx: TypedArray | null, dw: TypedArray | null, db: TypedArray | null,
  ): void;
}

export type QuantRounding = 'halfEven' | 'floor';

export type KernelName = keyof KernelSet;

export const KERNEL_NAMES: readonly KernelName[] = [
  'unary', 'reluGrad', 'binary', 'reduce', 'sumOuterInner', 'gemm', 'convForward', 'convBackwardInput', 'convBackwardWeight', 'convBackward',
  'maxPoolForward', 'maxPoolBackward', 'avgPoolForward', 'avgPoolBackward', 'fakeQuant',
  'batchNormForward', 'batchNormBackward', 'mixedPactForward', 'mixedPactBackward',
];

/** A backend implements any subset of the contracts; the rest falls back to `js`. */
export interface Backend {
  readonly name: string;
  readonly kernels: Partial<KernelSet>;
}
