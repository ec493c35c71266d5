/**
 * Reference elementwise kernels: unary maps and broadcasting binary ops over strided operands.
 */

import type { TypedArray } from '../../tensor/dtype.js';
import type { BinaryOp, StridedOperand, UnaryOp } from '../contracts.js';

/** Round half to even, the IEEE default and what PyTorch / NumPy `round` do. */
export function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v - Math.trunc(v)) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function unaryFn(op: UnaryOp, p0: number, p1: number): (v: number) => number {
  switch (op) {
    case 'neg': return (v) => -v;
    case 'exp': return Math.exp;
    case 'log': return Math.log;
    case 'sqrt': return Math.sqrt;
    case 'rsqrt': return (v) => 1 / Math.sqrt(v);
    case 'abs': return Math.abs;
    case 'sign': return (v) => (v > 0 ? 1 : v < 0 ? -1 : 0);
    case 'square': return (v) => v * v;
    case 'recip': return (v) => 1 / v;
    case 'relu': return (v) => (v > 0 ? v : 0);
    case 'sigmoid': return (v) => (v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v)));
    case 'tanh': return Math.tanh;
    case 'floor': return Math.floor;
    case 'ceil': return Math.ceil;
    case 'roundHalfEven': return roundHalfEven;
    case 'step': return (v) => (v > p0 ? 1 : 0);
    // log(1 + e^v) computed without overflow.
    case 'log1pexp': return (v) => (v > 0 ? v + Math.log1p(Math.exp(-v)) : Math.log1p(Math.exp(v)));
    // log(cosh(v)) = |v| + log1p(e^{-2|v|}) − log 2, stable for large |v|.
    case 'logcosh': return (v) => { const a = Math.abs(v); return a + Math.log1p(Math.exp(-2 * a)) - Math.LN2; };
    case 'clamp': return (v) => (v < p0 ? p0 : v > p1 ? p1 : v);
    case 'powScalar': return (v) => Math.pow(v, p0);
    case 'leakyRelu': return (v) => (v > 0 ? v : p0 * v);
    case 'sin': return Math.sin;
    case 'cos': return Math.cos;
  }
}

export function unary(op: UnaryOp, x: TypedArray, out: TypedArray, n: number, p0: number, p1: number): void {
  // The hottest unary ops get direct loops; the rest go through a closure.
  if (op === 'relu') {
    for (let i = 0; i < n; i++) { const v = x[i]; out[i] = v > 0 ? v : 0; }
    return;
  }
  if (op === 'neg') {
    for (let i = 0; i < n; i++) out[i] = -x[i];
    return;
  }
  const f = unaryFn(op, p0, p1);
  for (let i = 0; i < n; i++) out[i] = f(x[i]);
}

function binaryFn(op: BinaryOp): (a: number, b: number) => number {
  switch (op) {
    case 'add': return (a, b) => a + b;
    case 'sub': return (a, b) => a - b;
    case 'mul': return (a, b) => a * b;
    case 'div': return (a, b) => a / b;
    case 'maximum': return (a, b) => (a >= b || Number.isNaN(a) ? a : b);
    case 'minimum': return (a, b) => (a <= b || Number.isNaN(a) ? a : b);
    case 'pow': return Math.pow;
    case 'gt': return (a, b) => (a > b ? 1 : 0);
    case 'ge': return (a, b) => (a >= b ? 1 : 0);
    case 'lt': return (a, b) => (a < b ? 1 : 0);
    case 'le': return (a, b) => (a <= b ? 1 : 0);
    case 'eq': return (a, b) => (a === b ? 1 : 0);
  }
}

function denseSame(op: BinaryOp, a: TypedArray, ao: number, b: TypedArray, bo: number, out: TypedArray, oo: number, n: number): boolean {
  switch (op) {
    case 'add': for (let i = 0; i < n; i++) out[oo + i] = a[ao + i] + b[bo + i]; return true;
    case 'sub': for (let i = 0; i < n; i++) out[oo + i] = a[ao + i] - b[bo + i]; return true;
    case 'mul': for (let i = 0; i < n; i++) out[oo + i] = a[ao + i] * b[bo + i]; return true;
    case 'div': for (let i = 0; i < n; i++) out[oo + i] = a[ao + i] / b[bo + i]; return true;
    default: return false;
  }
}

