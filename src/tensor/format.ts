/**
 * Readable printing of tensors, PyTorch-like: nested brackets, aligned columns, elided middles
 * for large tensors, and the shape and dtype at the end.
 */

import type { Tensor } from './tensor.js';
import { isFloat } from './dtype.js';

const EDGE = 3;
const MAX_FULL = 1000;

export function formatTensor(t: Tensor): string {
  const vals = t.values();
  const float = isFloat(t.dtype);
  const fmt = (v: number): string => {
    if (!float) return String(v);
    if (!Number.isFinite(v)) return String(v);
    const a = Math.abs(v);
    return a !== 0 && (a >= 1e5 || a < 1e-4) ? v.toExponential(4) : v.toFixed(4);
  };
  const elide = t.size > MAX_FULL;
  let width = 0;
  for (let i = 0; i < vals.length; i++) width = Math.max(width, fmt(vals[i]).length);
  const strides: number[] = [];
  let s = 1;
  for (let i = t.ndim - 1; i >= 0; i--) {
    strides[i] = s;
    s *= t.shape[i];
  }
  const rec = (dim: number, base: number, indent: string): string => {
    if (dim === t.ndim) return fmt(vals[base]).padStart(width);
    const n = t.shape[dim];
    const idx: (number | null)[] = [];
    if (elide && n > 2 * EDGE) {
      for (let i = 0; i < EDGE; i++) idx.push(i);
      idx.push(null);
      for (let i = n - EDGE; i < n; i++) idx.push(i);
    } else for (let i = 0; i < n; i++) idx.push(i);
    const parts = idx.map((i) => (i === null ? '...' : rec(dim + 1, base + i * strides[dim], indent + ' ')));
    const sep = dim === t.ndim - 1 ? ', ' : ',\n' + '\n'.repeat(Math.max(0, t.ndim - dim - 2)) + indent + ' ';
    return '[' + parts.join(sep) + ']';
  };
  const body = t.ndim === 0 ? fmt(vals[0]) : rec(0, 0, '       ');
  const grad = t.requiresGrad ? ', requiresGrad' : '';
  return `tensor(${body}, shape=[${t.shape.join(', ')}], dtype=${t.dtype}${grad})`;
}
