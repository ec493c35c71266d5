/**
 * The gradient rules: one per primitive, in one exhaustive table.
 *
 * A rule receives the upstream gradient `g` (shaped like the op's output), the op's inputs,
 * its output and its recorded attributes, and returns one gradient per input (null where the
 * input needs none). Rules are written with the differentiable ops themselves and run under
 * `noGrad` during backward. Broadcasting ops sum their gradients back to each input's shape.
 */

import { allocate } from '../tensor/dtype.js';
import { contiguousStrides, reducedAxes, sameShape, sizeOf, type Shape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { full } from '../tensor/create.js';
import { kernel } from '../kernels/dispatch.js';
import type { Prim, PrimAttrs } from './prims.js';
import {
  add, cos, div, eq, gt, lt, mul, neg, powScalar, reluGrad, sigmoid, sign, sin, sub, tanh,
} from './ops/elementwise.js';
import { sum } from './ops/reduce.js';
import { cast, expand, permute, reshape, slice, transpose } from './ops/movement.js';
import { matmul } from './ops/matmul.js';
import { exp } from './ops/elementwise.js';
import { make, writeStrided } from './ops/util.js';

export interface RuleContext<P extends Prim> {
  g: Tensor;
  inputs: readonly Tensor[];
  out: Tensor;
  attrs: PrimAttrs[P];
}

export type Rule<P extends Prim> = (ctx: RuleContext<P>) => (Tensor | null)[];

/** Sum a broadcast gradient back to the shape of the input that was broadcast. */
export function sumTo(g: Tensor, shape: Shape): Tensor {
  if (sameShape(g.shape, shape)) return g;
  const axes = reducedAxes(shape, g.shape);
  return reshape(sum(g, axes, true), shape);
}

/** Elementwise mask as a float tensor: 1 where inside [lo, hi]. */
function inRange(x: Tensor, lo: number, hi: number): Tensor {
  const v = x.values();
  const out = allocate(x.dtype, v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i] >= lo && v[i] <= hi ? 1 : 0;
  return make(out, x.shape);
}

export const gradRules: { [P in Prim]: Rule<P> } = {
  neg: ({ g }) => [neg(g)],
  exp: ({ g, out }) => [mul(g, out)],
  log: ({ g, inputs: [x] }) => [div(g, x)],
  sqrt: ({ g, out }) => [div(g, mul(out, 2))],
  abs: ({ g, inputs: [x] }) => [mul(g, sign(x))],
  relu: ({ g, inputs: [x] }) => [reluGrad(g, x)],
  sigmoid: ({ g, out }) => [mul(g, mul(out, sub(1, out)))],
  tanh: ({ g, out }) => [mul(g, sub(1, mul(out, out)))],
  softplus: ({ g, inputs: [x] }) => [mul(g, sigmoid(x))],
  logcosh: ({ g, inputs: [x] }) => [mul(g, tanh(x))],
  sin: ({ g, inputs: [x] }) => [mul(g, cos(x))],
  cos: ({ g, inputs: [x] }) => [neg(mul(g, sin(x)))],
  clamp: ({ g, inputs: [x], attrs }) => [mul(g, inRange(x, attrs.lo, attrs.hi))],
  powScalar: ({ g, inputs: [x], attrs }) => [mul(g, mul(powScalar(x, attrs.p - 1), attrs.p))],
  leakyRelu: ({ g, inputs: [x], attrs }) => {
    const v = x.values();
    const slope = allocate(x.dtype, v.length);
    for (let i = 0; i < v.length; i++) slope[i] = v[i] > 0 ? 1 : attrs.slope;
    return [mul(g, make(slope, x.shape))];
  },

  add: ({ g, inputs: [a, b] }) => [sumTo(g, a.shape), sumTo(g, b.shape)],
  sub: ({ g, inputs: [a, b] }) => [sumTo(g, a.shape), sumTo(neg(g), b.shape)],
  mul: ({ g, inputs: [a, b] }) => [sumTo(mul(g, b), a.shape), sumTo(mul(g, a), b.shape)],
  div: ({ g, inputs: [a, b], out }) => [sumTo(div(g, b), a.shape), sumTo(neg(div(mul(g, out), b)), b.shape)],
  // Ties split the gradient evenly, as PyTorch does.
  maximum: ({ g, inputs: [a, b] }) => {
    const half = mul(eq(a, b), 0.5);
    return [sumTo(mul(g, add(gt(a, b), half)), a.shape), sumTo(mul(g, add(lt(a, b), half)), b.shape)];
  },
  minimum: ({ g, inputs: [a, b] }) => {
    const half = mul(eq(a, b), 0.5);
    return [sumTo(mul(g, add(lt(a, b), half)), a.shape), sumTo(mul(g, add(gt(a, b), half)), b.shape)];
  },
  where: ({ g, inputs: [a, b], attrs }) => {
    const gv = g.values();
    const ga = allocate(g.dtype, gv.length);
    const gb = allocate(g.dtype, gv.length);
    for (let i = 0; i < gv.length; i++) {
      if (attrs.cond[i]) ga[i] = gv[i];
      else gb[i] = gv[i];
    }
    return [sumTo(make(ga, g.shape), a.shape), sumTo(make(gb, g.shape), b.shape)];
  },

  sum: ({ g, inputs: [x], attrs }) => {
    const kept = attrs.keepdims ? g : reshape(g, x.shape.map((d, i) => (attrs.axes.includes(i) ? 1 : d)));
    return [expand(kept, x.shape)];
  },
  // The gradient is shared evenly among tied maxima (PyTorch's amax rule).
  max: ({ g, inputs: [x], out, attrs }) => {
    const keepShape = x.shape.map((d, i) => (attrs.axes.includes(i) ? 1 : d));
    const o = reshape(out, keepShape);
    const mask = eq(x, o);
    const count = sum(mask, attrs.axes, true);
    return [mul(mask, div(reshape(g, keepShape), count))];
  },

  reshape: ({ g, inputs: [x] }) => [reshape(g, x.shape)],
  permute: ({ g, attrs }) => {
    const inv = new Array<number>(attrs.perm.length);
    attrs.perm.forEach((p, i) => (inv[p] = i));
    return [permute(g, inv)];
  },
  expand: ({ g, inputs: [x] }) => [sumTo(g, x.shape)],
  slice: ({ g, inputs: [x], attrs }) => {
    const out = allocate(g.dtype, x.size);
    const base = contiguousStrides(x.shape);
    let off = 0;
    for (let i = 0; i < x.ndim; i++) off += attrs.starts[i] * base[i];
    writeStrided(out, g.shape, base.map((s, i) => s * attrs.steps[i]), off, g.values());
    return [make(out, x.shape)];
  },
  pad: ({ g, inputs: [x], attrs }) => [slice(g, x.shape.map((d, i) => ({ start: attrs.before[i], stop: attrs.before[i] + d })))],
  concat: ({ g, inputs, attrs }) => {
    let pos = 0;
    return inputs.map((t) => {
      const ranges = t.shape.map((d, i) => (i === attrs.axis ? { start: pos, stop: pos + d } : {}));
      pos += t.shape[attrs.axis];
      return slice(g, ranges);
    });
  },
  contiguous: ({ g }) => [g],
  cast: ({ g, inputs: [x] }) => [cast(g, x.dtype)],
  take: ({ g, inputs: [x], attrs }) => {
    const len = x.shape[attrs.axis];
    const inner = sizeOf(x.shape.slice(attrs.axis + 1));
    const gv = g.values();
    const out = allocate(g.dtype, x.size);
    for (let p = 0; p < gv.length; p++) {
      const o = Math.floor(p / inner);
      out[(o * len + attrs.indices[p]) * inner + (p % inner)] += gv[p];
    }
    return [make(out, x.shape)];
  },

  matmul: ({ g, inputs: [a, b] }) => [
    sumTo(matmul(g, transpose(b)), a.shape),
    sumTo(matmul(transpose(a), g), b.shape),
  ],
  conv: ({ g, inputs, out, attrs }) => {
    const [x, w] = inputs;
    const geom = attrs.geom;
    const dx = x.requiresGrad ? allocate(g.dtype, x.size) : null;
    const dw = w.requiresGrad ? allocate(g.dtype, w.size) : null;
    const db = attrs.hasBias ? allocate(g.dtype, geom.cout) : null; // = sum(g, [0, 2, 3]), same bits
    // One call for all: a backend with its own memory copies g in once, and masks it there for a fused ReLU.
    kernel('convBackward')(x.values(), w.values(), g.values(), dx, dw, db, geom, attrs.relu ? out.values() : null);
    const grads: (Tensor | null)[] = [dx === null ? null : make(dx, x.shape), dw === null ? null : make(dw, w.shape)];
    if (db !== null) grads.push(make(db, [geom.cout]));
    return grads;
  },
  batchNorm: ({ g, inputs, out, attrs }) => {
    const [x, ...params] = inputs;
    const w = attrs.hasWeight ? params[0] : null;
    const b = attrs.hasBias ? params[attrs.hasWeight ? 1 : 0] : null;
    const dx = x.requiresGrad ? allocate(g.dtype, x.size) : null;
    const dw = w?.requiresGrad ? allocate(g.dtype, attrs.c) : null;
    const db = b?.requiresGrad ? allocate(g.dtype, attrs.c) : null;
    kernel('batchNormBackward')(
      (x.dtype === g.dtype ? x : cast(x, g.dtype)).values(), g.values(), attrs.relu ? out.values() : null, attrs.n, attrs.c, attrs.s,
      attrs.mean, attrs.invstd, attrs.k, attrs.training, dx, dw, db,
    );
    const grads: (Tensor | null)[] = [dx === null ? null : make(dx, x.shape)];
    if (w !== null) grads.push(dw === null ? null : make(dw, w.shape));
    if (b !== null) grads.push(db === null ? null : make(db, b.shape));
    return grads;
  },
  maxPool: ({ g, inputs: [x], attrs }) => {
    const dx = allocate(g.dtype, x.size);
    kernel('maxPoolBackward')(g.values(), attrs.argmax, dx, attrs.geom);
    return [make(dx, x.shape)];
  },
  avgPool: ({ g, inputs: [x], attrs }) => {
    const dx = allocate(g.dtype, x.size);
    kernel('avgPoolBackward')(g.values(), dx, attrs.geom, attrs.countIncludePad);
    return [make(dx, x.shape)];
  },
  logSoftmax: ({ g, out, attrs }) => [sub(g, mul(exp(out), sum(g, attrs.axis, true)))],
  custom: ({ g, inputs, out, attrs }) => attrs.backward(g, { inputs, output: out, saved: attrs.saved }),
};

/** A gradient of ones (used as the seed of backward on a scalar). */
export function onesGrad(t: Tensor): Tensor {
  return full(t.shape, 1, { dtype: t.dtype });
}

export { Tensor };
