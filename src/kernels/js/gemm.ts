/**
 * Reference GEMM (row-major, BLAS-style arguments). Loop orders are chosen so that the inner
 * loop walks contiguous memory in each transpose case; that keeps plain JS within a small
 * factor of its peak without any tiling.
 */

import type { TypedArray } from '../../tensor/dtype.js';

export function gemm(
  transA: boolean, transB: boolean, m: number, n: number, k: number, alpha: number,
  a: TypedArray, aOff: number, lda: number,
  b: TypedArray, bOff: number, ldb: number,
  beta: number, c: TypedArray, cOff: number, ldc: number,
): void {
  // Scale C first; beta = 0 must overwrite (C may hold NaN garbage), as in BLAS.
  for (let i = 0; i < m; i++) {
    const row = cOff + i * ldc;
    if (beta === 0) for (let j = 0; j < n; j++) c[row + j] = 0;
    else if (beta !== 1) for (let j = 0; j < n; j++) c[row + j] *= beta;
  }
  if (k === 0 || alpha === 0) return;
  if (!transA && !transB) {
    // C[i,:] += A[i,p]·B[p,:], four rows of C at a time so each loaded element of B feeds
    // four multiply-adds (plain JS is load-bound, not arithmetic-bound).
    let i = 0;
    for (; i + 3 < m; i += 4) {
      const c0 = cOff + i * ldc;
      const c1 = c0 + ldc;
      const c2 = c1 + ldc;
      const c3 = c2 + ldc;
      const a0 = aOff + i * lda;
      const a1 = a0 + lda;
      const a2 = a1 + lda;
      const a3 = a2 + lda;
      for (let p = 0; p < k; p++) {
        const x0 = alpha * a[a0 + p];
        const x1 = alpha * a[a1 + p];
        const x2 = alpha * a[a2 + p];
        const x3 = alpha * a[a3 + p];
        const br = bOff + p * ldb;
        for (let j = 0; j < n; j++) {
          const bv = b[br + j];
          c[c0 + j] += x0 * bv;
          c[c1 + j] += x1 * bv;
          c[c2 + j] += x2 * bv;
          c[c3 + j] += x3 * bv;
        }
      }
    }
    for (; i < m; i++) {
      const c0 = cOff + i * ldc;
      const a0 = aOff + i * lda;
      for (let p = 0; p < k; p++) {
        const x0 = alpha * a[a0 + p];
        if (x0 === 0) continue;
        const br = bOff + p * ldb;
        for (let j = 0; j < n; j++) c[c0 + j] += x0 * b[br + j];
      }
    }
    return;
  }
  if (!transA && transB) {
    // C[i,j] = Σ_p A[i,p]·B[j,p]: a dot product per cell; four independent partial sums break
    // the add-latency chain, and two columns per pass reuse each loaded element of A.
    for (let i = 0; i < m; i++) {
      const a0 = aOff + i * lda;
      const c0 = cOff + i * ldc;
      let j = 0;
      for (; j + 1 < n; j += 2) {
        const b0 = bOff + j * ldb;
        const b1 = b0 + ldb;
        let s0 = 0, s1 = 0, t0 = 0, t1 = 0;
        let p = 0;
        for (; p + 1 < k; p += 2) {
          const u = a[a0 + p];
          const v = a[a0 + p + 1];
          s0 += u * b[b0 + p];
          s1 += v * b[b0 + p + 1];
          t0 += u * b[b1 + p];
          t1 += v * b[b1 + p + 1];
        }
        if (p < k) {
          s0 += a[a0 + p] * b[b0 + p];
          t0 += a[a0 + p] * b[b1 + p];
        }
        c[c0 + j] += alpha * (s0 + s1);
        c[c0 + j + 1] += alpha * (t0 + t1);
      }
      for (; j < n; j++) {
        const b0 = bOff + j * ldb;
        let s = 0;
        for (let p = 0; p < k; p++) s += a[a0 + p] * b[b0 + p];
        c[c0 + j] += alpha * s;
      }
    }
    return;
  }
  if (transA && !transB) {
    // A stored as [k, m]: C[i,:] += A[p,i]·B[p,:] with p outermost.
    for (let p = 0; p < k; p++) {
      const ar = aOff + p * lda;
      const br = bOff + p * ldb;
      for (let i = 0; i < m; i++) {
        const x = alpha * a[ar + i];
        if (x === 0) continue;
        const c0 = cOff + i * ldc;
        for (let j = 0; j < n; j++) c[c0 + j] += x * b[br + j];
      }
    }
    return;
  }
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[aOff + p * lda + i] * b[bOff + j * ldb + p];
      c[cOff + i * ldc + j] += alpha * s;
    }
  }
}
