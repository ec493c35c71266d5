/**
 * Differentiable movement ops. reshape (of contiguous tensors), permute, expand and slice are
 * views that share storage; pad, concat, contiguous, cast and takeAlong copy.
 */

import { allocate, promote, type DType } from '../../tensor/dtype.js';
import { contiguousStrides, fmtShape, normAxis, sizeOf, type Shape } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { record } from '../graph.js';
import { make, writeStrided } from './util.js';

/** New shape for the same values; one dimension may be −1. A view when x is contiguous. */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const target = [...shape];
  const free = target.indexOf(-1);
  if (free >= 0) {
    if (target.indexOf(-1, free + 1) >= 0) throw new Error(`reshape: only one dimension may be -1, got ${fmtShape(shape)}`);
    const known = sizeOf(target.filter((_, i) => i !== free));
    if (known === 0 || x.size % known !== 0) {
      throw new Error(`reshape: cannot reshape ${fmtShape(x.shape)} (${x.size} elements) into ${fmtShape(shape)}`);
    }
    target[free] = x.size / known;
  }
  for (const d of target) {
    if (!Number.isInteger(d) || d < 0) throw new Error(`reshape: invalid target shape ${fmtShape(shape)}`);
  }
  if (sizeOf(target) !== x.size) {
    throw new Error(`reshape: cannot reshape ${fmtShape(x.shape)} (${x.size} elements) into ${fmtShape(shape)} (${sizeOf(target)} elements)`);
  }
  const out = x.isContiguous()
    ? new Tensor(x.data, target, contiguousStrides(target), x.offset)
    : make(x.values(), target);
  return record('reshape', [x], out, { shape: target });
}

export function flatten(x: Tensor, startAxis = 1): Tensor {
  const s = normAxis(startAxis, x.ndim, 'flatten');
  return reshape(x, [...x.shape.slice(0, s), sizeOf(x.shape.slice(s))]);
}

export function unsqueeze(x: Tensor, axis: number): Tensor {
  const a = normAxis(axis, x.ndim + 1, 'unsqueeze');
  const shape = [...x.shape];
  shape.splice(a, 0, 1);
  return reshape(x, shape);
}

export function squeeze(x: Tensor, axis?: number): Tensor {
  if (axis === undefined) return reshape(x, x.shape.filter((d) => d !== 1));
  const a = normAxis(axis, x.ndim, 'squeeze');
  if (x.shape[a] !== 1) throw new Error(`squeeze: dimension ${axis} of ${fmtShape(x.shape)} has size ${x.shape[a]}, not 1`);
  return reshape(x, x.shape.filter((_, i) => i !== a));
}

export function permute(x: Tensor, perm: readonly number[]): Tensor {
  if (perm.length !== x.ndim || new Set(perm.map((p) => normAxis(p, x.ndim, 'permute'))).size !== x.ndim) {
    throw new Error(`permute: [${perm.join(', ')}] is not a permutation of the ${x.ndim} axes of ${fmtShape(x.shape)}`);
  }
  const p = perm.map((a) => normAxis(a, x.ndim, 'permute'));
  const out = new Tensor(x.data, p.map((a) => x.shape[a]), p.map((a) => x.strides[a]), x.offset);
  return record('permute', [x], out, { perm: p });
}

export function transpose(x: Tensor, a = -2, b = -1): Tensor {
  const perm = Array.from({ length: x.ndim }, (_, i) => i);
  const i = normAxis(a, x.ndim, 'transpose');
  const j = normAxis(b, x.ndim, 'transpose');
  perm[i] = j;
  perm[j] = i;
  return permute(x, perm);
}

/** Broadcast view to a larger shape (stride 0 on repeated dimensions; −1 keeps a dimension). */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  const off = shape.length - x.ndim;
  if (off < 0) throw new Error(`expand: cannot expand ${fmtShape(x.shape)} to fewer dimensions ${fmtShape(shape)}`);
  const target = shape.map((d, i) => (d === -1 && i >= off ? x.shape[i - off] : d));
  for (const d of target) {
    if (!Number.isInteger(d) || d < 0) throw new Error(`expand: invalid target shape ${fmtShape(shape)} for ${fmtShape(x.shape)} (-1 may only keep an existing dimension)`);
  }
  const strides = new Array<number>(target.length).fill(0);
  for (let i = 0; i < x.ndim; i++) {
    const d = x.shape[i];
    const t = target[i + off];
    if (d === t) strides[i + off] = x.strides[i];
    else if (d !== 1) throw new Error(`expand: dimension ${i} of ${fmtShape(x.shape)} has size ${d} and cannot expand to ${t} (target ${fmtShape(shape)})`);
  }
  return record('expand', [x], new Tensor(x.data, target, strides, x.offset), { shape: target });
}

export interface SliceRange {
  start?: number;
  stop?: number;
  step?: number;
}