/** Inner loop where a or b is constant (stride 0); false if the op has no fast path here. */
function scalarInner(op: BinaryOp, a: TypedArray, pa: number, as: number, b: TypedArray, pb: number, bs: number, out: TypedArray, o: number, n: number): boolean {
  if (bs === 0) {
    const v = b[pb];
    switch (op) {
      case 'add': for (let j = 0, p = pa; j < n; j++, p += as) out[o + j] = a[p] + v; return true;
      case 'sub': for (let j = 0, p = pa; j < n; j++, p += as) out[o + j] = a[p] - v; return true;
      case 'mul': for (let j = 0, p = pa; j < n; j++, p += as) out[o + j] = a[p] * v; return true;
      case 'div': for (let j = 0, p = pa; j < n; j++, p += as) out[o + j] = a[p] / v; return true;
      default: return false;
    }
  }
  const v = a[pa];
  switch (op) {
    case 'add': for (let j = 0, q = pb; j < n; j++, q += bs) out[o + j] = v + b[q]; return true;
    case 'sub': for (let j = 0, q = pb; j < n; j++, q += bs) out[o + j] = v - b[q]; return true;
    case 'mul': for (let j = 0, q = pb; j < n; j++, q += bs) out[o + j] = v * b[q]; return true;
    case 'div': for (let j = 0, q = pb; j < n; j++, q += bs) out[o + j] = v / b[q]; return true;
    default: return false;
  }
}

/**
 * Merge adjacent axes that both operands walk contiguously (stride[d] = stride[d+1]·shape[d+1],
 * broadcast axes included), so e.g. [N, C, H, W] ∘ [1, C, 1, 1] runs as [N, C, H·W] with one
 * long inner loop per channel instead of H short ones. Size-1 axes are dropped.
 */
export function collapseBroadcast(shape: readonly number[], as: readonly number[], bs: readonly number[]): { shape: number[]; as: number[]; bs: number[] } {
  const sh: number[] = [], sa: number[] = [], sb: number[] = [];
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 1) continue;
    const k = sh.length - 1;
    if (k >= 0 && sa[k] === as[d] * shape[d] && sb[k] === bs[d] * shape[d]) {
      sh[k] *= shape[d];
      sa[k] = as[d];
      sb[k] = bs[d];
    } else {
      sh.push(shape[d]);
      sa.push(as[d]);
      sb.push(bs[d]);
    }
  }
  if (sh.length === 0) return { shape: [1], as: [0], bs: [0] };
  return { shape: sh, as: sa, bs: sb };
}

export function binary(op: BinaryOp, a0: StridedOperand, b0: StridedOperand, out: TypedArray, outShape0: readonly number[]): void {
  let size = 1;
  for (const d of outShape0) size *= d;
  if (size === 0) return;
  if (outShape0.length === 0) {
    out[0] = binaryFn(op)(a0.data[a0.offset], b0.data[b0.offset]);
    return;
  }
  // A 1-D walk has nothing to merge (and tiny same-shape ops come here flattened): skip the copy.
  const cl = outShape0.length === 1 ? null : collapseBroadcast(outShape0, a0.strides, b0.strides);
  const outShape = cl === null ? outShape0 : cl.shape;
  const a: StridedOperand = cl === null ? a0 : { data: a0.data, strides: cl.as, offset: a0.offset };
  const b: StridedOperand = cl === null ? b0 : { data: b0.data, strides: cl.bs, offset: b0.offset };
  const nd = outShape.length;
  // Collapse to [outer..., inner]; the inner loop runs with fixed strides.
  const inner = outShape[nd - 1];
  const as = a.strides[nd - 1];
  const bs = b.strides[nd - 1];
  if (nd === 1 && as === 1 && bs === 1 && denseSame(op, a.data, a.offset, b.data, b.offset, out, 0, inner)) return;
  const f = binaryFn(op);
  const idx = new Array<number>(nd).fill(0);
  let pa = a.offset;
  let pb = b.offset;
  let o = 0;
  const ad = a.data;
  const bd = b.data;
  for (;;) {
    if (as === 1 && bs === 1) {
      if (!denseSame(op, ad, pa, bd, pb, out, o, inner)) {
        for (let j = 0; j < inner; j++) out[o + j] = f(ad[pa + j], bd[pb + j]);
      }
      o += inner;
    } else if (bs === 0 || as === 0) {
      // One operand constant along the inner axis (a broadcast per-channel scale or shift).
      if (!scalarInner(op, ad, pa, as, bd, pb, bs, out, o, inner)) {
        for (let j = 0, p = pa, q = pb; j < inner; j++, p += as, q += bs) out[o + j] = f(ad[p], bd[q]);
      }
      o += inner;
    } else {
      for (let j = 0, p = pa, q = pb; j < inner; j++, p += as, q += bs) out[o++] = f(ad[p], bd[q]);
    }
    let d = nd - 2;
    while (d >= 0) {
      idx[d]++;
      pa += a.strides[d];
      pb += b.strides[d];
      if (idx[d] < outShape[d]) break;
      pa -= a.strides[d] * outShape[d];
      pb -= b.strides[d] * outShape[d];
      idx[d] = 0;
      d--;
    }
    if (d < 0) return;
  }
}

export function reluGrad(x: TypedArray, g: TypedArray, out: TypedArray, n: number): void {
  for (let i = 0; i < n; i++) out[i] = g[i] * (x[i] > 0 ? 1 : 0);
}
