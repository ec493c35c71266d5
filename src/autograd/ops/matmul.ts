/**
 * Differentiable (batched, broadcasting) matrix multiplication over the GEMM kernel.
 *
 * Operands whose last two axes are row-major or column-major views are passed to GEMM with a
 * transpose flag instead of being copied, so the backward pass (which multiplies by
 * transposed views) costs no extra copies.
 */

import { allocate, promote } from '../../tensor/dtype.js';
import { broadcastShapes, fmtShape, sizeOf } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { kernel } from '../../kernels/dispatch.js';
import { record } from '../graph.js';
import { make } from './util.js';
import { cast } from './movement.js';

interface GemmOperand {
  t: Tensor;
  trans: boolean;
  ld: number;
}

function asGemmOperand(t: Tensor): GemmOperand {
  const nd = t.ndim;
  const rows = t.shape[nd - 2];
  const cols = t.shape[nd - 1];
  const rs = t.strides[nd - 2];
  const cs = t.strides[nd - 1];
  if ((cs === 1 || cols === 1) && (rs === cols || rows === 1)) return { t, trans: false, ld: cols };
  if ((rs === 1 || rows === 1) && (cs === rows || cols === 1)) return { t, trans: true, ld: rows };
  const dense = make(t.values(), t.shape);
  return { t: dense, trans: false, ld: cols };
}

/** Offsets of each broadcast batch index into an operand's storage. */
function batchOffsets(t: Tensor, batchShape: readonly number[]): Int32Array | number[] {
  const nb = sizeOf(batchShape);
  const offs = new Array<number>(nb);
  const tb = t.ndim - 2;
  const lead = batchShape.length - tb;
  for (let b = 0; b < nb; b++) {
    let rem = b;
    let off = t.offset;
    for (let d = batchShape.length - 1; d >= 0; d--) {
      const i = rem % batchShape[d];
      rem = Math.floor(rem / batchShape[d]);
      const td = d - lead;
      if (td >= 0 && t.shape[td] !== 1) off += i * t.strides[td];
    }
    offs[b] = off;
  }
  return offs;
}

/** a [..., m, k] @ b [..., k, n] → [..., m, n]; 1-D operands are promoted like NumPy's matmul. */
export function matmul(a: Tensor, b: Tensor): Tensor {
  if (a.ndim === 0 || b.ndim === 0) throw new Error(`matmul: scalar operands are not allowed (shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)}); use mul`);
  if (a.ndim === 1 || b.ndim === 1) {
    throw new Error(`matmul: 1-D operands are not supported (shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)}); reshape to a matrix first`);
  }
  const m = a.shape[a.ndim - 2];
  const k = a.shape[a.ndim - 1];
  const k2 = b.shape[b.ndim - 2];
  const n = b.shape[b.ndim - 1];
  if (k !== k2) throw new Error(`matmul: inner dimensions differ: ${fmtShape(a.shape)} @ ${fmtShape(b.shape)} (${k} vs ${k2})`);
  const batchShape = broadcastShapes(a.shape.slice(0, -2), b.shape.slice(0, -2), `matmul ${fmtShape(a.shape)} @ ${fmtShape(b.shape)}, batch dimensions`);
  const dt = promote(a.dtype, b.dtype);
  const A = asGemmOperand(a.dtype === dt ? a : cast(a, dt));
  const B = asGemmOperand(b.dtype === dt ? b : cast(b, dt));
  const nb = sizeOf(batchShape);
  const out = allocate(dt, nb * m * n);
  const aOffs = batchOffsets(A.t, batchShape);
  const bOffs = batchOffsets(B.t, batchShape);
  const gemm = kernel('gemm');
  for (let i = 0; i < nb; i++) {
    gemm(A.trans, B.trans, m, n, k, 1, A.t.data, aOffs[i], A.ld, B.t.data, bOffs[i], B.ld, 0, out, i * m * n, n);
  }
  return record('matmul', [a, b], make(out, [...batchShape, m, n]), {});
}
