/**
 * Differentiable elementwise ops: unary maps, broadcasting binary arithmetic, `where`, and the
 * non-differentiable comparisons and roundings (their results carry no gradient; use a
 * customOp with a straight-through rule when a gradient is wanted).
 */

import { allocate, promote } from '../../tensor/dtype.js';
import { broadcastShapes, broadcastStrides, sameShape, sizeOf } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { kernel } from '../../kernels/dispatch.js';
import type { BinaryOp, UnaryOp } from '../../kernels/contracts.js';
import { record } from '../graph.js';
import type { Prim, PrimAttrs } from '../prims.js';
import { asTensor, floatDtype, make, type TensorLike } from './util.js';

function unaryOp<P extends Prim>(prim: P | null, kop: UnaryOp, x: Tensor, attrs: PrimAttrs[P], keepDtype: boolean, p0 = 0, p1 = 0): Tensor {
  const n = x.size;
  const out = allocate(keepDtype ? x.dtype : floatDtype(x), n);
  kernel('unary')(kop, x.values(), out, n, p0, p1);
  const t = make(out, x.shape);
  return prim === null ? t : record(prim, [x], t, attrs);
}

export const neg = (x: Tensor): Tensor => unaryOp('neg', 'neg', x, {}, true);
export const exp = (x: Tensor): Tensor => unaryOp('exp', 'exp', x, {}, false);
export const log = (x: Tensor): Tensor => unaryOp('log', 'log', x, {}, false);
export const sqrt = (x: Tensor): Tensor => unaryOp('sqrt', 'sqrt', x, {}, false);
export const abs = (x: Tensor): Tensor => unaryOp('abs', 'abs', x, {}, true);
export const relu = (x: Tensor): Tensor => unaryOp('relu', 'relu', x, {}, true);
export const sigmoid = (x: Tensor): Tensor => unaryOp('sigmoid', 'sigmoid', x, {}, false);
export const tanh = (x: Tensor): Tensor => unaryOp('tanh', 'tanh', x, {}, false);
export const sin = (x: Tensor): Tensor => unaryOp('sin', 'sin', x, {}, false);
export const cos = (x: Tensor): Tensor => unaryOp('cos', 'cos', x, {}, false);
/** log(1 + eˣ), overflow-free. */
export const softplus = (x: Tensor): Tensor => unaryOp('softplus', 'log1pexp', x, {}, false);
/** log(cosh(x)), overflow-free. */
export const logcosh = (x: Tensor): Tensor => unaryOp('logcosh', 'logcosh', x, {}, false);
export const clamp = (x: Tensor, lo: number, hi: number): Tensor => {
  if (!(lo <= hi)) throw new Error(`clamp: lower bound ${lo} must not exceed upper bound ${hi}`);
  return unaryOp('clamp', 'clamp', x, { lo, hi }, true, lo, hi);
};
export const relu6 = (x: Tensor): Tensor => clamp(x, 0, 6);
export const powScalar = (x: Tensor, p: number): Tensor => unaryOp('powScalar', 'powScalar', x, { p }, false, p);
export const square = (x: Tensor): Tensor => powScalar(x, 2);
export const leakyRelu = (x: Tensor, slope = 0.01): Tensor => unaryOp('leakyRelu', 'leakyRelu', x, { slope }, true, slope);

// Not differentiable: results carry no graph.
export const sign = (x: Tensor): Tensor => unaryOp(null, 'sign', x, {}, true);
export const floor = (x: Tensor): Tensor => unaryOp(null, 'floor', x, {}, true);
export const ceil = (x: Tensor): Tensor => unaryOp(null, 'ceil', x, {}, true);
/** Round half to even (banker's rounding), like PyTorch's `round`. */
export const round = (x: Tensor): Tensor => unaryOp(null, 'roundHalfEven', x, {}, true);
/** 1 where x > threshold, else 0 (the Heaviside step). */
export const step = (x: Tensor, threshold = 0): Tensor => unaryOp(null, 'step', x, {}, true, threshold);

