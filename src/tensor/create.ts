/**
 * Creating tensors: from JS arrays or typed arrays, constant fills, ranges, and random
 * initialisations drawn from the seeded generator.
 */

import { allocate, getDefaultDtype, type DType, type TypedArray } from './dtype.js';
import { checkShape, fmtShape, sizeOf, type Shape } from './shape.js';
import { getRng, type Rng } from './rng.js';
import { Tensor } from './tensor.js';

type Nested = number | boolean | readonly Nested[];

function inferShape(data: Nested): number[] {
  const shape: number[] = [];
  let cur: Nested = data;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    cur = cur[0] as Nested;
  }
  return shape;
}

function flattenInto(data: Nested, shape: number[], dim: number, out: number[]): void {
  if (dim === shape.length) {
    if (Array.isArray(data)) throw new Error(`tensor: ragged nested array (too deep at dimension ${dim}); expected shape ${fmtShape(shape)}`);
    out.push(Number(data));
    return;
  }
  if (!Array.isArray(data) || data.length !== shape[dim]) {
    throw new Error(`tensor: ragged nested array at dimension ${dim}; expected length ${shape[dim]} as in shape ${fmtShape(shape)}`);
  }
  for (const v of data as readonly Nested[]) flattenInto(v, shape, dim + 1, out);
}

export interface CreateOptions {
  dtype?: DType;
  requiresGrad?: boolean;
}

/** A tensor from a number, nested arrays or a typed array (with an explicit shape). */
export function tensor(data: Nested | TypedArray, shapeOrOpts?: Shape | CreateOptions, maybeOpts?: CreateOptions): Tensor {
  const shape = Array.isArray(shapeOrOpts) ? (shapeOrOpts as Shape) : undefined;
  const opts = (Array.isArray(shapeOrOpts) ? maybeOpts : (shapeOrOpts as CreateOptions | undefined)) ?? {};
  let t: Tensor;
  if (ArrayBuffer.isView(data)) {
    const typed = data as TypedArray;
    const sh = shape ?? [typed.length];
    checkShape(sh, 'tensor');
    if (sizeOf(sh) !== typed.length) throw new Error(`tensor: ${typed.length} values cannot have shape ${fmtShape(sh)}`);
    const dt = opts.dtype;
    const arr = dt === undefined || dt === tensorDtypeOf(typed) ? typed : convert(typed, dt);
    t = new Tensor(arr, [...sh]);
  } else {
    const inferred = inferShape(data as Nested);
    const flat: number[] = [];
    flattenInto(data as Nested, inferred, 0, flat);
    const sh = shape ?? inferred;
    if (sizeOf(sh) !== flat.length) throw new Error(`tensor: ${flat.length} values cannot have shape ${fmtShape(sh)}`);
    const arr = allocate(opts.dtype ?? getDefaultDtype(), flat.length);
    for (let i = 0; i < flat.length; i++) arr[i] = flat[i];
    t = new Tensor(arr, [...sh]);
  }
  if (opts.requiresGrad) t.requiresGrad = true;
  return t;
}

function tensorDtypeOf(a: TypedArray): DType {
  return new Tensor(a, [a.length]).dtype;
}

function convert(a: TypedArray, dtype: DType): TypedArray {
  const out = allocate(dtype, a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i];
  return out;
}

export function full(shape: Shape, value: number, opts: CreateOptions = {}): Tensor {
  checkShape(shape, 'full');
  const arr = allocate(opts.dtype ?? getDefaultDtype(), sizeOf(shape));
  if (value !== 0) arr.fill(value);
  const t = new Tensor(arr, [...shape]);
  if (opts.requiresGrad) t.requiresGrad = true;
  return t;
}

export function zeros(shape: Shape, opts: CreateOptions = {}): Tensor {
  return full(shape, 0, opts);
}

export function ones(shape: Shape, opts: CreateOptions = {}): Tensor {
  return full(shape, 1, opts);
}

export function scalar(value: number, opts: CreateOptions = {}): Tensor {
  return full([], value, opts);
}

export function zerosLike(t: Tensor): Tensor {
  return full(t.shape, 0, { dtype: t.dtype });
}

export function onesLike(t: Tensor): Tensor {
  return full(t.shape, 1, { dtype: t.dtype });
}

/** Values start, start+step, … below stop (like NumPy). */
export function arange(start: number, stop?: number, step = 1, opts: CreateOptions = {}): Tensor {
  if (stop === undefined) {
    stop = start;
    start = 0;
  }
  if (step === 0 || !Number.isFinite(step)) throw new Error(`arange: step must be a non-zero finite number, got ${step}`);
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const arr = allocate(opts.dtype ?? getDefaultDtype(), n);
  for (let i = 0; i < n; i++) arr[i] = start + i * step;
  return new Tensor(arr, [n]);
}

export function linspace(start: number, stop: number, n: number, opts: CreateOptions = {}): Tensor {
  if (!Number.isInteger(n) || n < 0) throw new Error(`linspace: n must be a non-negative integer, got ${n}`);
  const arr = allocate(opts.dtype ?? getDefaultDtype(), n);
  for (let i = 0; i < n; i++) arr[i] = n === 1 ? start : start + ((stop - start) * i) / (n - 1);
  return new Tensor(arr, [n]);
}

export interface RandomOptions extends CreateOptions {
  rng?: Rng;
}

export function randn(shape: Shape, opts: RandomOptions & { mean?: number; std?: number } = {}): Tensor {
  checkShape(shape, 'randn');
  const rng = opts.rng ?? getRng();
  const mean = opts.mean ?? 0;
  const std = opts.std ?? 1;
  const arr = allocate(opts.dtype ?? getDefaultDtype(), sizeOf(shape));
  for (let i = 0; i < arr.length; i++) arr[i] = mean + std * rng.normal();
  const t = new Tensor(arr, [...shape]);
  if (opts.requiresGrad) t.requiresGrad = true;
  return t;
}

export function uniform(shape: Shape, lo = 0, hi = 1, opts: RandomOptions = {}): Tensor {
  checkShape(shape, 'uniform');
  const rng = opts.rng ?? getRng();
  const arr = allocate(opts.dtype ?? getDefaultDtype(), sizeOf(shape));
  for (let i = 0; i < arr.length; i++) arr[i] = rng.uniform(lo, hi);
  const t = new Tensor(arr, [...shape]);
  if (opts.requiresGrad) t.requiresGrad = true;
  return t;
}