/** Python-style slicing per axis (missing axes are kept whole). A view; steps must be positive. */
export function slice(x: Tensor, ranges: readonly (SliceRange | undefined)[]): Tensor {
  if (ranges.length > x.ndim) throw new Error(`slice: ${ranges.length} ranges for a tensor of shape ${fmtShape(x.shape)}`);
  const shape: number[] = [];
  const strides: number[] = [];
  const starts: number[] = [];
  const steps: number[] = [];
  let offset = x.offset;
  for (let i = 0; i < x.ndim; i++) {
    const r = ranges[i] ?? {};
    const n = x.shape[i];
    const step = r.step ?? 1;
    if (!Number.isInteger(step) || step <= 0) throw new Error(`slice: step must be a positive integer, got ${step} on axis ${i}`);
    const clampIdx = (v: number) => Math.min(Math.max(v < 0 ? v + n : v, 0), n);
    const start = clampIdx(r.start ?? 0);
    const stop = clampIdx(r.stop ?? n);
    const len = Math.max(0, Math.ceil((stop - start) / step));
    shape.push(len);
    strides.push(x.strides[i] * step);
    starts.push(start);
    steps.push(step);
    offset += start * x.strides[i];
  }
  return record('slice', [x], new Tensor(x.data, shape, strides, offset), { starts, steps });
}

/** Constant padding: before[i] / after[i] elements on axis i (missing leading axes get 0). */
export function pad(x: Tensor, before: readonly number[], after: readonly number[], value = 0): Tensor {
  const nd = x.ndim;
  const lead = (a: readonly number[]) => [...new Array<number>(nd - a.length).fill(0), ...a];
  if (before.length > nd || after.length > nd) throw new Error(`pad: more padding entries than the ${nd} axes of ${fmtShape(x.shape)}`);
  const b = lead(before);
  const a = lead(after);
  for (const v of [...b, ...a]) if (!Number.isInteger(v) || v < 0) throw new Error(`pad: padding must be non-negative integers, got before=[${before}] after=[${after}]`);
  const shape = x.shape.map((d, i) => d + b[i] + a[i]);
  const out = allocate(x.dtype, sizeOf(shape));
  if (value !== 0) out.fill(value);
  const strides = contiguousStrides(shape);
  let off = 0;
  for (let i = 0; i < nd; i++) off += b[i] * strides[i];
  writeStrided(out, x.shape, strides, off, x.values());
  return record('pad', [x], make(out, shape), { before: b, after: a, value });
}

export function concat(xs: readonly Tensor[], axis = 0): Tensor {
  if (xs.length === 0) throw new Error('concat: needs at least one tensor');
  const nd = xs[0].ndim;
  const ax = normAxis(axis, nd, 'concat');
  for (const t of xs) {
    if (t.ndim !== nd || t.shape.some((d, i) => i !== ax && d !== xs[0].shape[i])) {
      throw new Error(`concat: shapes ${xs.map((s) => fmtShape(s.shape)).join(', ')} differ outside axis ${axis}`);
    }
  }
  const shape = [...xs[0].shape];
  shape[ax] = xs.reduce((s, t) => s + t.shape[ax], 0);
  const out = allocate(xs.reduce<DType>((d, t) => promote(d, t.dtype), xs[0].dtype), sizeOf(shape));
  const strides = contiguousStrides(shape);
  let pos = 0;
  for (const t of xs) {
    writeStrided(out, t.shape, strides, pos * strides[ax], t.values());
    pos += t.shape[ax];
  }
  return record('concat', xs, make(out, shape), { axis: ax });
}

export function stack(xs: readonly Tensor[], axis = 0): Tensor {
  if (xs.length === 0) throw new Error('stack: needs at least one tensor');
  return concat(xs.map((t) => unsqueeze(t, axis)), axis);
}

/** A dense copy when x is a strided view; x itself when it is already dense. */
export function contiguous(x: Tensor): Tensor {
  if (x.isDense) return x;
  return record('contiguous', [x], make(x.values(), x.shape), {});
}

export function cast(x: Tensor, dtype: DType): Tensor {
  if (x.dtype === dtype) return x;
  const v = x.values();
  const out = allocate(dtype, v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i];
  return record('cast', [x], make(out, x.shape), {});
}

/**
 * out[..., ...] = x[..., indices[...], ...] along `axis`: the result has x's shape without that
 * axis, and `indices` has that shape too (e.g. picking each sample's target logit).
 */
export function takeAlong(x: Tensor, axis: number, indices: Int32Array | readonly number[]): Tensor {
  const ax = normAxis(axis, x.ndim, 'takeAlong');
  const shape: Shape = x.shape.filter((_, i) => i !== ax);
  const n = sizeOf(shape);
  if (indices.length !== n) throw new Error(`takeAlong: ${indices.length} indices for ${n} positions of ${fmtShape(shape)} (x ${fmtShape(x.shape)}, axis ${axis})`);
  for (let p = 0; p < n; p++) {
    if (!Number.isInteger(indices[p])) throw new Error(`takeAlong: index ${indices[p]} at position ${p} is not an integer (x ${fmtShape(x.shape)}, axis ${axis})`);
  }
  const idx = Int32Array.from(indices);
  const len = x.shape[ax];
  const inner = sizeOf(x.shape.slice(ax + 1));
  const v = x.values();
  const out = allocate(x.dtype, n);
  for (let p = 0; p < n; p++) {
    const k = idx[p];
    if (!(k >= 0 && k < len)) throw new Error(`takeAlong: index ${k} at position ${p} is out of range [0, ${len}) for axis ${axis} of ${fmtShape(x.shape)}`);
    const o = Math.floor(p / inner);
    const i = p % inner;
    out[p] = v[(o * len + k) * inner + i];
  }
  return record('take', [x], make(out, shape), { axis: ax, indices: idx });
}
