/**
 * The Tensor: typed-array storage seen through shape, strides and offset.
 *
 * A tensor is storage plus a view; reshape/permute/slice/expand make new views of the same
 * storage without copying. Autograd bookkeeping (`requiresGrad`, `grad`, `node`) lives here as
 * plain fields so that the graph code in autograd/ can attach to any tensor; the tensor itself
 * knows nothing about gradients.
 */

import { allocate, dtypeOf, type DType, type TypedArray } from './dtype.js';
import { contiguousStrides, fmtShape, sizeOf, type Shape } from './shape.js';
import { copyStrided, isContiguousLayout } from './strided.js';
import { formatTensor } from './format.js';

/** What the autograd graph stores on a tensor produced by a recorded op (see autograd/graph.ts). */
export interface GraphNodeRef {
  readonly op: string;
  readonly inputs: readonly Tensor[];
  /** Module path active when the op ran (e.g. "blocks.0.conv"), for tracing. */
  readonly scope: string;
}

let nextId = 1;

export class Tensor {
  readonly id: number;
  readonly data: TypedArray;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
  readonly dtype: DType;
  /** True for leaves that want a gradient and for every result computed from one. */
  requiresGrad = false;
  /** Accumulated gradient (same shape, contiguous) after `backward`. */
  grad: Tensor | null = null;
  /** The op that produced this tensor, while the graph is alive. */
  node: GraphNodeRef | null = null;
  /** Optional human name (parameters carry their path here). */
  name: string | undefined;

  constructor(data: TypedArray, shape: Shape, strides?: readonly number[], offset = 0) {
    this.id = nextId++;
    this.data = data;
    this.shape = shape;
    this.strides = strides ?? contiguousStrides(shape);
    this.offset = offset;
    this.dtype = dtypeOf(data);
    if (strides === undefined && offset === 0 && data.length !== sizeOf(shape)) {
      throw new Error(`Tensor: storage has ${data.length} elements but shape ${fmtShape(shape)} needs ${sizeOf(shape)}`);
    }
  }

  get size(): number {
    return sizeOf(this.shape);
  }

  get ndim(): number {
    return this.shape.length;
  }

  /** Contiguous, starting at offset 0 and covering exactly the storage: `data` can be used directly. */
  get isDense(): boolean {
    return this.offset === 0 && this.data.length === this.size && isContiguousLayout(this.shape, this.strides);
  }

  isContiguous(): boolean {
    return isContiguousLayout(this.shape, this.strides);
  }

  /** Row-major values as a fresh or shared dense typed array (shared when already dense; do not mutate). */
  values(): TypedArray {
    if (this.isDense) return this.data;
    const out = allocate(this.dtype, this.size);
    copyStrided(this.data, this.shape, this.strides, this.offset, out);
    return out;
  }

  /** A dense copy of the values (safe to mutate). */
  toTypedArray(): TypedArray {
    const v = this.values();
    return v === this.data ? v.slice() : v;
  }

  /** Values as a flat JS array. */
  toFlatArray(): number[] {
    return Array.from(this.values());
  }

  /** Values as nested JS arrays (a number for a scalar). */
  toArray(): unknown {
    const flat = this.values();
    const build = (dim: number, base: number): unknown => {
      if (dim === this.shape.length) return flat[base];
      const step = sizeOf(this.shape.slice(dim + 1));
      const out: unknown[] = [];
      for (let i = 0; i < this.shape[dim]; i++) out.push(build(dim + 1, base + i * step));
      return out;
    };
    return build(0, 0);
  }

  /** The single value of a one-element tensor. */
  item(): number {
    if (this.size !== 1) throw new Error(`item: tensor of shape ${fmtShape(this.shape)} has ${this.size} elements, expected 1`);
    return this.data[this.offset];
  }

  /** Value at a multi-index (slow; for tests and printing). */
  get(...index: number[]): number {
    if (index.length !== this.ndim) throw new Error(`get: expected ${this.ndim} indices for shape ${fmtShape(this.shape)}, got ${index.length}`);
    let p = this.offset;
    for (let i = 0; i < index.length; i++) {
      const k = index[i] < 0 ? index[i] + this.shape[i] : index[i];
      if (k < 0 || k >= this.shape[i]) throw new Error(`get: index ${index[i]} out of range for dimension ${i} of shape ${fmtShape(this.shape)}`);
      p += k * this.strides[i];
    }
    return this.data[p];
  }

  toString(): string {
    return formatTensor(this);
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}
