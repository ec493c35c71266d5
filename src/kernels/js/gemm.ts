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
    // C[i,:] += A[i,p]·B[p,:], two rows of C at a time to reuse each loaded row of B.
    let i = 0;
    for (; i + 1 < m; i += 2) {
      const c0 = cOff + i * ldc;
      const c1 = c0 + ldc;
      const a0 = aOff + i * lda;
      const a1 = a0 + lda;
      for (let p = 0; p < k; p++) {
        const x0 = alpha * a[a0 + p];
        const x1 = alpha * a[a1 + p];
        const br = bOff + p * ldb;
        for (let j = 0; j < n; j++) {
          const bv = b[br + j];
          c[c0 + j] += x0 * bv;
          c[c1 + j] += x1 * bv;
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
    // C[i,j] = Σ_p A[i,p]·B[j,p]: both rows contiguous, a dot product per cell.
    for (let i = 0; i < m; i++) {
      const a0 = aOff + i * lda;
      const c0 = cOff + i * ldc;
      for (let j = 0; j < n; j++) {
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
