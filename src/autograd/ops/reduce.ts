/**
 * Differentiable reductions (sum, max and what composes from them: mean, min, variance) and
 * the index reductions argmax / argmin.
 */

import { allocate, type DType } from '../../tensor/dtype.js';
import { normAxes, sizeOf } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { kernel } from '../../kernels/dispatch.js';
import type { ReduceOp } from '../../kernels/contracts.js';
import { record } from '../graph.js';
import { neg } from './elementwise.js';
import { make } from './util.js';
import { div, mul, sub } from './elementwise.js';

export type Axes = number | readonly number[] | undefined;

function runReduce(op: ReduceOp, x: Tensor, axes: number[], keepdims: boolean, outDtype: DType): Tensor {
  const nd = x.ndim;
  const reduced = new Set(axes);
  const outShape = keepdims ? x.shape.map((d, i) => (reduced.has(i) ? 1 : d)) : x.shape.filter((_, i) => !reduced.has(i));
  const contiguousBlock = axes.length > 0 && axes[axes.length - 1] - axes[0] === axes.length - 1;
  let outer: number;
  let r: number;
  let inner: number;
  let vals;
  if (axes.length === 0) {
    outer = x.size; r = 1; inner = 1; vals = x.values();
  } else if (contiguousBlock) {
    outer = sizeOf(x.shape.slice(0, axes[0]));
    r = sizeOf(x.shape.slice(axes[0], axes[axes.length - 1] + 1));
    inner = sizeOf(x.shape.slice(axes[axes.length - 1] + 1));
    vals = x.values();
  } else {
    const kept = Array.from({ length: nd }, (_, i) => i).filter((i) => !reduced.has(i));
    if (op === 'sum' && kept[kept.length - 1] - kept[0] === kept.length - 1) {
      // Reduced axes on both sides of one kept block (a conv bias gradient): no permuted copy.
      const out = allocate(outDtype, sizeOf(kept.map((a) => x.shape[a])));
      kernel('sumOuterInner')(x.values(), sizeOf(x.shape.slice(0, kept[0])), out.length, sizeOf(x.shape.slice(kept[kept.length - 1] + 1)), out);
      return make(out, outShape);
    }
    // Move the reduced axes last so that one [outer, r, 1] loop covers them.
    const perm = [...kept, ...axes];
    const view = new Tensor(x.data, perm.map((a) => x.shape[a]), perm.map((a) => x.strides[a]), x.offset);
    outer = sizeOf(kept.map((a) => x.shape[a]));
    r = sizeOf(axes.map((a) => x.shape[a]));
    inner = 1;
    vals = view.values();
  }
  const out = allocate(outDtype, outer * inner);
  if (r === 0 && op !== 'sum') throw new Error(`${op}: cannot reduce over an empty axis of ${JSON.stringify(x.shape)}`);
  kernel('reduce')(op, vals, outer, r, inner, out);
  return make(out, outShape);
}

export function sum(x: Tensor, axes?: Axes, keepdims = false): Tensor {
  const ax = normAxes(axes, x.ndim, 'sum');
  return record('sum', [x], runReduce('sum', x, ax, keepdims, x.dtype), { axes: ax, keepdims });
}

export function mean(x: Tensor, axes?: Axes, keepdims = false): Tensor {
  const ax = normAxes(axes, x.ndim, 'mean');
  const count = sizeOf(ax.map((a) => x.shape[a]));
  return div(sum(x, ax, keepdims), count);
}

export function max(x: Tensor, axes?: Axes, keepdims = false): Tensor {
  const ax = normAxes(axes, x.ndim, 'max');
  return record('max', [x], runReduce('max', x, ax, keepdims, x.dtype), { axes: ax, keepdims });
}

export function min(x: Tensor, axes?: Axes, keepdims = false): Tensor {
  return neg(max(neg(x), axes, keepdims));
}

/** Mean of squared deviations; `unbiased` divides by n − 1 (Bessel), as PyTorch's var does by default. */
export function variance(x: Tensor, axes?: Axes, keepdims = false, unbiased = false): Tensor {
  const ax = normAxes(axes, x.ndim, 'variance');
  const count = sizeOf(ax.map((a) => x.shape[a]));
  const d = sub(x, mean(x, ax, true));
  return div(sum(mul(d, d), ax, keepdims), unbiased ? Math.max(count - 1, 1) : count);
}

/** Index of the maximum along one axis (int32; no gradient). */
export function argmax(x: Tensor, axis: number, keepdims = false): Tensor {
  const ax = normAxes(axis, x.ndim, 'argmax');
  return runReduce('argmax', x, ax, keepdims, 'int32');
}

export function argmin(x: Tensor, axis: number, keepdims = false): Tensor {
  const ax = normAxes(axis, x.ndim, 'argmin');
  return runReduce('argmin', x, ax, keepdims, 'int32');
}