/**
 * g · step(x) (ReLU's gradient) in one kernel pass. A broadcast g (the gradient of a mean, say)
 * and other dtype / shape mixes take the two ops, which read g through its strides without a copy.
 */
export function reluGrad(g: Tensor, x: Tensor): Tensor {
  if (g.dtype !== x.dtype || !sameShape(g.shape, x.shape) || !g.isDense || !x.isDense) return mul(g, step(x, 0));
  const out = allocate(g.dtype, g.size);
  kernel('reluGrad')(x.values(), g.values(), out, g.size);
  return make(out, g.shape);
}

function binaryOp(prim: Prim | null, kop: BinaryOp, a: TensorLike, b: TensorLike): Tensor {
  const A = a instanceof Tensor ? a : asTensor(a, b instanceof Tensor ? b : undefined);
  const B = b instanceof Tensor ? b : asTensor(b, A);
  const dt = promote(A.dtype, B.dtype);
  let outShape: number[];
  let aS: readonly number[];
  let bS: readonly number[];
  let kShape: readonly number[];
  if (A.isDense && B.isDense && sameShape(A.shape, B.shape)) {
    // Same-shape dense operands run as one flat loop whatever their rank.
    outShape = [...A.shape];
    kShape = [A.size];
    aS = [1];
    bS = [1];
  } else {
    outShape = broadcastShapes(A.shape, B.shape, kop);
    kShape = outShape;
    aS = broadcastStrides(A.shape, A.strides, outShape);
    bS = broadcastStrides(B.shape, B.strides, outShape);
  }
  const out = allocate(dt, sizeOf(outShape));
  kernel('binary')(kop, { data: A.data, strides: aS, offset: A.offset }, { data: B.data, strides: bS, offset: B.offset }, out, kShape);
  const t = make(out, outShape);
  return prim === null ? t : record(prim, [A, B], t, {});
}

export const add = (a: TensorLike, b: TensorLike): Tensor => binaryOp('add', 'add', a, b);
export const sub = (a: TensorLike, b: TensorLike): Tensor => binaryOp('sub', 'sub', a, b);
export const mul = (a: TensorLike, b: TensorLike): Tensor => binaryOp('mul', 'mul', a, b);
export const div = (a: TensorLike, b: TensorLike): Tensor => binaryOp('div', 'div', a, b);
export const maximum = (a: TensorLike, b: TensorLike): Tensor => binaryOp('maximum', 'maximum', a, b);
export const minimum = (a: TensorLike, b: TensorLike): Tensor => binaryOp('minimum', 'minimum', a, b);
export const gt = (a: TensorLike, b: TensorLike): Tensor => binaryOp(null, 'gt', a, b);
export const ge = (a: TensorLike, b: TensorLike): Tensor => binaryOp(null, 'ge', a, b);
export const lt = (a: TensorLike, b: TensorLike): Tensor => binaryOp(null, 'lt', a, b);
export const le = (a: TensorLike, b: TensorLike): Tensor => binaryOp(null, 'le', a, b);
export const eq = (a: TensorLike, b: TensorLike): Tensor => binaryOp(null, 'eq', a, b);

/** cond ? a : b elementwise, all three broadcast together; the gradient flows to the chosen side. */
export function where(cond: Tensor, a: TensorLike, b: TensorLike): Tensor {
  const A = asTensor(a, b instanceof Tensor ? b : undefined);
  const B = asTensor(b, A);
  const shape = broadcastShapes(broadcastShapes(cond.shape, A.shape, 'where'), B.shape, 'where');
  const n = sizeOf(shape);
  const view = (t: Tensor) => new Tensor(t.data, shape, broadcastStrides(t.shape, t.strides, shape), t.offset).values();
  const c = view(cond);
  const av = view(A);
  const bv = view(B);
  const mask = new Uint8Array(n);
  const out = allocate(promote(A.dtype, B.dtype), n);
  for (let i = 0; i < n; i++) {
    mask[i] = c[i] !== 0 ? 1 : 0;
    out[i] = mask[i] ? av[i] : bv[i];
  }
  return record('where', [A, B], make(out, shape), { cond: mask });
}
