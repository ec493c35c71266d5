/**
 * Copying strided (non-contiguous) views into contiguous storage.
 *
 * Views share storage and differ only in shape/strides/offset; kernels want contiguous
 * inputs, and this is the one place that walks arbitrary strides to make them so.
 */

import type { Shape } from './shape.js';
import type { TypedArray } from './dtype.js';

export function isContiguousLayout(shape: Shape, strides: readonly number[]): boolean {
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] !== 1 && strides[i] !== expected) return false;
    expected *= shape[i];
  }
  return true;
}

/**
 * Calls `row(base)` with the storage offset of the start of every innermost row of a strided
 * view, in row-major order (an odometer over the outer axes). Shape must be non-empty.
 */
function forEachRow(shape: Shape, strides: readonly number[], offset: number, row: (base: number) => void): void {
  const nd = shape.length;
  const idx = new Array<number>(nd).fill(0);
  let base = offset;
  for (;;) {
    row(base);
    let d = nd - 2;
    while (d >= 0) {
      idx[d]++;
      base += strides[d];
      if (idx[d] < shape[d]) break;
      base -= strides[d] * shape[d];
      idx[d] = 0;
      d--;
    }
    if (d < 0) return;
  }
}

/** dst[0..size) = src read through (shape, strides, offset), row-major. */
export function copyStrided(
  src: TypedArray,
  shape: Shape,
  strides: readonly number[],
  offset: number,
  dst: TypedArray,
): void {
  const nd = shape.length;
  let size = 1;
  for (const d of shape) size *= d;
  if (size === 0) return;
  if (nd === 0) {
    dst[0] = src[offset];
    return;
  }
  const inner = shape[nd - 1];
  const is = strides[nd - 1];
  let o = 0;
  forEachRow(shape, strides, offset, (base) => {
    if (is === 1) for (let j = 0; j < inner; j++) dst[o++] = src[base + j];
    else if (is === 0) {
      // A broadcast row (e.g. the gradient of a mean over the last axis): one native fill.
      dst.fill(src[base], o, o + inner);
      o += inner;
    } else for (let j = 0, p = base; j < inner; j++, p += is) dst[o++] = src[p];
  });
}

/** The inverse of copyStrided: the view (shape, strides, offset) of dst receives src's dense values. */
export function writeStrided(dst: TypedArray, shape: Shape, strides: readonly number[], offset: number, src: TypedArray): void {
  const nd = shape.length;
  let size = 1;
  for (const d of shape) size *= d;
  if (size === 0) return;
  if (nd === 0) {
    dst[offset] = src[0];
    return;
  }
  const inner = shape[nd - 1];
  const is = strides[nd - 1];
  let o = 0;
  forEachRow(shape, strides, offset, (base) => {
    for (let j = 0, p = base; j < inner; j++, p += is) dst[p] = src[o++];
  });
}
