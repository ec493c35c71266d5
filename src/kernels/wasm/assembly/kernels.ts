/**
 * AssemblyScript source of the `wasm` backend's kernels (compiled by build-wasm.mjs; this file
 * is not part of the tsc program). Everything is float32; every pointer is a byte offset into
 * the one linear memory, which the JS side owns and lays out per call (see ../runtime.ts).
 * No allocation happens here, so several instances (worker threads) can share one memory.
 *
 * GEMM: C[m×n] = alpha·A·B + beta·C where A(i,p) is at a + 4·(i·sai + p·sap) and B(p,j) at
 * b + 4·(p·sbp + j·sbj), so one routine covers all four transpose cases. B is packed per
 * (KC × NC) block into panels of NR = 8 columns; a 4×8 register block of accumulators
 * (8 × f32x4) reads A by splat loads straight from its rows.
 */

const NR: i32 = 8;
const KC: i32 = 256;
const NC: i32 = 512;

/** Bytes of scratch one gemm call needs for its packed B block. */
export function packBytes(): i32 {
  return KC * NC * 4;
}

export function hasRelaxed(): i32 {
  return ASC_FEATURE_RELAXED_SIMD ? 1 : 0;
}

// @ts-ignore: decorator
@inline function fma(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

// @ts-ignore: decorator
@inline function storeLanes(p: usize, v: v128, cnt: i32): void {
  if (cnt <= 0) return;
  store<f32>(p, f32x4.extract_lane(v, 0));
  if (cnt > 1) store<f32>(p, f32x4.extract_lane(v, 1), 4);
  if (cnt > 2) store<f32>(p, f32x4.extract_lane(v, 2), 8);
  if (cnt > 3) store<f32>(p, f32x4.extract_lane(v, 3), 12);
}

// @ts-ignore: decorator
@inline function updateC(c: usize, acc0: v128, acc1: v128, alpha: v128, cols: i32, fresh: bool): void {
  // fresh: C is being overwritten (beta = 0, first K block): add to +0 instead of reading C —
  // the same bits as the zero-filled C this replaces, without the fill pass and the loads.
  if (fresh) {
    const z = f32x4.splat(0);
    if (cols == NR) {
      v128.store(c, fma(acc0, alpha, z));
      v128.store(c, fma(acc1, alpha, z), 16);
    } else {
      storeLanes(c, fma(acc0, alpha, z), cols);
      storeLanes(c + 16, fma(acc1, alpha, z), cols - 4);
    }
    return;
  }
  if (cols == NR) {
    v128.store(c, fma(acc0, alpha, v128.load(c)));
    v128.store(c, fma(acc1, alpha, v128.load(c, 16)), 16);
    return;
  }
  // Partial panel at the right edge: read what is there, add, store only the valid lanes.
  let t0 = f32x4.splat(0);
  let t1 = f32x4.splat(0);
  if (cols > 0) t0 = f32x4.replace_lane(t0, 0, load<f32>(c));
  if (cols > 1) t0 = f32x4.replace_lane(t0, 1, load<f32>(c, 4));
  if (cols > 2) t0 = f32x4.replace_lane(t0, 2, load<f32>(c, 8));
  if (cols > 3) t0 = f32x4.replace_lane(t0, 3, load<f32>(c, 12));
  if (cols > 4) t1 = f32x4.replace_lane(t1, 0, load<f32>(c, 16));
  if (cols > 5) t1 = f32x4.replace_lane(t1, 1, load<f32>(c, 20));
  if (cols > 6) t1 = f32x4.replace_lane(t1, 2, load<f32>(c, 24));
  storeLanes(c, fma(acc0, alpha, t0), cols);
  storeLanes(c + 16, fma(acc1, alpha, t1), cols - 4);
}

/** Pack B(p0..p0+kc, j0..j0+nc) into ceil(nc/8) panels of kc×8, zero-padding the last one. */
function packB(b: usize, sbp: i32, sbj: i32, p0: i32, kc: i32, j0: i32, nc: i32, dst: usize): void {
  const panels = (nc + NR - 1) / NR;
  for (let q = 0; q < panels; q++) {
    const jq = j0 + q * NR;
    const cols = min(NR, nc - q * NR);
    let d = dst + <usize>(q * kc * NR * 4);
    if (sbj == 1 && cols == NR) {
      let s = b + <usize>((p0 * sbp + jq) * 4);
      const step = <usize>(sbp * 4);
      for (let pp = 0; pp < kc; pp++) {
        v128.store(d, v128.load(s));
        v128.store(d, v128.load(s, 16), 16);
        s += step;
        d += 32;
      }
    } else if (sbp == 1 && cols == NR) {
      // Bᵀ stored row-major (e.g. colᵀ in the weight gradient): read 4 consecutive p of each
      // column with one load and transpose 4×4 blocks in registers instead of gathering.
      let pp = 0;
      for (; pp + 4 <= kc; pp += 4) {
        const s0 = b + <usize>((p0 + pp + jq * sbj) * 4);
        const sj = <usize>(sbj * 4);
        for (let half = 0; half < 2; half++) {
          const s = s0 + <usize>(half * 4) * sj;
          const c0 = v128.load(s), c1 = v128.load(s + sj), c2 = v128.load(s + 2 * sj), c3 = v128.load(s + 3 * sj);
          const t0 = v128.shuffle<f32>(c0, c1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(c0, c1, 2, 6, 3, 7);
          const t2 = v128.shuffle<f32>(c2, c3, 0, 4, 1, 5), t3 = v128.shuffle<f32>(c2, c3, 2, 6, 3, 7);
          const o = d + <usize>(half * 16);
          v128.store(o, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
          v128.store(o + 32, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7));
          v128.store(o + 64, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5));
          v128.store(o + 96, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7));
        }
        d += 128;
      }
      for (; pp < kc; pp++) {
        const row = b + <usize>((p0 + pp + jq * sbj) * 4);
        for (let jj = 0; jj < NR; jj++) store<f32>(d + <usize>(jj * 4), load<f32>(row + <usize>(jj * sbj * 4)));
        d += 32;
      }
    } else {
      for (let pp = 0; pp < kc; pp++) {
        const row = b + <usize>(((p0 + pp) * sbp + jq * sbj) * 4);
        for (let jj = 0; jj < NR; jj++) {
          store<f32>(d + <usize>(jj * 4), jj < cols ? load<f32>(row + <usize>(jj * sbj * 4)) : 0);
        }
        d += 32;
      }
    }
  }
}

/** 4 rows × 8 columns: C += alpha · A(4×kc) · Bpanel(kc×8). */
function kernel4x8(a: usize, s1: usize, sap4: usize, bp: usize, kc: i32, c: usize, ldc4: usize, alpha: v128, cols: i32, fresh: bool): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  const s2 = s1 + s1;
  const s3 = s2 + s1;
  let ap = a;
  let b = bp;
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(b);
    const b1 = v128.load(b, 16);
    const x0 = v128.load32_splat(ap);
    c00 = fma(x0, b0, c00); c01 = fma(x0, b1, c01);
    const x1 = v128.load32_splat(ap + s1);
    c10 = fma(x1, b0, c10); c11 = fma(x1, b1, c11);
    const x2 = v128.load32_splat(ap + s2);
    c20 = fma(x2, b0, c20); c21 = fma(x2, b1, c21);
    const x3 = v128.load32_splat(ap + s3);
    c30 = fma(x3, b0, c30); c31 = fma(x3, b1, c31);
    ap += sap4;
    b += 32;
  }
  updateC(c, c00, c01, alpha, cols, fresh);
  updateC(c + ldc4, c10, c11, alpha, cols, fresh);
  updateC(c + 2 * ldc4, c20, c21, alpha, cols, fresh);
  updateC(c + 3 * ldc4, c30, c31, alpha, cols, fresh);
}

/** One row × 8 columns (rows left over after the 4-row blocks). */
function kernel1x8(a: usize, sap4: usize, bp: usize, kc: i32, c: usize, alpha: v128, cols: i32, fresh: bool): void {
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0);
  let d0 = f32x4.splat(0), d1 = f32x4.splat(0);
  let ap = a;
  let b = bp;
  let p = 0;
  for (; p + 1 < kc; p += 2) {
    const x = v128.load32_splat(ap);
    const y = v128.load32_splat(ap + sap4);
    c0 = fma(x, v128.load(b), c0); c1 = fma(x, v128.load(b, 16), c1);
    d0 = fma(y, v128.load(b, 32), d0); d1 = fma(y, v128.load(b, 48), d1);
    ap += sap4 + sap4;
    b += 64;
  }
  if (p < kc) {
    const x = v128.load32_splat(ap);
    c0 = fma(x, v128.load(b), c0); c1 = fma(x, v128.load(b, 16), c1);
  }
  updateC(c, f32x4.add(c0, d0), f32x4.add(c1, d1), alpha, cols, fresh);
}

export function gemm(
  m: i32, n: i32, k: i32, alpha: f32,
  a: usize, sai: i32, sap: i32,
  b: usize, sbp: i32, sbj: i32,
  beta: f32, c: usize, ldc: i32, pack: usize,
): void {
  // beta = 0 overwrites (C may hold garbage), as in BLAS: the first K block stores without
  // reading C (every cell of C is written by it); only a call with no product zero-fills.
  const noProduct = k == 0 || alpha == 0 || m == 0 || n == 0;
  for (let i = 0; i < m; i++) {
    const row = c + <usize>(i * ldc * 4);
    if (beta == 0) {
      if (noProduct) memory.fill(row, 0, <usize>(n * 4));
    } else if (beta != 1) {
      const bv = f32x4.splat(beta);
      let j = 0;
      for (; j + 4 <= n; j += 4) v128.store(row + <usize>(j * 4), f32x4.mul(v128.load(row + <usize>(j * 4)), bv));
      for (; j < n; j++) store<f32>(row + <usize>(j * 4), load<f32>(row + <usize>(j * 4)) * beta);
    }
  }
  if (noProduct) return;
  const av = f32x4.splat(alpha);
  const s1 = <usize>(sai * 4);
  const sap4 = <usize>(sap * 4);
  const ldc4 = <usize>(ldc * 4);
  for (let j0 = 0; j0 < n; j0 += NC) {
    const nc = min(NC, n - j0);
    const panels = (nc + NR - 1) / NR;
    for (let p0 = 0; p0 < k; p0 += KC) {
      const kc = min(KC, k - p0);
      packB(b, sbp, sbj, p0, kc, j0, nc, pack);
      const panelBytes = <usize>(kc * NR * 4);
      const fresh = beta == 0 && p0 == 0;
      let i = 0;
      for (; i + 4 <= m; i += 4) {
        const ap = a + <usize>((i * sai + p0 * sap) * 4);
        let cp = c + <usize>((i * ldc + j0) * 4);
        let bp = pack;
        for (let q = 0; q < panels; q++) {
          kernel4x8(ap, s1, sap4, bp, kc, cp, ldc4, av, min(NR, nc - q * NR), fresh);
          bp += panelBytes;
          cp += 32;
        }
      }
      for (; i < m; i++) {
        const ap = a + <usize>((i * sai + p0 * sap) * 4);
        let cp = c + <usize>((i * ldc + j0) * 4);
        let bp = pack;
        for (let q = 0; q < panels; q++) {
          kernel1x8(ap, sap4, bp, kc, cp, av, min(NR, nc - q * NR), fresh);
          bp += panelBytes;
          cp += 32;
        }
      }
    }
  }
}

// ─────────────────────────────── convolution ───────────────────────────────
// Geometry block (i32 words at g): n cin h w cout kh kw sh sw dh dw padTop padLeft groups ho wo

// @ts-ignore: decorator
@inline function gi(g: usize, i: i32): i32 {
  return load<i32>(g + <usize>(i * 4));
}

/** col[K×P] from one sample-group plane block x (cinG planes of h×w). */
export function im2col(x: usize, cinG: i32, g: usize, col: usize): void {
  const h = gi(g, 2), w = gi(g, 3), kh = gi(g, 5), kw = gi(g, 6), sh = gi(g, 7), sw = gi(g, 8);
  const dh = gi(g, 9), dw = gi(g, 10), padTop = gi(g, 11), padLeft = gi(g, 12), ho = gi(g, 14), wo = gi(g, 15);
  const P = ho * wo;
  let row = 0;
  for (let c = 0; c < cinG; c++) {
    const plane = x + <usize>(c * h * w * 4);
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const rbase = col + <usize>(row * P * 4);
        const shift = j * dw - padLeft;
        // Valid output columns (for stride 1): 0 <= ow + shift < w.
        const lo = min(wo, max(0, -shift));
        const hi = max(lo, min(wo, w - shift));
        for (let oh = 0; oh < ho; oh++) {
          const ih = oh * sh - padTop + i * dh;
          const ob = rbase + <usize>(oh * wo * 4);
          if (ih < 0 || ih >= h) {
            memory.fill(ob, 0, <usize>(wo * 4));
            continue;
          }
          const ib = plane + <usize>(ih * w * 4);
          if (sw == 1) {
            if (lo > 0) memory.fill(ob, 0, <usize>(lo * 4));
            if (hi > lo) memory.copy(ob + <usize>(lo * 4), ib + <usize>((lo + shift) * 4), <usize>((hi - lo) * 4));
            if (hi < wo) memory.fill(ob + <usize>(hi * 4), 0, <usize>((wo - hi) * 4));
          } else {
            for (let ow = 0; ow < wo; ow++) {
              const iw = ow * sw + shift;
              store<f32>(ob + <usize>(ow * 4), iw >= 0 && iw < w ? load<f32>(ib + <usize>(iw * 4)) : 0);
            }
          }
        }
        row++;
      }
    }
  }
}

/** dx plane block += col2im(dcol). */
export function col2imAdd(col: usize, cinG: i32, g: usize, dx: usize): void {
  const h = gi(g, 2), w = gi(g, 3), kh = gi(g, 5), kw = gi(g, 6), sh = gi(g, 7), sw = gi(g, 8);
  const dh = gi(g, 9), dw = gi(g, 10), padTop = gi(g, 11), padLeft = gi(g, 12), ho = gi(g, 14), wo = gi(g, 15);
  const P = ho * wo;
  let row = 0;
  for (let c = 0; c < cinG; c++) {
    const plane = dx + <usize>(c * h * w * 4);
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const rbase = col + <usize>(row * P * 4);
        const shift = j * dw - padLeft;
        const lo = min(wo, max(0, -shift));
        const hi = max(lo, min(wo, w - shift));
        for (let oh = 0; oh < ho; oh++) {
          const ih = oh * sh - padTop + i * dh;
          if (ih < 0 || ih >= h) continue;
          const ob = rbase + <usize>(oh * wo * 4);
          const ib = plane + <usize>(ih * w * 4);
          if (sw == 1) {
            let src = ob + <usize>(lo * 4);
            let dst = ib + <usize>((lo + shift) * 4);
            let ow = lo;
            for (; ow + 4 <= hi; ow += 4) {
              v128.store(dst, f32x4.add(v128.load(dst), v128.load(src)));
              src += 16;
              dst += 16;
            }
            for (; ow < hi; ow++) {
              store<f32>(dst, load<f32>(dst) + load<f32>(src));
              src += 4;
              dst += 4;
            }
          } else {
            for (let ow = 0; ow < wo; ow++) {
              const iw = ow * sw + shift;
              if (iw >= 0 && iw < w) {
                const d = ib + <usize>(iw * 4);
                store<f32>(d, load<f32>(d) + load<f32>(ob + <usize>(ow * 4)));
              }
            }
          }
        }
        row++;
      }
    }
  }
}

function isPointwise(g: usize): bool {
  return gi(g, 5) == 1 && gi(g, 6) == 1 && gi(g, 7) == 1 && gi(g, 8) == 1 && gi(g, 11) == 0 && gi(g, 12) == 0 &&
    gi(g, 16) == 0 && gi(g, 17) == 0;
}

/** out[s0..s1) = conv(x, w) + bias (bias = 0: none). Scratch: col (K×P floats), pack. */
/** Forward for samples [s0, s1); act = 1 applies ReLU to each sample's output while it is in cache (fused conv + bias + ReLU). */
export function convForward(x: usize, w: usize, bias: usize, out: usize, g: usize, col: usize, pack: usize, s0: i32, s1: i32, act: i32): void {
  const cin = gi(g, 1), h = gi(g, 2), wd = gi(g, 3), cout = gi(g, 4), kh = gi(g, 5), kw = gi(g, 6);
  const groups = gi(g, 13), ho = gi(g, 14), wo = gi(g, 15);
  const cinG = cin / groups, coutG = cout / groups;
  const K = cinG * kh * kw, P = ho * wo;
  const pw = isPointwise(g);
  for (let n = s0; n < s1; n++) {
    for (let gr = 0; gr < groups; gr++) {
      const xo = x + <usize>((n * cin + gr * cinG) * h * wd * 4);
      const yo = out + <usize>((n * cout + gr * coutG) * P * 4);
      const wo_ = w + <usize>(gr * coutG * K * 4);
      let src = xo;
      if (!pw) {
        im2col(xo, cinG, g, col);
        src = col;
      }
      gemm(coutG, P, K, 1, wo_, K, 1, src, P, 1, 0, yo, P, pack);
    }
    if (bias != 0) {
      for (let co = 0; co < cout; co++) {
        const bv = f32x4.splat(load<f32>(bias + <usize>(co * 4)));
        const bs = load<f32>(bias + <usize>(co * 4));
        const base = out + <usize>((n * cout + co) * P * 4);
        let p = 0;
        for (; p + 4 <= P; p += 4) v128.store(base + <usize>(p * 4), f32x4.add(v128.load(base + <usize>(p * 4)), bv));
        for (; p < P; p++) store<f32>(base + <usize>(p * 4), load<f32>(base + <usize>(p * 4)) + bs);
      }
    }
    if (act != 0) {
      const yo = out + <usize>(n * cout * P * 4);
      relu(yo, yo, cout * P);
    }
  }
}

/** dx[s0..s1) = ∂/∂x (overwrites those samples). */
export function convBackwardInput(dy: usize, w: usize, dx: usize, g: usize, col: usize, pack: usize, s0: i32, s1: i32): void {
  const cin = gi(g, 1), h = gi(g, 2), wd = gi(g, 3), cout = gi(g, 4), kh = gi(g, 5), kw = gi(g, 6);
  const groups = gi(g, 13), ho = gi(g, 14), wo = gi(g, 15);
  const cinG = cin / groups, coutG = cout / groups;
  const K = cinG * kh * kw, P = ho * wo;
  const pw = isPointwise(g);
  if (!pw) memory.fill(dx + <usize>(s0 * cin * h * wd * 4), 0, <usize>((s1 - s0) * cin * h * wd * 4));
  for (let n = s0; n < s1; n++) {
    for (let gr = 0; gr < groups; gr++) {
      const xo = dx + <usize>((n * cin + gr * cinG) * h * wd * 4);
      const yo = dy + <usize>((n * cout + gr * coutG) * P * 4);
      const wo_ = w + <usize>(gr * coutG * K * 4);
      if (pw) {
        gemm(K, P, coutG, 1, wo_, 1, K, yo, P, 1, 0, xo, P, pack);
      } else {
        gemm(K, P, coutG, 1, wo_, 1, K, yo, P, 1, 0, col, P, pack);
        col2imAdd(col, cinG, g, xo);
      }
    }
  }
}

/** dw += Σ over samples [s0, s1) of dy·colᵀ (the caller zeroes dw). */
export function convBackwardWeight(x: usize, dy: usize, dw: usize, g: usize, col: usize, pack: usize, s0: i32, s1: i32): void {
  const cin = gi(g, 1), h = gi(g, 2), wd = gi(g, 3), cout = gi(g, 4), kh = gi(g, 5), kw = gi(g, 6);
  const groups = gi(g, 13), ho = gi(g, 14), wo = gi(g, 15);
  const cinG = cin / groups, coutG = cout / groups;
  const K = cinG * kh * kw, P = ho * wo;
  const pw = isPointwise(g);
  for (let n = s0; n < s1; n++) {
    for (let gr = 0; gr < groups; gr++) {
      const xo = x + <usize>((n * cin + gr * cinG) * h * wd * 4);
      const yo = dy + <usize>((n * cout + gr * coutG) * P * 4);
      const wo_ = dw + <usize>(gr * coutG * K * 4);
      let src = xo;
      if (!pw) {
        im2col(xo, cinG, g, col);
        src = col;
      }
      // dW_g (coutG×K) += dy_g (coutG×P) · colᵀ (P×K): B(p, j) = col[j·P + p].
      gemm(coutG, K, P, 1, yo, P, 1, src, 1, P, 1, wo_, K, pack);
    }
  }
}

/**
 * dX and dW of samples [s0, s1) in one job (one worker wake-up instead of two): exactly
 * convBackwardInput then convBackwardWeight, so the bits are theirs.
 */
export function convBackwardBoth(dy: usize, w: usize, dx: usize, x: usize, dw: usize, g: usize, col: usize, pack: usize, s0: i32, s1: i32): void {
  convBackwardInput(dy, w, dx, g, col, pack, s0, s1);
  convBackwardWeight(x, dy, dw, g, col, pack, s0, s1);
}

/** Adds x[i], x[i+1], x[i+2], x[i+3] of channel rows a and b to the lanes of acc, each lane in i order. */
// @ts-ignore: decorator
@inline function addPair4(acc: v128, a: usize, b: usize): v128 {
  const xa = v128.load(a), xb = v128.load(b);
  const lo = v128.shuffle<f32>(xa, xb, 0, 4, 1, 5); // a0 b0 a1 b1
  const hi = v128.shuffle<f32>(xa, xb, 2, 6, 3, 7); // a2 b2 a3 b3
  acc = f64x2.add(acc, f64x2.promote_low_f32x4(lo));
  acc = f64x2.add(acc, f64x2.promote_low_f32x4(v128.shuffle<f32>(lo, lo, 2, 3, 2, 3)));
  acc = f64x2.add(acc, f64x2.promote_low_f32x4(hi));
  return f64x2.add(acc, f64x2.promote_low_f32x4(v128.shuffle<f32>(hi, hi, 2, 3, 2, 3)));
}

// @ts-ignore: decorator
@inline function addPair1(acc: v128, a: usize, b: usize): v128 {
  return f64x2.add(acc, f64x2.replace_lane(f64x2.splat(<f64>load<f32>(a)), 1, <f64>load<f32>(b)));
}

/**
 * A conv bias gradient: out[m] = Σ over samples o, then positions i, of dy[o, m, i], one float64
 * chain per channel in exactly that order — the bits of the js sumOuterInner. Eight channels'
 * chains run side by side (two per f64x2) so the adds overlap instead of waiting on each other.
 */
export function biasGrad(dy: usize, n: i32, c: i32, p: i32, out: usize): void {
  const row = <usize>(p * 4);
  const plane = <usize>(c) * row;
  let m = 0;
  for (; m + 8 <= c; m += 8) {
    let a0 = f64x2.splat(0), a1 = f64x2.splat(0), a2 = f64x2.splat(0), a3 = f64x2.splat(0);
    for (let o = 0; o < n; o++) {
      let b = dy + <usize>(o) * plane + <usize>(m) * row;
      let i = 0;
      for (; i + 4 <= p; i += 4) {
        a0 = addPair4(a0, b, b + row);
        a1 = addPair4(a1, b + 2 * row, b + 3 * row);
        a2 = addPair4(a2, b + 4 * row, b + 5 * row);
        a3 = addPair4(a3, b + 6 * row, b + 7 * row);
        b += 16;
      }
      for (; i < p; i++) {
        a0 = addPair1(a0, b, b + row);
        a1 = addPair1(a1, b + 2 * row, b + 3 * row);
        a2 = addPair1(a2, b + 4 * row, b + 5 * row);
        a3 = addPair1(a3, b + 6 * row, b + 7 * row);
        b += 4;
      }
    }
    const q = out + <usize>(m * 4);
    store<f32>(q, <f32>f64x2.extract_lane(a0, 0));
    store<f32>(q, <f32>f64x2.extract_lane(a0, 1), 4);
    store<f32>(q, <f32>f64x2.extract_lane(a1, 0), 8);
    store<f32>(q, <f32>f64x2.extract_lane(a1, 1), 12);
    store<f32>(q, <f32>f64x2.extract_lane(a2, 0), 16);
    store<f32>(q, <f32>f64x2.extract_lane(a2, 1), 20);
    store<f32>(q, <f32>f64x2.extract_lane(a3, 0), 24);
    store<f32>(q, <f32>f64x2.extract_lane(a3, 1), 28);
  }
  for (; m < c; m++) {
    let s: f64 = 0;
    for (let o = 0; o < n; o++) {
      const b = dy + <usize>(o) * plane + <usize>(m) * row;
      for (let i = 0; i < p; i++) s += <f64>load<f32>(b + <usize>(i * 4));
    }
    store<f32>(out + <usize>(m * 4), <f32>s);
  }
}

/** dst[i] += src[i] for n floats (sums the per-thread weight-gradient partials). */
export function addInto(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>(i * 4);
    v128.store(dst + o, f32x4.add(v128.load(dst + o), v128.load(src + o)));
  }
  for (; i < n; i++) {
    const o = <usize>(i * 4);
    store<f32>(dst + o, load<f32>(dst + o) + load<f32>(src + o));
  }
}

/** out = max(x, 0) over n floats. */
export function relu(x: usize, out: usize, n: i32): void {
  const z = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>(i * 4);
    const v = v128.load(x + o);
    v128.store(out + o, v128.and(v, f32x4.gt(v, z))); // NaN and -0 give +0, like the js loop
  }
  for (; i < n; i++) {
    const o = <usize>(i * 4);
    const v = load<f32>(x + o);
    store<f32>(out + o, v > 0 ? v : 0);
  }
}

/** out = g · (x > 0 ? 1 : 0) over n floats (ReLU's gradient; the product keeps js's −0 and NaN). */
export function reluGrad(x: usize, g: usize, out: usize, n: i32): void {
  const z = f32x4.splat(0);
  const one = f32x4.splat(1);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>(i * 4);
    v128.store(out + o, f32x4.mul(v128.load(g + o), v128.and(f32x4.gt(v128.load(x + o), z), one)));
  }
  for (; i < n; i++) {
    const o = <usize>(i * 4);
    store<f32>(out + o, load<f32>(g + o) * (load<f32>(x + o) > 0 ? <f32>1 : <f32>0));
  }
}

// ─────────────────────────────── fake quantisation ───────────────────────────────

/**
 * out = clamp(rnd(x / scale[ci]), qmin, qmax) · scale[ci] for x viewed as [outer, c, inner], in
 * float64 exactly like the js reference (f64.nearest is round-half-even), so the integer codes
 * (written when codes ≠ 0) are identical. scale holds c float64 values.
 */
export function fakeQuant(x: usize, out: usize, codes: usize, outer: i32, c: i32, inner: i32,
  scale: usize, qmin: f64, qmax: f64, floorMode: i32): void {
  let idx: usize = 0;
  for (let o = 0; o < outer; o++) {
    for (let ci = 0; ci < c; ci++) {
      const s = load<f64>(scale + <usize>(ci * 8));
      for (let j = 0; j < inner; j++) {
        const v = <f64>load<f32>(x + idx);
        let q = floorMode != 0 ? Math.floor(v / s) : nearest<f64>(v / s);
        if (q < qmin) q = qmin; else if (q > qmax) q = qmax;
        if (q == 0) q = 0; // −0 → +0
        store<f32>(out + idx, <f32>(q * s));
        if (codes != 0) store<i32>(codes + idx, <i32>q);
        idx += 4;
      }
    }
  }
}

// ─────────────────────────────── elementwise ───────────────────────────────
// Op codes (index in BIN_OPS of ../index.ts): 0 add 1 sub 2 mul 3 div 4 maximum 5 minimum
// 6 gt 7 ge 8 lt 9 le 10 eq. Float32 +, −, ×, ÷ round exactly like js's float64 op stored to
// float32 (double rounding is innocuous for these), so results are bit-identical to js.

// @ts-ignore: decorator
@inline function sop(op: i32, x: f32, y: f32): f32 {
  switch (op) {
    case 0: return x + y;
    case 1: return x - y;
    case 2: return x * y;
    case 3: return x / y;
    case 4: return x >= y || x != x ? x : y;
    case 5: return x <= y || x != x ? x : y;
    case 6: return x > y ? 1 : 0;
    case 7: return x >= y ? 1 : 0;
    case 8: return x < y ? 1 : 0;
    case 9: return x <= y ? 1 : 0;
    default: return x == y ? 1 : 0;
  }
}

// @ts-ignore: decorator
@inline function vop(op: i32, x: v128, y: v128): v128 {
  const one = f32x4.splat(1);
  switch (op) {
    case 0: return f32x4.add(x, y);
    case 1: return f32x4.sub(x, y);
    case 2: return f32x4.mul(x, y);
    case 3: return f32x4.div(x, y);
    case 4: return v128.bitselect(x, y, v128.or(f32x4.ge(x, y), f32x4.ne(x, x)));
    case 5: return v128.bitselect(x, y, v128.or(f32x4.le(x, y), f32x4.ne(x, x)));
    case 6: return v128.and(f32x4.gt(x, y), one);
    case 7: return v128.and(f32x4.ge(x, y), one);
    case 8: return v128.and(f32x4.lt(x, y), one);
    case 9: return v128.and(f32x4.le(x, y), one);
    default: return v128.and(f32x4.eq(x, y), one);
  }
}

/** out[0..n) = op(a[j·sa], b[j·sb]) with the dense and broadcast-scalar cases in SIMD. */
// @ts-ignore: decorator
@inline function binRow(op: i32, a: usize, sa: i32, b: usize, sb: i32, o: usize, n: i32): void {
  let j = 0;
  if (sa == 1 && sb == 1) {
    for (; j + 4 <= n; j += 4) {
      const k = <usize>(j << 2);
      v128.store(o + k, vop(op, v128.load(a + k), v128.load(b + k)));
    }
  } else if (sa == 1 && sb == 0) {
    const y = v128.load32_splat(b);
    for (; j + 4 <= n; j += 4) {
      const k = <usize>(j << 2);
      v128.store(o + k, vop(op, v128.load(a + k), y));
    }
  } else if (sa == 0 && sb == 1) {
    const x = v128.load32_splat(a);
    for (; j + 4 <= n; j += 4) {
      const k = <usize>(j << 2);
      v128.store(o + k, vop(op, x, v128.load(b + k)));
    }
  }
  for (; j < n; j++) {
    store<f32>(o + <usize>(j << 2), sop(op, load<f32>(a + <usize>(j * sa * 4)), load<f32>(b + <usize>(j * sb * 4))));
  }
}

/** Broadcast binary op over a 4-D [d0, d1, d2, d3] walk; dims and strides (elements) at geo. */
// @ts-ignore: decorator
@inline function binary4(op: i32, a: usize, b: usize, out: usize, geo: usize): void {
  const d0 = gi(geo, 0), d1 = gi(geo, 1), d2 = gi(geo, 2), d3 = gi(geo, 3);
  const a0 = gi(geo, 4), a1 = gi(geo, 5), a2 = gi(geo, 6), a3 = gi(geo, 7);
  const b0 = gi(geo, 8), b1 = gi(geo, 9), b2 = gi(geo, 10), b3 = gi(geo, 11);
  let o = out;
  const rowBytes = <usize>(d3 * 4);
  for (let i0 = 0; i0 < d0; i0++) {
    for (let i1 = 0; i1 < d1; i1++) {
      for (let i2 = 0; i2 < d2; i2++) {
        const pa = a + <usize>((i0 * a0 + i1 * a1 + i2 * a2) * 4);
        const pb = b + <usize>((i0 * b0 + i1 * b1 + i2 * b2) * 4);
        binRow(op, pa, a3, pb, b3, o, d3);
        o += rowBytes;
      }
    }
  }
}

export function binary(op: i32, a: usize, b: usize, out: usize, geo: usize): void {
  switch (op) {
    case 0: binary4(0, a, b, out, geo); break;
    case 1: binary4(1, a, b, out, geo); break;
    case 2: binary4(2, a, b, out, geo); break;
    case 3: binary4(3, a, b, out, geo); break;
    case 4: binary4(4, a, b, out, geo); break;
    case 5: binary4(5, a, b, out, geo); break;
    case 6: binary4(6, a, b, out, geo); break;
    case 7: binary4(7, a, b, out, geo); break;
    case 8: binary4(8, a, b, out, geo); break;
    case 9: binary4(9, a, b, out, geo); break;
    default: binary4(10, a, b, out, geo); break;
  }
}

// Unary op codes: 0 neg 1 abs 2 square 3 sqrt 4 step(p0) 5 clamp(p0, p1) 6 leakyRelu(p0) 7 sign.
// relu has its own export above. Only ops whose float32 result equals js's float64-then-round.

// @ts-ignore: decorator
@inline function uop(op: i32, x: v128, p0: v128, p1: v128): v128 {
  const one = f32x4.splat(1);
  const zero = f32x4.splat(0);
  switch (op) {
    case 0: return f32x4.neg(x);
    case 1: return f32x4.abs(x);
    case 2: return f32x4.mul(x, x);
    case 3: return f32x4.sqrt(x);
    case 4: return v128.and(f32x4.gt(x, p0), one);
    // clamp: v < lo ? lo : v > hi ? hi : v (NaN passes through)
    case 5: return v128.bitselect(p0, v128.bitselect(p1, x, f32x4.gt(x, p1)), f32x4.lt(x, p0));
    case 6: return v128.bitselect(x, f32x4.mul(x, p0), f32x4.gt(x, zero));
    // sign: 1, −1, else +0 (±0 and NaN), as the js reference
    default: return v128.or(v128.and(f32x4.gt(x, zero), one), v128.and(f32x4.lt(x, zero), f32x4.neg(one)));
  }
}

// @ts-ignore: decorator
@inline function unaryT(op: i32, x: usize, out: usize, n: i32, p0: f32, p1: f32): void {
  const v0 = f32x4.splat(p0), v1 = f32x4.splat(p1);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const k = <usize>(i << 2);
    v128.store(out + k, uop(op, v128.load(x + k), v0, v1));
  }
  for (; i < n; i++) {
    const k = <usize>(i << 2);
    const v = f32x4.replace_lane(f32x4.splat(0), 0, load<f32>(x + k));
    store<f32>(out + k, f32x4.extract_lane(uop(op, v, v0, v1), 0));
  }
}

export function unary(op: i32, x: usize, out: usize, n: i32, p0: f32, p1: f32): void {
  switch (op) {
    case 0: unaryT(0, x, out, n, p0, p1); break;
    case 1: unaryT(1, x, out, n, p0, p1); break;
    case 2: unaryT(2, x, out, n, p0, p1); break;
    case 3: unaryT(3, x, out, n, p0, p1); break;
    case 4: unaryT(4, x, out, n, p0, p1); break;
    case 5: unaryT(5, x, out, n, p0, p1); break;
    case 6: unaryT(6, x, out, n, p0, p1); break;
    default: unaryT(7, x, out, n, p0, p1); break;
  }
}

// ─────────────────────────────── reductions ───────────────────────────────

/** Sum over the middle axis of [outer, r, inner] in float64, in the js reference's order. */
export function reduceSum(x: usize, outer: i32, r: i32, inner: i32, out: usize, acc: usize): void {
  if (inner == 1) {
    let p = x;
    for (let o = 0; o < outer; o++) {
      let s: f64 = 0;
      for (let k = 0; k < r; k++) {
        s += <f64>load<f32>(p);
        p += 4;
      }
      store<f32>(out + <usize>(o * 4), <f32>s);
    }
    return;
  }
  for (let o = 0; o < outer; o++) {
    memory.fill(acc, 0, <usize>(inner * 8));
    let p = x + <usize>(o * r * inner * 4);
    for (let k = 0; k < r; k++) {
      let i = 0;
      for (; i + 2 <= inner; i += 2) {
        const ap = acc + <usize>(i * 8);
        v128.store(ap, f64x2.add(v128.load(ap), f64x2.promote_low_f32x4(v128.load64_zero(p + <usize>(i * 4)))));
      }
      for (; i < inner; i++) {
        const ap = acc + <usize>(i * 8);
        store<f64>(ap, load<f64>(ap) + <f64>load<f32>(p + <usize>(i * 4)));
      }
      p += <usize>(inner * 4);
    }
    const ob = out + <usize>(o * inner * 4);
    for (let i = 0; i < inner; i++) store<f32>(ob + <usize>(i * 4), <f32>load<f64>(acc + <usize>(i * 8)));
  }
}

/** max (isMax = 1) or min over the middle axis; NaN wins; idx ≠ 0 also writes the index (as f32). */
export function reduceExt(x: usize, outer: i32, r: i32, inner: i32, out: usize, isMax: i32, wantIndex: i32): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let p = x + <usize>((o * r * inner + i) * 4);
      let best = load<f32>(p);
      let bestK = 0;
      for (let k = 1; k < r; k++) {
        p += <usize>(inner * 4);
        const v = load<f32>(p);
        if ((isMax != 0 ? v > best : v < best) || (v != v && best == best)) {
          best = v;
          bestK = k;
        }
      }
      store<f32>(out + <usize>((o * inner + i) * 4), wantIndex != 0 ? <f32>bestK : best);
    }
  }
}

// ─────────────────────────────── pooling ───────────────────────────────
// Pool geometry (i32 words): n c h w kh kw sh sw padTop padLeft ho wo

// @ts-ignore: decorator
@inline function takeMask(c: v128, best: v128): v128 {
  // c wins over the running best if larger, or if c is NaN and best is not (first max wins ties).
  return v128.or(f32x4.gt(c, best), v128.and(f32x4.ne(c, c), f32x4.eq(best, best)));
}

/**
 * The common window kw = sw = 2, kh = sh ∈ {1, 2}, no padding (MaxPool1d(2), MaxPool2d(2)):
 * four outputs per step from deinterleaved even / odd columns, same scan order and NaN / tie
 * rule as the general loop, no data-dependent branches. Returns the first output column left.
 */
function maxPoolPairs(xb: usize, w: i32, kh: i32, oh: i32, wo: i32, op: usize, ap: usize): i32 {
  const r0 = oh * kh;
  const lane = i32x4(0, 2, 4, 6);
  let ow = 0;
  for (; ow + 4 <= wo && 2 * ow + 8 <= w; ow += 4) {
    let best = f32x4.splat(0);
    let idx = i32x4.splat(0);
    for (let i = 0; i < kh; i++) {
      const row = (r0 + i) * w + 2 * ow;
      const p = xb + <usize>(row * 4);
      const v0 = v128.load(p), v1 = v128.load(p, 16);
      const ev = v128.shuffle<f32>(v0, v1, 0, 2, 4, 6);
      const od = v128.shuffle<f32>(v0, v1, 1, 3, 5, 7);
      const ie = i32x4.add(i32x4.splat(row), lane);
      const io = i32x4.add(ie, i32x4.splat(1));
      if (i == 0) {
        best = ev;
        idx = ie;
      } else {
        const t = takeMask(ev, best);
        best = v128.bitselect(ev, best, t);
        idx = v128.bitselect(ie, idx, t);
      }
      const t = takeMask(od, best);
      best = v128.bitselect(od, best, t);
      idx = v128.bitselect(io, idx, t);
    }
    v128.store(op + <usize>(ow * 4), best);
    v128.store(ap + <usize>(ow * 4), idx);
  }
  return ow;
}

export function maxPoolForward(x: usize, out: usize, argmax: usize, g: usize): void {
  const planes = gi(g, 0) * gi(g, 1), h = gi(g, 2), w = gi(g, 3), kh = gi(g, 4), kw = gi(g, 5);
  const sh = gi(g, 6), sw = gi(g, 7), padTop = gi(g, 8), padLeft = gi(g, 9), ho = gi(g, 10), wo = gi(g, 11);
  const pairs = kw == 2 && sw == 2 && kh == sh && kh <= 2 && padTop == 0 && padLeft == 0;
  let op = out, ap = argmax;
  for (let pl = 0; pl < planes; pl++) {
    const xb = x + <usize>(pl * h * w * 4);
    for (let oh = 0; oh < ho; oh++) {
      let ow0 = 0;
      if (pairs) {
        ow0 = maxPoolPairs(xb, w, kh, oh, wo, op, ap);
        op += <usize>(ow0 * 4);
        ap += <usize>(ow0 * 4);
      }
      for (let ow = ow0; ow < wo; ow++) {
        let best: f32 = -Infinity;
        let bestIdx = -1;
        for (let i = 0; i < kh; i++) {
          const ih = oh * sh - padTop + i;
          if (ih < 0 || ih >= h) continue;
          for (let j = 0; j < kw; j++) {
            const iw = ow * sw - padLeft + j;
            if (iw < 0 || iw >= w) continue;
            const v = load<f32>(xb + <usize>((ih * w + iw) * 4));
            // Branch-free update (data-dependent branches mispredict half the time on real data).
            const take = <i32>(v > best) | (<i32>(v != v) & <i32>(best == best)) | <i32>(bestIdx < 0);
            best = select<f32>(v, best, take);
            bestIdx = select<i32>(ih * w + iw, bestIdx, take);
          }
        }
        store<f32>(op, best);
        store<i32>(ap, bestIdx);
        op += 4;
        ap += 4;
      }
    }
  }
}

export function maxPoolBackward(dy: usize, argmax: usize, dx: usize, g: usize): void {
  const planes = gi(g, 0) * gi(g, 1), hw = gi(g, 2) * gi(g, 3), P = gi(g, 10) * gi(g, 11);
  memory.fill(dx, 0, <usize>(planes * hw * 4));
  for (let pl = 0; pl < planes; pl++) {
    const xb = dx + <usize>(pl * hw * 4);
    const ob = <usize>(pl * P * 4);
    for (let p = 0; p < P; p++) {
      const idx = load<i32>(argmax + ob + <usize>(p * 4));
      if (idx >= 0) {
        const d = xb + <usize>(idx * 4);
        store<f32>(d, load<f32>(d) + load<f32>(dy + ob + <usize>(p * 4)));
      }
    }
  }
}

// @ts-ignore: decorator
@inline function windowCount(g: usize, oh: i32, ow: i32, includePad: i32): i32 {
  const h = gi(g, 2), w = gi(g, 3), kh = gi(g, 4), kw = gi(g, 5), sh = gi(g, 6), sw = gi(g, 7), padTop = gi(g, 8), padLeft = gi(g, 9);
  if (includePad != 0) {
    const h0 = oh * sh - padTop, w0 = ow * sw - padLeft;
    return (min(h0 + kh, h + padTop) - h0) * (min(w0 + kw, w + padLeft) - w0);
  }
  const h0 = max(oh * sh - padTop, 0), w0 = max(ow * sw - padLeft, 0);
  const h1 = min(oh * sh - padTop + kh, h), w1 = min(ow * sw - padLeft + kw, w);
  return max(0, h1 - h0) * max(0, w1 - w0);
}

/** Average pooling, float64 window sums and division as in js. */
export function avgPoolForward(x: usize, out: usize, g: usize, includePad: i32): void {
  const planes = gi(g, 0) * gi(g, 1), h = gi(g, 2), w = gi(g, 3), kh = gi(g, 4), kw = gi(g, 5);
  const sh = gi(g, 6), sw = gi(g, 7), padTop = gi(g, 8), padLeft = gi(g, 9), ho = gi(g, 10), wo = gi(g, 11);
  let op = out;
  for (let pl = 0; pl < planes; pl++) {
    const xb = x + <usize>(pl * h * w * 4);
    for (let oh = 0; oh < ho; oh++) {
      for (let ow = 0; ow < wo; ow++) {
        let s: f64 = 0;
        for (let i = 0; i < kh; i++) {
          const ih = oh * sh - padTop + i;
          if (ih < 0 || ih >= h) continue;
          for (let j = 0; j < kw; j++) {
            const iw = ow * sw - padLeft + j;
            if (iw >= 0 && iw < w) s += <f64>load<f32>(xb + <usize>((ih * w + iw) * 4));
          }
        }
        const cnt = windowCount(g, oh, ow, includePad);
        store<f32>(op, cnt > 0 ? <f32>(s / <f64>cnt) : 0);
        op += 4;
      }
    }
  }
}

export function avgPoolBackward(dy: usize, dx: usize, g: usize, includePad: i32): void {
  const planes = gi(g, 0) * gi(g, 1), h = gi(g, 2), w = gi(g, 3), kh = gi(g, 4), kw = gi(g, 5);
  const sh = gi(g, 6), sw = gi(g, 7), padTop = gi(g, 8), padLeft = gi(g, 9), ho = gi(g, 10), wo = gi(g, 11);
  memory.fill(dx, 0, <usize>(planes * h * w * 4));
  let dp = dy;
  for (let pl = 0; pl < planes; pl++) {
    const xb = dx + <usize>(pl * h * w * 4);
    for (let oh = 0; oh < ho; oh++) {
      for (let ow = 0; ow < wo; ow++) {
        const cnt = windowCount(g, oh, ow, includePad);
        const gv = cnt == 0 ? 0 : <f64>load<f32>(dp) / <f64>cnt;
        dp += 4;
        if (cnt == 0) continue;
        for (let i = 0; i < kh; i++) {
          const ih = oh * sh - padTop + i;
          if (ih < 0 || ih >= h) continue;
          for (let j = 0; j < kw; j++) {
            const iw = ow * sw - padLeft + j;
            if (iw >= 0 && iw < w) {
              const d = xb + <usize>((ih * w + iw) * 4);
              store<f32>(d, <f32>(<f64>load<f32>(d) + gv));
            }
          }
        }
      }
    }
  }
}

// ─────────────────────────────── direct convolution ───────────────────────────────
// Tap-by-tap loops without im2col, for shapes where the GEMM's reduction length K = cinG·kh·kw
// is too short to pay for packing (depthwise convs, a first layer with one input channel).
// Rows along the output width are SIMD when the width stride is 1. Same geometry block as
// above; the JS side picks this path per shape (see convPath in ../index.ts).

/** Output columns [lo, hi) whose input column ow + shift lies inside [0, w) (stride 1). */
// @ts-ignore: decorator
@inline function validLo(shift: i32, wo: i32): i32 {
  return min(wo, max(0, -shift));
}
// @ts-ignore: decorator
@inline function validHi(shift: i32, wo: i32, w: i32, lo: i32): i32 {
  return max(lo, min(wo, w - shift));
}

/** dst[0..n) += s · src[0..n) */
// @ts-ignore: decorator
@inline function axpy(dst: usize, src: usize, s: f32, n: i32): void {
  const sv = f32x4.splat(s);
  let k = 0;
  for (; k + 4 <= n; k += 4) {
    const o = <usize>(k << 2);
    v128.store(dst + o, fma(v128.load(src + o), sv, v128.load(dst + o)));
  }
  for (; k < n; k++) {
    const o = <usize>(k << 2);
    store<f32>(dst + o, load<f32>(dst + o) + s * load<f32>(src + o));
  }
}

/** Σ a[k]·b[k], k < n (f32x4 partial sums). */
// @ts-ignore: decorator
@inline function dot(a: usize, b: usize, n: i32): f32 {
  let acc = f32x4.splat(0);
  let k = 0;
  for (; k + 4 <= n; k += 4) {
    const o = <usize>(k << 2);
    acc = fma(v128.load(a + o), v128.load(b + o), acc);
  }
  let s = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
  for (; k < n; k++) s += load<f32>(a + <usize>(k << 2)) * load<f32>(b + <usize>(k << 2));
  return s;
}

/**
 * The one tap loop behind all three direct kernels, for one (sample, output channel, input
 * channel) plane pair and tap weight: mode 0 y += wv·x (forward), mode 1 x += wv·y (dX).
 */
// @ts-ignore: decorator
@inline function tapPlane(mode: i32, xp: usize, yp: usize, wv: f32, i: i32, j: i32, g: usize): void {
  const h = gi(g, 2), w = gi(g, 3), sh = gi(g, 7), sw = gi(g, 8), dh = gi(g, 9), dw = gi(g, 10);
  const padTop = gi(g, 11), padLeft = gi(g, 12), ho = gi(g, 14), wo = gi(g, 15);
  const shift = j * dw - padLeft;
  const lo = validLo(shift, wo), hi = validHi(shift, wo, w, lo);
  for (let oh = 0; oh < ho; oh++) {
    const ih = oh * sh - padTop + i * dh;
    if (ih < 0 || ih >= h) continue;
    const xr = xp + <usize>(ih * w * 4);
    const yr = yp + <usize>(oh * wo * 4);
    if (sw == 1) {
      if (hi > lo) {
        if (mode == 0) axpy(yr + <usize>(lo * 4), xr + <usize>((lo + shift) * 4), wv, hi - lo);
        else axpy(xr + <usize>((lo + shift) * 4), yr + <usize>(lo * 4), wv, hi - lo);
      }
    } else {
      for (let ow = 0; ow < wo; ow++) {
        const iw = ow * sw + shift;
        if (iw < 0 || iw >= w) continue;
        const px = xr + <usize>(iw * 4), py = yr + <usize>(ow * 4);
        if (mode == 0) store<f32>(py, load<f32>(py) + wv * load<f32>(px));
        else store<f32>(px, load<f32>(px) + wv * load<f32>(py));
      }
    }
  }
}

/** Direct forward for samples [s0, s1): out = bias, then every tap added in place. */
export function convForwardDirect(x: usize, wt: usize, bias: usize, out: usize, g: usize, s0: i32, s1: i32, act: i32): void {
  const cin = gi(g, 1), h = gi(g, 2), w = gi(g, 3), cout = gi(g, 4), kh = gi(g, 5), kw = gi(g, 6);
  const groups = gi(g, 13), P = gi(g, 14) * gi(g, 15);
  const cinG = cin / groups, coutG = cout / groups;
  for (let n = s0; n < s1; n++) {
    for (let co = 0; co < cout; co++) {
      const yp = out + <usize>((n * cout + co) * P * 4);
      const b: f32 = bias != 0 ? load<f32>(bias + <usize>(co * 4)) : 0;
      const bv = f32x4.splat(b);
      let p = 0;
      for (; p + 4 <= P; p += 4) v128.store(yp + <usize>(p * 4), bv);
      for (; p < P; p++) store<f32>(yp + <usize>(p * 4), b);
      const gr = co / coutG;
      for (let ci = 0; ci < cinG; ci++) {
        const xp = x + <usize>((n * cin + gr * cinG + ci) * h * w * 4);
        const wp = wt + <usize>((co * cinG + ci) * kh * kw * 4);
        for (let i = 0; i < kh; i++) {
          for (let j = 0; j < kw; j++) tapPlane(0, xp, yp, load<f32>(wp + <usize>((i * kw + j) * 4)), i, j, g);
        }
      }
    }
    if (act != 0) {
      const yo = out + <usize>(n * cout * P * 4);
      relu(yo, yo, cout * P);
    }
  }
}

/** Direct dX for samples [s0, s1) (overwrites them). */
export function convBackwardInputDirect(dy: usize, wt: usize, dx: usize, g: usize, s0: i32, s1: i32): void {
  const cin = gi(g, 1), h = gi(g, 2), w = gi(g, 3), cout = gi(g, 4), kh = gi(g, 5), kw = gi(g, 6);
  const groups = gi(g, 13), P = gi(g, 14) * gi(g, 15);
  const cinG = cin / groups, coutG = cout / groups;
  memory.fill(dx + <usize>(s0 * cin * h * w * 4), 0, <usize>((s1 - s0) * cin * h * w * 4));
  for (let n = s0; n < s1; n++) {
    for (let co = 0; co < cout; co++) {
      const yp = dy + <usize>((n * cout + co) * P * 4);
      const gr = co / coutG;
      for (let ci = 0; ci < cinG; ci++) {
        const xp = dx + <usize>((n * cin + gr * cinG + ci) * h * w * 4);
        const wp = wt + <usize>((co * cinG + ci) * kh * kw * 4);
        for (let i = 0; i < kh; i++) {
          for (let j = 0; j < kw; j++) tapPlane(1, xp, yp, load<f32>(wp + <usize>((i * kw + j) * 4)), i, j, g);
        }
      }
    }
  }
}

/** Direct dW: dw += Σ over samples [s0, s1) (the caller zeroes dw). */
export function convBackwardWeightDirect(x: usize, dy: usize, dw_: usize, g: usize, s0: i32, s1: i32): void {
  const cin = gi(g, 1), h = gi(g, 2), w = gi(g, 3), cout = gi(g, 4), kh = gi(g, 5), kw = gi(g, 6);
  const sh = gi(g, 7), sw = gi(g, 8), dh = gi(g, 9), dw = gi(g, 10), padTop = gi(g, 11), padLeft = gi(g, 12);
  const groups = gi(g, 13), ho = gi(g, 14), wo = gi(g, 15);
  const cinG = cin / groups, coutG = cout / groups, P = ho * wo;
  for (let n = s0; n < s1; n++) {
    for (let co = 0; co < cout; co++) {
      const yp = dy + <usize>((n * cout + co) * P * 4);
      const gr = co / coutG;
      for (let ci = 0; ci < cinG; ci++) {
        const xp = x + <usize>((n * cin + gr * cinG + ci) * h * w * 4);
        const wp = dw_ + <usize>((co * cinG + ci) * kh * kw * 4);
        for (let i = 0; i < kh; i++) {
          for (let j = 0; j < kw; j++) {
            const shift = j * dw - padLeft;
            const lo = validLo(shift, wo), hi = validHi(shift, wo, w, lo);
            let s: f32 = 0;
            for (let oh = 0; oh < ho; oh++) {
              const ih = oh * sh - padTop + i * dh;
              if (ih < 0 || ih >= h) continue;
              const xr = xp + <usize>(ih * w * 4);
              const yr = yp + <usize>(oh * wo * 4);
              if (sw == 1) {
                if (hi > lo) s += dot(yr + <usize>(lo * 4), xr + <usize>((lo + shift) * 4), hi - lo);
              } else {
                for (let ow = 0; ow < wo; ow++) {
                  const iw = ow * sw + shift;
                  if (iw >= 0 && iw < w) s += load<f32>(yr + <usize>(ow * 4)) * load<f32>(xr + <usize>(iw * 4));
                }
              }
            }
            const d = wp + <usize>((i * kw + j) * 4);
            store<f32>(d, load<f32>(d) + s);
          }
        }
      }
    }
  }
}

// ─────────────────────── Winograd F(4, r) for 1-D convolutions ───────────────────────
// y[a] = Σ_j w[j]·z[a + j] over a tile of 4 outputs and α = 4 + r − 1 inputs becomes
// y = Aᵀ·[(G·w) ⊙ (Bᵀ·z)]: α multiplies per tile and channel pair instead of 4·r (2.5× fewer
// for r = 5). The JS side builds Bᵀ (8×8, zero-padded) and Aᵀ (4×8) in float64, transforms the
// weights once per call (U[ξ][cout][cin] = G·w), and lays out per thread: V[ξ][cin][tiles],
// M[ξ][cout][tiles] for a chunk of samples, a gather row xs and a GEMM pack. A dilation d splits
// the sequence into d interleaved phases (φ = t mod d), each an undilated correlation, tiled
// separately. Stride 1, one group, kh = 1 only (the caller checks).

const WM: i32 = 4;

/** Winograd tiles of one sample: Σ over dilation phases of ceil(outputs in the phase / 4). */
export function winoTiles(wo: i32, d: i32): i32 {
  let t = 0;
  const phases = min(d, wo);
  for (let ph = 0; ph < phases; ph++) {
    const u = (wo - ph + d - 1) / d;
    t += (u + WM - 1) / WM;
  }
  return t;
}

// @ts-ignore: decorator
@inline function pw(p: usize, i: i32): i32 {
  return load<i32>(p + <usize>(i * 4));
}

// @ts-ignore: decorator
@inline function transpose4(a: v128, b: v128, c: v128, d: v128, k: i32): v128 {
  // Column k of the 4×4 matrix with rows a, b, c, d.
  const ab = k < 2 ? v128.shuffle<f32>(a, b, 0, 4, 1, 5) : v128.shuffle<f32>(a, b, 2, 6, 3, 7);
  const cd = k < 2 ? v128.shuffle<f32>(c, d, 0, 4, 1, 5) : v128.shuffle<f32>(c, d, 2, 6, 3, 7);
  return (k & 1) == 0 ? v128.shuffle<f32>(ab, cd, 0, 1, 4, 5) : v128.shuffle<f32>(ab, cd, 2, 3, 6, 7);
}

/** Bᵀ·z for 4 tiles at once (lane l = tile l) into V[ξ][ci][t..t+3], z_i lane l = xs[4l + i]. */
function winoIn4(xs: usize, bt: usize, vp: usize, stride: usize, al: i32): void {
  const r0 = v128.load(xs), r1 = v128.load(xs, 16), r2 = v128.load(xs, 32), r3 = v128.load(xs, 48), r4 = v128.load(xs, 64);
  const z0 = transpose4(r0, r1, r2, r3, 0), z1 = transpose4(r0, r1, r2, r3, 1);
  const z2 = transpose4(r0, r1, r2, r3, 2), z3 = transpose4(r0, r1, r2, r3, 3);
  const z4 = transpose4(r1, r2, r3, r4, 0), z5 = transpose4(r1, r2, r3, r4, 1);
  const z6 = transpose4(r1, r2, r3, r4, 2), z7 = transpose4(r1, r2, r3, r4, 3);
  if (al == 8) {
    // Bᵀ of the 8 points 0, ±1, ±2, ±½, ∞ (winograd.ts builds the same matrix; a test checks it)
    // evaluated in its paired form: 26 vector operations instead of 64 multiply-adds.
    const t1a = fma(z4, f32x4.splat(-4.25), f32x4.add(z2, z6)), t1b = fma(z3, f32x4.splat(-4.25), f32x4.add(z1, z5));
    const t3a = fma(z4, f32x4.splat(-1.25), fma(z2, f32x4.splat(0.25), z6));
    const t3b = fma(z5, f32x4.splat(2), fma(z3, f32x4.splat(-2.5), f32x4.mul(z1, f32x4.splat(0.5))));
    const t5a = fma(z4, f32x4.splat(-5), fma(z2, f32x4.splat(4), z6));
    const t5b = fma(z5, f32x4.splat(0.5), fma(z3, f32x4.splat(-2.5), f32x4.mul(z1, f32x4.splat(2))));
    v128.store(vp, fma(f32x4.sub(z2, z4), f32x4.splat(5.25), f32x4.sub(z6, z0)));
    v128.store(vp + stride, f32x4.add(t1a, t1b));
    v128.store(vp + 2 * stride, f32x4.sub(t1a, t1b));
    v128.store(vp + 3 * stride, f32x4.add(t3a, t3b));
    v128.store(vp + 4 * stride, f32x4.sub(t3a, t3b));
    v128.store(vp + 5 * stride, f32x4.add(t5a, t5b));
    v128.store(vp + 6 * stride, f32x4.sub(t5a, t5b));
    v128.store(vp + 7 * stride, fma(f32x4.sub(z3, z5), f32x4.splat(5.25), f32x4.sub(z7, z1)));
    return;
  }
  if (al == 6) {
    // Bᵀ of the 6 points 0, ±1, ±2, ∞ (k = 3) in paired form: 14 operations instead of 36.
    const t1a = fma(z2, f32x4.splat(-4), z4), t1b = fma(z1, f32x4.splat(-4), z3);
    const t3a = f32x4.sub(z4, z2), t3b = f32x4.mul(f32x4.sub(z3, z1), f32x4.splat(2));
    v128.store(vp, fma(z2, f32x4.splat(-5), fma(z0, f32x4.splat(4), z4)));
    v128.store(vp + stride, f32x4.add(t1a, t1b));
    v128.store(vp + 2 * stride, f32x4.sub(t1a, t1b));
    v128.store(vp + 3 * stride, f32x4.add(t3a, t3b));
    v128.store(vp + 4 * stride, f32x4.sub(t3a, t3b));
    v128.store(vp + 5 * stride, fma(z3, f32x4.splat(-5), fma(z1, f32x4.splat(4), z5)));
    return;
  }
  for (let xi = 0; xi < al; xi++) {
    const b = bt + <usize>(xi * 32);
    let acc = f32x4.mul(z0, v128.load32_splat(b));
    acc = fma(z1, v128.load32_splat(b + 4), acc);
    acc = fma(z2, v128.load32_splat(b + 8), acc);
    acc = fma(z3, v128.load32_splat(b + 12), acc);
    acc = fma(z4, v128.load32_splat(b + 16), acc);
    acc = fma(z5, v128.load32_splat(b + 20), acc);
    acc = fma(z6, v128.load32_splat(b + 24), acc);
    acc = fma(z7, v128.load32_splat(b + 28), acc);
    v128.store(vp + <usize>(xi) * stride, acc);
  }
}

/**
 * V[ξ][vc][t] = Bᵀ·(input tile t of virtual channel vc) for samples [n0, n1) (tiles numbered per
 * sample, then per dilation phase, then along the phase), the input transform shared by the
 * forward (and dX) and the weight gradient. A kernel longer than the transform's rw taps is split
 * into segs segments of rw taps (the last zero-padded): segment s is a conv with rw taps whose
 * input starts s·rw·d later, so it reads as cin more input channels (vc = s·cin + ci) and one GEMM
 * over segs·cin sums all segments.
 */
function winoInput(x: usize, g: usize, n0: i32, n1: i32, ts: i32, v: usize, xs: usize, bt: usize, rw: i32, segs: i32): void {
  const cin = gi(g, 1), w = gi(g, 3), d = gi(g, 10), pl = gi(g, 12), wo = gi(g, 15);
  const al = WM + rw - 1;
  const phases = min(d, wo);
  const tc = (n1 - n0) * ts;
  const vStride = <usize>(segs * cin * tc * 4);
  for (let n = n0; n < n1; n++) {
    for (let vc = 0; vc < segs * cin; vc++) {
      const seg = vc / cin, ci = vc % cin;
      const xrow = x + <usize>((n * cin + ci) * w * 4);
      const pls = pl - seg * rw * d;
      let t = (n - n0) * ts;
      for (let ph = 0; ph < phases; ph++) {
        const nt = ((wo - ph + d - 1) / d + WM - 1) / WM;
        const len = nt * WM + 8;
        // xs[vv] = x[ph − pls + d·vv], zero outside the row: valid vv in [lo, hi).
        const first = ph - pls;
        const lo = min(len, first >= 0 ? 0 : (-first + d - 1) / d);
        const hi = max(lo, min(len, first >= w ? 0 : (w - first + d - 1) / d));
        if (lo > 0) memory.fill(xs, 0, <usize>(lo * 4));
        if (d == 1) memory.copy(xs + <usize>(lo * 4), xrow + <usize>((first + lo) * 4), <usize>((hi - lo) * 4));
        else {
          let src = xrow + <usize>((first + d * lo) * 4);
          const step = <usize>(d * 4);
          for (let vv = lo; vv < hi; vv++) {
            store<f32>(xs + <usize>(vv * 4), load<f32>(src));
            src += step;
          }
        }
        if (hi < len) memory.fill(xs + <usize>(hi * 4), 0, <usize>((len - hi) * 4));
        const vrow = v + <usize>((vc * tc + t) * 4);
        let k = 0;
        for (; k + 4 <= nt; k += 4) winoIn4(xs + <usize>(k * WM * 4), bt, vrow + <usize>(k * 4), vStride, al);
        for (; k < nt; k++) {
          const zp = xs + <usize>(k * WM * 4);
          for (let xi = 0; xi < al; xi++) {
            let s: f32 = 0;
            for (let i = 0; i < al; i++) s += load<f32>(bt + <usize>((xi * 8 + i) * 4)) * load<f32>(zp + <usize>(i * 4));
            store<f32>(vrow + <usize>(xi) * vStride + <usize>(k * 4), s);
          }
        }
        t += nt;
      }
    }
  }
}

/**
 * Forward of samples [s0, s1) by Winograd. Parameter block p (i32 words): x u bias out g v m pack
 * xs s0 s1 act bt at chunk rw segs — see the section comment; bias = 0: none; act = 1: fused
 * ReLU; rw: taps per transform (≤ 5), segs: kernel segments (winoInput).
 */
export function convWinograd(p: usize): void {
  const x = <usize>pw(p, 0), u = <usize>pw(p, 1), bias = <usize>pw(p, 2), out = <usize>pw(p, 3), g = <usize>pw(p, 4);
  const v = <usize>pw(p, 5), mb = <usize>pw(p, 6), pack = <usize>pw(p, 7), xs = <usize>pw(p, 8);
  const s0 = pw(p, 9), s1 = pw(p, 10), act = pw(p, 11), bt = <usize>pw(p, 12), at = <usize>pw(p, 13), chunk = pw(p, 14);
  const rw = pw(p, 15), segs = pw(p, 16);
  const cout = gi(g, 4), d = gi(g, 10), wo = gi(g, 15);
  const kin = segs * gi(g, 1); // GEMM depth: every segment's input channels
  const al = WM + rw - 1;
  const ts = winoTiles(wo, d);
  const phases = min(d, wo);
  const z = f32x4.splat(0);
  for (let n0 = s0; n0 < s1; n0 += chunk) {
    const n1 = min(s1, n0 + chunk);
    const tc = (n1 - n0) * ts;
    const vStride = <usize>(kin * tc * 4); // bytes between ξ planes of V
    winoInput(x, g, n0, n1, ts, v, xs, bt, rw, segs);
    // One GEMM per transform point: M[ξ] (cout × tc) = U[ξ] (cout × kin) · V[ξ] (kin × tc).
    for (let xi = 0; xi < al; xi++) {
      gemm(cout, tc, kin, 1, u + <usize>(xi * cout * kin * 4), kin, 1, v + <usize>(xi) * vStride, tc, 1,
        0, mb + <usize>(xi * cout * tc * 4), tc, pack);
    }
    // Output transform, bias, ReLU.
    const mStride = <usize>(cout * tc * 4);
    for (let n = n0; n < n1; n++) {
      for (let co = 0; co < cout; co++) {
        const b: f32 = bias != 0 ? load<f32>(bias + <usize>(co * 4)) : 0;
        const bv = f32x4.splat(b);
        const orow = out + <usize>((n * cout + co) * wo * 4);
        let t = (n - n0) * ts;
        for (let ph = 0; ph < phases; ph++) {
          const uc = (wo - ph + d - 1) / d;
          const nt = (uc + WM - 1) / WM;
          const mrow = mb + <usize>((co * tc + t) * 4);
          let k = 0;
          for (; k + 4 <= nt; k += 4) {
            const mp = mrow + <usize>(k * 4);
            let y0 = z, y1 = z, y2 = z, y3 = z;
            if (al == 8) {
              // Aᵀ of the 8 points in its paired form (a test checks the matrix).
              const m0 = v128.load(mp), m7 = v128.load(mp + 7 * mStride);
              const m1 = v128.load(mp + mStride), m2 = v128.load(mp + 2 * mStride);
              const m3 = v128.load(mp + 3 * mStride), m4 = v128.load(mp + 4 * mStride);
              const m5 = v128.load(mp + 5 * mStride), m6 = v128.load(mp + 6 * mStride);
              const s12 = f32x4.add(m1, m2), d12 = f32x4.sub(m1, m2);
              const s34 = f32x4.add(m3, m4), d34 = f32x4.sub(m3, m4);
              const s56 = f32x4.add(m5, m6), d56 = f32x4.sub(m5, m6);
              y0 = f32x4.add(f32x4.add(m0, s12), f32x4.add(s34, s56));
              y1 = fma(d56, f32x4.splat(0.5), fma(d34, f32x4.splat(2), d12));
              y2 = fma(s56, f32x4.splat(0.25), fma(s34, f32x4.splat(4), s12));
              y3 = f32x4.add(fma(d56, f32x4.splat(0.125), fma(d34, f32x4.splat(8), d12)), m7);
            } else if (al == 6) {
              // Aᵀ of the 6 points in paired form (k = 3).
              const m0 = v128.load(mp), m5 = v128.load(mp + 5 * mStride);
              const m1 = v128.load(mp + mStride), m2 = v128.load(mp + 2 * mStride);
              const m3 = v128.load(mp + 3 * mStride), m4 = v128.load(mp + 4 * mStride);
              const s12 = f32x4.add(m1, m2), d12 = f32x4.sub(m1, m2);
              const s34 = f32x4.add(m3, m4), d34 = f32x4.sub(m3, m4);
              y0 = f32x4.add(f32x4.add(m0, s12), s34);
              y1 = fma(d34, f32x4.splat(2), d12);
              y2 = fma(s34, f32x4.splat(4), s12);
              y3 = f32x4.add(fma(d34, f32x4.splat(8), d12), m5);
            } else {
              for (let xi = 0; xi < al; xi++) {
                const mv = v128.load(mp + <usize>(xi) * mStride);
                const a = at + <usize>(xi * 4);
                y0 = fma(mv, v128.load32_splat(a), y0);
                y1 = fma(mv, v128.load32_splat(a + 32), y1);
                y2 = fma(mv, v128.load32_splat(a + 64), y2);
                y3 = fma(mv, v128.load32_splat(a + 96), y3);
              }
            }
            // Row l = outputs u = 4(k + l) .. 4(k + l) + 3 of this phase (a 4×4 transpose).
            const ab0 = v128.shuffle<f32>(y0, y1, 0, 4, 1, 5), ab1 = v128.shuffle<f32>(y0, y1, 2, 6, 3, 7);
            const cd0 = v128.shuffle<f32>(y2, y3, 0, 4, 1, 5), cd1 = v128.shuffle<f32>(y2, y3, 2, 6, 3, 7);
            const rows0 = v128.shuffle<f32>(ab0, cd0, 0, 1, 4, 5), rows1 = v128.shuffle<f32>(ab0, cd0, 2, 3, 6, 7);
            const rows2 = v128.shuffle<f32>(ab1, cd1, 0, 1, 4, 5), rows3 = v128.shuffle<f32>(ab1, cd1, 2, 3, 6, 7);
            for (let l = 0; l < 4; l++) {
              let o = f32x4.add(l == 0 ? rows0 : l == 1 ? rows1 : l == 2 ? rows2 : rows3, bv);
              if (act != 0) o = v128.and(o, f32x4.gt(o, z));
              const u0 = (k + l) * WM;
              if (d == 1 && u0 + 4 <= uc) v128.store(orow + <usize>(u0 * 4), o);
              else {
                if (u0 < uc) store<f32>(orow + <usize>((ph + d * u0) * 4), f32x4.extract_lane(o, 0));
                if (u0 + 1 < uc) store<f32>(orow + <usize>((ph + d * (u0 + 1)) * 4), f32x4.extract_lane(o, 1));
                if (u0 + 2 < uc) store<f32>(orow + <usize>((ph + d * (u0 + 2)) * 4), f32x4.extract_lane(o, 2));
                if (u0 + 3 < uc) store<f32>(orow + <usize>((ph + d * (u0 + 3)) * 4), f32x4.extract_lane(o, 3));
              }
            }
          }
          for (; k < nt; k++) {
            for (let a = 0; a < WM; a++) {
              const uu = k * WM + a;
              if (uu >= uc) break;
              let s: f32 = 0;
              for (let xi = 0; xi < al; xi++) s += load<f32>(at + <usize>((a * 8 + xi) * 4)) * load<f32>(mrow + <usize>(xi) * mStride + <usize>(k * 4));
              let o = s + b;
              if (act != 0) o = o > 0 ? o : 0;
              store<f32>(orow + <usize>((ph + d * uu) * 4), o);
            }
          }
          t += nt;
        }
      }
    }
  }
}


/**
 * The weight gradient by Winograd F(r, 4): per tile of 4 outputs, dW[j] += Σ_a dy[a]·x[a + j] is a
 * correlation with r outputs, the 4 dy values as its filter and the same 8 input values (so the
 * same Bᵀ and tiles as the forward). Per transform point ξ: Wt[ξ] (cout × cin) += D[ξ] (cout ×
 * tiles) · V[ξ]ᵀ with D = G'·dy; the JS side sums the threads' Wt and applies A'ᵀ. Parameter
 * words: x dy wt g v dt pack xs s0 s1 bt gd chunk rw segs (gd: G' as 8 rows × 4; rw, segs as
 * convWinograd: Wt is cout × segs·cin, one column block per kernel segment).
 */
export function convWinoWeightGrad(p: usize): void {
  const x = <usize>pw(p, 0), dy = <usize>pw(p, 1), wt = <usize>pw(p, 2), g = <usize>pw(p, 3);
  const v = <usize>pw(p, 4), dt = <usize>pw(p, 5), pack = <usize>pw(p, 6), xs = <usize>pw(p, 7);
  const s0 = pw(p, 8), s1 = pw(p, 9), bt = <usize>pw(p, 10), gd = <usize>pw(p, 11), chunk = pw(p, 12);
  const rw = pw(p, 13), segs = pw(p, 14);
  const cout = gi(g, 4), d = gi(g, 10), wo = gi(g, 15);
  const kin = segs * gi(g, 1);
  const al = WM + rw - 1;
  const ts = winoTiles(wo, d);
  const phases = min(d, wo);
  for (let n0 = s0; n0 < s1; n0 += chunk) {
    const n1 = min(s1, n0 + chunk);
    const tc = (n1 - n0) * ts;
    const vStride = <usize>(kin * tc * 4);
    const dStride = <usize>(cout * tc * 4);
    winoInput(x, g, n0, n1, ts, v, xs, bt, rw, segs);
    // D[ξ][co][t] = G'·(the 4 dy values of tile t), zero beyond the phase's outputs.
    for (let n = n0; n < n1; n++) {
      for (let co = 0; co < cout; co++) {
        const yrow = dy + <usize>((n * cout + co) * wo * 4);
        let t = (n - n0) * ts;
        for (let ph = 0; ph < phases; ph++) {
          const uc = (wo - ph + d - 1) / d;
          const nt = (uc + WM - 1) / WM;
          for (let vv = 0; vv < nt * WM; vv++) store<f32>(xs + <usize>(vv * 4), vv < uc ? load<f32>(yrow + <usize>((ph + d * vv) * 4)) : 0);
          const drow = dt + <usize>((co * tc + t) * 4);
          let k = 0;
          for (; k + 4 <= nt; k += 4) {
            const q = xs + <usize>(k * WM * 4);
            const r0 = v128.load(q), r1 = v128.load(q, 16), r2 = v128.load(q, 32), r3 = v128.load(q, 48);
            const z0 = transpose4(r0, r1, r2, r3, 0), z1 = transpose4(r0, r1, r2, r3, 1);
            const z2 = transpose4(r0, r1, r2, r3, 2), z3 = transpose4(r0, r1, r2, r3, 3);
            for (let xi = 0; xi < al; xi++) {
              const gp = gd + <usize>(xi * 16);
              let acc = f32x4.mul(z0, v128.load32_splat(gp));
              acc = fma(z1, v128.load32_splat(gp + 4), acc);
              acc = fma(z2, v128.load32_splat(gp + 8), acc);
              acc = fma(z3, v128.load32_splat(gp + 12), acc);
              v128.store(drow + <usize>(xi) * dStride + <usize>(k * 4), acc);
            }
          }
          for (; k < nt; k++) {
            const q = xs + <usize>(k * WM * 4);
            for (let xi = 0; xi < al; xi++) {
              let s: f32 = 0;
              for (let a = 0; a < WM; a++) s += load<f32>(gd + <usize>((xi * 4 + a) * 4)) * load<f32>(q + <usize>(a * 4));
              store<f32>(drow + <usize>(xi) * dStride + <usize>(k * 4), s);
            }
          }
          t += nt;
        }
      }
    }
    // Wt[ξ] += D[ξ] · V[ξ]ᵀ: B(p = tile, j = vc) = V[ξ][vc][tile].
    for (let xi = 0; xi < al; xi++) {
      gemm(cout, kin, tc, 1, dt + <usize>(xi) * dStride, tc, 1, v + <usize>(xi) * vStride, 1, tc,
        1, wt + <usize>(xi * cout * kin * 4), kin, pack);
    }
  }
}

/** dX (convWinograd on words 0–16) then dW by Winograd (convWinoWeightGrad on the block at word 17). */
export function convWinoBackwardBoth(p: usize): void {
  convWinograd(p);
  convWinoWeightGrad(<usize>pw(p, 17));
}

// ──────────────── Winograd F(2×2, 3×3) for 3×3 stride-1 2-D convolutions ────────────────
// Y = Aᵀ·[(G·g·Gᵀ) ⊙ (Bᵀ·d·B)]·A over a 4×4 input tile d and a 2×2 output tile: 16 multiplies
// per tile and channel pair instead of 36 (2.25× fewer). The matrices are the usual ones
// (winograd2d.ts builds the same and a test checks them):
//   Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1]   Aᵀ = [1 1 1 0; 0 1 −1 −1]
// and the weight gradient F(3×3, 2×2) reuses Bᵀ with G' = [1 0; ½ ½; ½ −½; 0 1] on the 2×2 dy
// tile (A'ᵀ, applied in JS in float64, is [1 1 1 0; 0 1 −1 0; 0 1 1 −1]). The JS side transforms
// the weights (U[ξ][cout][cin], ξ = 4·row + column of the 4×4 transform) once per call and lays
// out per thread: V[ξ][cin][tiles], M[ξ][cout][tiles] for a chunk of samples (tiles numbered per
// sample, row-major over the ceil(ho/2) × ceil(wo/2) tile grid), a zero-padded plane and a pack.
// Each channel plane is first copied into the padded plane so the tile loops need no bounds
// checks; 4 horizontally adjacent tiles are transformed at once (lane l = tile j + l).

/**
 * Floats between consecutive ξ planes of V, M and D beyond the plane itself: with planes a multiple
 * of 4 KiB apart, the 16 streams of a transform map to the same L1 set and evict each other
 * (measured: the input transform 3× slower on 16 channels × 256 tiles). One cache line apart instead.
 */
const W2_GAP: i32 = 16;

/** Tile-grid width rounded up to 4 tiles (the 4-tile groups read that far into the padded plane). */
// @ts-ignore: decorator
@inline function w2tw4(tw: i32): i32 {
  return (tw + 3) & ~3;
}

/**
 * dst (hp × wp) = src (h × w) shifted down by pt rows and right by pl columns, zero elsewhere
 * (src row y lands on dst row y + pt; parts outside dst are dropped).
 */
function w2Pad(src: usize, h: i32, w: i32, pt: i32, pl: i32, dst: usize, hp: i32, wp: i32): void {
  // Plain SIMD loops, not memory.fill / memory.copy: these rows are short (tens of floats) and a
  // bulk-memory instruction costs a runtime call each (that made the input transform 4× slower).
  const lo = min(wp, max(0, pl));
  const hi = max(lo, min(wp, pl + w));
  const z = f32x4.splat(0);
  for (let rr = 0; rr < hp; rr++) {
    const d = dst + <usize>(rr * wp * 4);
    const y = rr - pt;
    const valid = y >= 0 && y < h && lo < hi;
    // Zero [0, lo) and [hi, wp) (or the whole row); the 4-float stores may spill into [lo, hi),
    // which the copy below then overwrites, and past wp into the next row, written after this one.
    let c = 0;
    if (valid) {
      for (; c < lo; c += 4) v128.store(d + <usize>(c * 4), z);
      c = hi;
    }
    for (; c < wp; c += 4) v128.store(d + <usize>(c * 4), z);
    if (!valid) continue;
    const s = src + <usize>((y * w + lo - pl) * 4);
    const dd = d + <usize>(lo * 4);
    const n = hi - lo;
    let k = 0;
    for (; k + 4 <= n; k += 4) v128.store(dd + <usize>(k * 4), v128.load(s + <usize>(k * 4)));
    for (; k < n; k++) store<f32>(dd + <usize>(k * 4), load<f32>(s + <usize>(k * 4)));
  }
}

// @ts-ignore: decorator
@inline function w2Store(p: usize, v: v128, cnt: i32): void {
  if (cnt >= 4) v128.store(p, v);
  else storeLanes(p, v, cnt);
}

/**
 * V[ξ][·][t0 + i·tw + j] = Bᵀ·d·B for every tile (i, j) of one padded plane (row pitch wp);
 * vp points at tile t0 of plane ξ = 0, vStride is the byte distance between ξ planes.
 */
function w2Input(plane: usize, wp: i32, th: i32, tw: i32, vp: usize, vStride: usize): void {
  const rowB = <usize>(wp * 4);
  for (let i = 0; i < th; i++) {
    for (let j = 0; j < tw; j += 4) {
      const cnt = tw - j;
      let row = plane + <usize>((2 * i * wp + 2 * j) * 4);
      // Row r of the 4 tiles: z_c lane l = row[2l + c]; then the row transform d·B.
      let a0 = v128.load(row), a1 = v128.load(row, 16), b0 = v128.load(row, 8), b1 = v128.load(row, 24);
      let z0 = v128.shuffle<f32>(a0, a1, 0, 2, 4, 6), z1 = v128.shuffle<f32>(a0, a1, 1, 3, 5, 7);
      let z2 = v128.shuffle<f32>(b0, b1, 0, 2, 4, 6), z3 = v128.shuffle<f32>(b0, b1, 1, 3, 5, 7);
      const r00 = f32x4.sub(z0, z2), r01 = f32x4.add(z1, z2), r02 = f32x4.sub(z2, z1), r03 = f32x4.sub(z1, z3);
      row += rowB;
      a0 = v128.load(row); a1 = v128.load(row, 16); b0 = v128.load(row, 8); b1 = v128.load(row, 24);
      z0 = v128.shuffle<f32>(a0, a1, 0, 2, 4, 6); z1 = v128.shuffle<f32>(a0, a1, 1, 3, 5, 7);
      z2 = v128.shuffle<f32>(b0, b1, 0, 2, 4, 6); z3 = v128.shuffle<f32>(b0, b1, 1, 3, 5, 7);
      const r10 = f32x4.sub(z0, z2), r11 = f32x4.add(z1, z2), r12 = f32x4.sub(z2, z1), r13 = f32x4.sub(z1, z3);
      row += rowB;
      a0 = v128.load(row); a1 = v128.load(row, 16); b0 = v128.load(row, 8); b1 = v128.load(row, 24);
      z0 = v128.shuffle<f32>(a0, a1, 0, 2, 4, 6); z1 = v128.shuffle<f32>(a0, a1, 1, 3, 5, 7);
      z2 = v128.shuffle<f32>(b0, b1, 0, 2, 4, 6); z3 = v128.shuffle<f32>(b0, b1, 1, 3, 5, 7);
      const r20 = f32x4.sub(z0, z2), r21 = f32x4.add(z1, z2), r22 = f32x4.sub(z2, z1), r23 = f32x4.sub(z1, z3);
      row += rowB;
      a0 = v128.load(row); a1 = v128.load(row, 16); b0 = v128.load(row, 8); b1 = v128.load(row, 24);
      z0 = v128.shuffle<f32>(a0, a1, 0, 2, 4, 6); z1 = v128.shuffle<f32>(a0, a1, 1, 3, 5, 7);
      z2 = v128.shuffle<f32>(b0, b1, 0, 2, 4, 6); z3 = v128.shuffle<f32>(b0, b1, 1, 3, 5, 7);
      const r30 = f32x4.sub(z0, z2), r31 = f32x4.add(z1, z2), r32 = f32x4.sub(z2, z1), r33 = f32x4.sub(z1, z3);
      // Column transform Bᵀ·(d·B): ξ = 4·a + b.
      const o = vp + <usize>((i * tw + j) * 4);
      w2Store(o, f32x4.sub(r00, r20), cnt);
      w2Store(o + vStride, f32x4.sub(r01, r21), cnt);
      w2Store(o + 2 * vStride, f32x4.sub(r02, r22), cnt);
      w2Store(o + 3 * vStride, f32x4.sub(r03, r23), cnt);
      w2Store(o + 4 * vStride, f32x4.add(r10, r20), cnt);
      w2Store(o + 5 * vStride, f32x4.add(r11, r21), cnt);
      w2Store(o + 6 * vStride, f32x4.add(r12, r22), cnt);
      w2Store(o + 7 * vStride, f32x4.add(r13, r23), cnt);
      w2Store(o + 8 * vStride, f32x4.sub(r20, r10), cnt);
      w2Store(o + 9 * vStride, f32x4.sub(r21, r11), cnt);
      w2Store(o + 10 * vStride, f32x4.sub(r22, r12), cnt);
      w2Store(o + 11 * vStride, f32x4.sub(r23, r13), cnt);
      w2Store(o + 12 * vStride, f32x4.sub(r10, r30), cnt);
      w2Store(o + 13 * vStride, f32x4.sub(r11, r31), cnt);
      w2Store(o + 14 * vStride, f32x4.sub(r12, r32), cnt);
      w2Store(o + 15 * vStride, f32x4.sub(r13, r33), cnt);
    }
  }
}

/** V for samples [n0, n1) of x [n][cin][h][w] (padding pt, pl; tile grid th × tw). */
function w2InputChunk(x: usize, n0: i32, n1: i32, cin: i32, h: i32, w: i32, pt: i32, pl: i32,
  th: i32, tw: i32, v: usize, plane: usize): void {
  const hp = 2 * th + 2, wp = 2 * w2tw4(tw) + 2;
  const ts = th * tw;
  const tc = (n1 - n0) * ts;
  const vStride = <usize>((cin * tc + W2_GAP) * 4);
  for (let n = n0; n < n1; n++) {
    for (let ci = 0; ci < cin; ci++) {
      w2Pad(x + <usize>((n * cin + ci) * h * w * 4), h, w, pt, pl, plane, hp, wp);
      w2Input(plane, wp, th, tw, v + <usize>((ci * tc + (n - n0) * ts) * 4), vStride);
    }
  }
}

/**
 * Forward of samples [s0, s1) by Winograd F(2×2, 3×3). Parameter block p (i32 words):
 * x u bias out v m pack plane s0 s1 act chunk cin cout h w ho wo pt pl — bias = 0: none; act = 1:
 * fused ReLU; u: the transformed weights U[ξ][cout][cin]; m needs 4 floats of slack at its end.
 */
export function convWino2d(p: usize): void {
  const x = <usize>pw(p, 0), u = <usize>pw(p, 1), bias = <usize>pw(p, 2), out = <usize>pw(p, 3);
  const v = <usize>pw(p, 4), mb = <usize>pw(p, 5), pack = <usize>pw(p, 6), plane = <usize>pw(p, 7);
  const s0 = pw(p, 8), s1 = pw(p, 9), act = pw(p, 10), chunk = pw(p, 11);
  const cin = pw(p, 12), cout = pw(p, 13), h = pw(p, 14), w = pw(p, 15), ho = pw(p, 16), wo = pw(p, 17);
  const pt = pw(p, 18), pl = pw(p, 19);
  const th = (ho + 1) >> 1, tw = (wo + 1) >> 1, ts = th * tw;
  const z = f32x4.splat(0);
  for (let n0 = s0; n0 < s1; n0 += chunk) {
    const n1 = min(s1, n0 + chunk);
    const tc = (n1 - n0) * ts;
    const vStride = <usize>((cin * tc + W2_GAP) * 4);
    const mStride = <usize>((cout * tc + W2_GAP) * 4);
    w2InputChunk(x, n0, n1, cin, h, w, pt, pl, th, tw, v, plane);
    // One GEMM per transform point: M[ξ] (cout × tc) = U[ξ] (cout × cin) · V[ξ] (cin × tc).
    for (let xi = 0; xi < 16; xi++) {
      gemm(cout, tc, cin, 1, u + <usize>(xi * cout * cin * 4), cin, 1, v + <usize>(xi) * vStride, tc, 1,
        0, mb + <usize>(xi) * mStride, tc, pack);
    }
    // Output transform Aᵀ·M·A, bias, ReLU; 4 tiles of a tile row at once (lanes past the row's
    // end read the next tiles or the slack, and are not stored).
    for (let n = n0; n < n1; n++) {
      for (let co = 0; co < cout; co++) {
        const b: f32 = bias != 0 ? load<f32>(bias + <usize>(co * 4)) : 0;
        const bv = f32x4.splat(b);
        const oplane = out + <usize>((n * cout + co) * ho * wo * 4);
        const mp = mb + <usize>((co * tc + (n - n0) * ts) * 4);
        for (let i = 0; i < th; i++) {
          for (let j = 0; j < tw; j += 4) {
            const q = mp + <usize>((i * tw + j) * 4);
            // Row transform M·A per row r of M (columns 0..3 at ξ = 4r + c).
            let m0 = v128.load(q), m1 = v128.load(q + mStride), m2 = v128.load(q + 2 * mStride), m3 = v128.load(q + 3 * mStride);
            const q00 = f32x4.add(f32x4.add(m0, m1), m2), q01 = f32x4.sub(f32x4.sub(m1, m2), m3);
            m0 = v128.load(q + 4 * mStride); m1 = v128.load(q + 5 * mStride); m2 = v128.load(q + 6 * mStride); m3 = v128.load(q + 7 * mStride);
            const q10 = f32x4.add(f32x4.add(m0, m1), m2), q11 = f32x4.sub(f32x4.sub(m1, m2), m3);
            m0 = v128.load(q + 8 * mStride); m1 = v128.load(q + 9 * mStride); m2 = v128.load(q + 10 * mStride); m3 = v128.load(q + 11 * mStride);
            const q20 = f32x4.add(f32x4.add(m0, m1), m2), q21 = f32x4.sub(f32x4.sub(m1, m2), m3);
            m0 = v128.load(q + 12 * mStride); m1 = v128.load(q + 13 * mStride); m2 = v128.load(q + 14 * mStride); m3 = v128.load(q + 15 * mStride);
            const q30 = f32x4.add(f32x4.add(m0, m1), m2), q31 = f32x4.sub(f32x4.sub(m1, m2), m3);
            const cols = min(8, wo - 2 * j);
            for (let a = 0; a < 2; a++) {
              const oh = 2 * i + a;
              if (oh >= ho) break;
              // Aᵀ row a: y_c = q0c + q1c + q2c (a = 0) or q1c − q2c − q3c (a = 1).
              const y0 = a == 0 ? f32x4.add(f32x4.add(q00, q10), q20) : f32x4.sub(f32x4.sub(q10, q20), q30);
              const y1 = a == 0 ? f32x4.add(f32x4.add(q01, q11), q21) : f32x4.sub(f32x4.sub(q11, q21), q31);
              // Lane l holds output columns 2(j + l) and 2(j + l) + 1: interleave.
              let lo = f32x4.add(v128.shuffle<f32>(y0, y1, 0, 4, 1, 5), bv);
              let hi = f32x4.add(v128.shuffle<f32>(y0, y1, 2, 6, 3, 7), bv);
              if (act != 0) {
                lo = v128.and(lo, f32x4.gt(lo, z));
                hi = v128.and(hi, f32x4.gt(hi, z));
              }
              const orow = oplane + <usize>((oh * wo + 2 * j) * 4);
              if (cols >= 8) {
                v128.store(orow, lo);
                v128.store(orow, hi, 16);
              } else {
                w2Store(orow, lo, cols);
                storeLanes(orow + 16, hi, cols - 4);
              }
            }
          }
        }
      }
    }
  }
}

/**
 * The weight gradient by F(3×3, 2×2): per tile, dW[jh][jw] += Σ_ab dy[a][b]·x[a + jh][b + jw] on
 * the forward's 4×4 input tiles (the same V). Per transform point: Wt[ξ] (cout × cin) += D[ξ]
 * (cout × tiles) · V[ξ]ᵀ with D = G'·dy·G'ᵀ; the JS side sums the threads' Wt and applies A'ᵀ·Wt·A'.
 * Parameter words: x dy wt v dt pack plane s0 s1 chunk cin cout h w ho wo pt pl (the forward's
 * geometry).
 */
export function convWino2dWeightGrad(p: usize): void {
  const x = <usize>pw(p, 0), dy = <usize>pw(p, 1), wt = <usize>pw(p, 2), v = <usize>pw(p, 3);
  const dt = <usize>pw(p, 4), pack = <usize>pw(p, 5), plane = <usize>pw(p, 6);
  const s0 = pw(p, 7), s1 = pw(p, 8), chunk = pw(p, 9);
  const cin = pw(p, 10), cout = pw(p, 11), h = pw(p, 12), w = pw(p, 13), ho = pw(p, 14), wo = pw(p, 15);
  const pt = pw(p, 16), pl = pw(p, 17);
  const th = (ho + 1) >> 1, tw = (wo + 1) >> 1, ts = th * tw;
  const hp = 2 * th, wp = 2 * w2tw4(tw);
  const half = f32x4.splat(0.5);
  for (let n0 = s0; n0 < s1; n0 += chunk) {
    const n1 = min(s1, n0 + chunk);
    const tc = (n1 - n0) * ts;
    const vStride = <usize>((cin * tc + W2_GAP) * 4);
    const dStride = <usize>((cout * tc + W2_GAP) * 4);
    w2InputChunk(x, n0, n1, cin, h, w, pt, pl, th, tw, v, plane);
    // D[ξ][co][t] = G'·(2×2 dy tile)·G'ᵀ, zero beyond the output (the padded dy plane).
    for (let n = n0; n < n1; n++) {
      for (let co = 0; co < cout; co++) {
        w2Pad(dy + <usize>((n * cout + co) * ho * wo * 4), ho, wo, 0, 0, plane, hp, wp);
        const dp = dt + <usize>((co * tc + (n - n0) * ts) * 4);
        for (let i = 0; i < th; i++) {
          for (let j = 0; j < tw; j += 4) {
            const cnt = tw - j;
            const row = plane + <usize>((2 * i * wp + 2 * j) * 4);
            let a0 = v128.load(row), a1 = v128.load(row, 16);
            const e00 = v128.shuffle<f32>(a0, a1, 0, 2, 4, 6), e01 = v128.shuffle<f32>(a0, a1, 1, 3, 5, 7);
            a0 = v128.load(row + <usize>(wp * 4)); a1 = v128.load(row + <usize>(wp * 4), 16);
            const e10 = v128.shuffle<f32>(a0, a1, 0, 2, 4, 6), e11 = v128.shuffle<f32>(a0, a1, 1, 3, 5, 7);
            // Row transform e·G'ᵀ: (e0, ½(e0 + e1), ½(e0 − e1), e1) per dy row.
            const g00 = e00, g01 = f32x4.mul(f32x4.add(e00, e01), half), g02 = f32x4.mul(f32x4.sub(e00, e01), half), g03 = e01;
            const g10 = e10, g11 = f32x4.mul(f32x4.add(e10, e11), half), g12 = f32x4.mul(f32x4.sub(e10, e11), half), g13 = e11;
            const o = dp + <usize>((i * tw + j) * 4);
            w2Store(o, g00, cnt);
            w2Store(o + dStride, g01, cnt);
            w2Store(o + 2 * dStride, g02, cnt);
            w2Store(o + 3 * dStride, g03, cnt);
            w2Store(o + 4 * dStride, f32x4.mul(f32x4.add(g00, g10), half), cnt);
            w2Store(o + 5 * dStride, f32x4.mul(f32x4.add(g01, g11), half), cnt);
            w2Store(o + 6 * dStride, f32x4.mul(f32x4.add(g02, g12), half), cnt);
            w2Store(o + 7 * dStride, f32x4.mul(f32x4.add(g03, g13), half), cnt);
            w2Store(o + 8 * dStride, f32x4.mul(f32x4.sub(g00, g10), half), cnt);
            w2Store(o + 9 * dStride, f32x4.mul(f32x4.sub(g01, g11), half), cnt);
            w2Store(o + 10 * dStride, f32x4.mul(f32x4.sub(g02, g12), half), cnt);
            w2Store(o + 11 * dStride, f32x4.mul(f32x4.sub(g03, g13), half), cnt);
            w2Store(o + 12 * dStride, g10, cnt);
            w2Store(o + 13 * dStride, g11, cnt);
            w2Store(o + 14 * dStride, g12, cnt);
            w2Store(o + 15 * dStride, g13, cnt);
          }
        }
      }
    }
    // Wt[ξ] += D[ξ] · V[ξ]ᵀ: B(p = tile, j = ci) = V[ξ][ci][tile].
    for (let xi = 0; xi < 16; xi++) {
      gemm(cout, cin, tc, 1, dt + <usize>(xi) * dStride, tc, 1, v + <usize>(xi) * vStride, 1, tc,
        1, wt + <usize>(xi * cout * cin * 4), cin, pack);
    }
  }
}

/** dX (convWino2d on words 0–19) then dW (convWino2dWeightGrad on the block at word 20): one wake-up. */
export function convWino2dBackwardBoth(p: usize): void {
  convWino2d(p);
  convWino2dWeightGrad(<usize>pw(p, 20));
}

// ──────────────── Winograd F(4×4, 3×3) for 3×3 stride-1 2-D convolutions ────────────────
// The same structure as F(2×2, 3×3) above (padded planes, V/M/D per transform point ξ with the
// W2_GAP offset, one GEMM per ξ, 4 horizontally adjacent tiles per SIMD vector), on 6×6 input
// tiles and 4×4 output tiles: 36 multiplies per tile and channel pair instead of 144 (4× fewer;
// F(2×2) is 2.25×). The points are 0, ±1, ±2, ∞, the 1-D α = 6 matrices (winograd2d4.ts builds
// them and a test checks them against these hard-coded forms):
//   Bᵀ = [4 0 −5 0 1 0; 0 −4 −4 1 1 0; 0 4 −4 −1 1 0; 0 −2 −1 2 1 0; 0 2 −1 −2 1 0; 0 4 0 −5 0 1]
//   Aᵀ = [1 1 1 1 1 0; 0 1 −1 2 −2 0; 0 1 1 4 4 0; 0 1 −1 8 −8 1]
// The weight gradient F(3×3, 4×4) reuses Bᵀ with G' rows scaled by s = (4, −6, −6, 24, 24, 1) so
// that they hold small integers (1 0 0 0; 1 1 1 1; 1 −1 1 −1; 1 2 4 8; 1 −2 4 −8; 0 0 0 1): the dy
// transform then rounds no 1/6; the JS side divides Wt[6a + b] by s_a·s_b in float64.
// 6×6 transforms do not fit the registers as one block, so each runs in two passes through a
// 640-byte scratch at the start of the plane buffer (L1-resident): rows first, then columns.

/** Bytes of scratch before the padded plane (40 vectors: the output transform's 24 + 16). */
const W4_SCR: i32 = 640;

/** Bᵀ·z for 6 values, paired (14 operations instead of 36); output i at dst + i·stride, cnt lanes. */
// @ts-ignore: decorator
@inline function w4Bt(z0: v128, z1: v128, z2: v128, z3: v128, z4: v128, z5: v128, dst: usize, stride: usize, cnt: i32): void {
  const t1a = fma(z2, f32x4.splat(-4), z4), t1b = fma(z1, f32x4.splat(-4), z3);
  const t3a = f32x4.sub(z4, z2), t3b = f32x4.mul(f32x4.sub(z3, z1), f32x4.splat(2));
  w2Store(dst, fma(z2, f32x4.splat(-5), fma(z0, f32x4.splat(4), z4)), cnt);
  w2Store(dst + stride, f32x4.add(t1a, t1b), cnt);
  w2Store(dst + 2 * stride, f32x4.sub(t1a, t1b), cnt);
  w2Store(dst + 3 * stride, f32x4.add(t3a, t3b), cnt);
  w2Store(dst + 4 * stride, f32x4.sub(t3a, t3b), cnt);
  w2Store(dst + 5 * stride, fma(z3, f32x4.splat(-5), fma(z1, f32x4.splat(4), z5)), cnt);
}

/** Aᵀ·m for 6 values (4 outputs), paired; output c at dst + c·stride. */
// @ts-ignore: decorator
@inline function w4At(m0: v128, m1: v128, m2: v128, m3: v128, m4: v128, m5: v128, dst: usize, stride: usize): void {
  const s12 = f32x4.add(m1, m2), d12 = f32x4.sub(m1, m2), s34 = f32x4.add(m3, m4), d34 = f32x4.sub(m3, m4);
  v128.store(dst, f32x4.add(f32x4.add(m0, s12), s34));
  v128.store(dst + stride, fma(d34, f32x4.splat(2), d12));
  v128.store(dst + 2 * stride, fma(s34, f32x4.splat(4), s12));
  v128.store(dst + 3 * stride, f32x4.add(fma(d34, f32x4.splat(8), d12), m5));
}

/** G'·e for 4 dy values (6 outputs, rows scaled to integers as above); output i at dst + i·stride. */
// @ts-ignore: decorator
@inline function w4Gd(e0: v128, e1: v128, e2: v128, e3: v128, dst: usize, stride: usize, cnt: i32): void {
  const s02 = f32x4.add(e0, e2), s13 = f32x4.add(e1, e3);
  const t02 = fma(e2, f32x4.splat(4), e0), t13 = f32x4.mul(fma(e3, f32x4.splat(4), e1), f32x4.splat(2));
  w2Store(dst, e0, cnt);
  w2Store(dst + stride, f32x4.add(s02, s13), cnt);
  w2Store(dst + 2 * stride, f32x4.sub(s02, s13), cnt);
  w2Store(dst + 3 * stride, f32x4.add(t02, t13), cnt);
  w2Store(dst + 4 * stride, f32x4.sub(t02, t13), cnt);
  w2Store(dst + 5 * stride, e3, cnt);
}

/**
 * V[ξ][·][t0 + i·tw + j] = Bᵀ·d·B for every 6×6 tile (i, j) of one padded plane (row pitch wp ≥
 * 4·tw4 + 4: a group of 4 tiles reads 20 floats per row); vp at tile t0 of plane ξ = 0.
 */
function w4Input(plane: usize, wp: i32, th: i32, tw: i32, vp: usize, vStride: usize, scr: usize): void {
  const rowB = <usize>(wp * 4);
  for (let i = 0; i < th; i++) {
    for (let j = 0; j < tw; j += 4) {
      const cnt = tw - j;
      let row = plane + <usize>((4 * i * wp + 4 * j) * 4);
      // Rows: z_c lane l = row[4l + c], then d·B; s[b][r] at scr + (6b + r)·16.
      for (let r = 0; r < 6; r++) {
        const a0 = v128.load(row), a1 = v128.load(row, 16), a2 = v128.load(row, 32), a3 = v128.load(row, 48), a4 = v128.load(row, 64);
        w4Bt(transpose4(a0, a1, a2, a3, 0), transpose4(a0, a1, a2, a3, 1), transpose4(a0, a1, a2, a3, 2), transpose4(a0, a1, a2, a3, 3),
          transpose4(a1, a2, a3, a4, 0), transpose4(a1, a2, a3, a4, 1), scr + <usize>(r * 16), 96, 4);
        row += rowB;
      }
      // Columns: Bᵀ·s[b] gives ξ = 6a + b.
      const o = vp + <usize>((i * tw + j) * 4);
      for (let b = 0; b < 6; b++) {
        const s = scr + <usize>(b * 96);
        w4Bt(v128.load(s), v128.load(s, 16), v128.load(s, 32), v128.load(s, 48), v128.load(s, 64), v128.load(s, 80),
          o + <usize>(b) * vStride, 6 * vStride, cnt);
      }
    }
  }
}

/** V for samples [n0, n1) of x [n][cin][h][w] (padding pt, pl; tile grid th × tw); buf: scratch, then the plane. */
function w4InputChunk(x: usize, n0: i32, n1: i32, cin: i32, h: i32, w: i32, pt: i32, pl: i32,
  th: i32, tw: i32, v: usize, buf: usize): void {
  const hp = 4 * th + 2, wp = 4 * w2tw4(tw) + 4;
  const ts = th * tw;
  const tc = (n1 - n0) * ts;
  const vStride = <usize>((cin * tc + W2_GAP) * 4);
  const plane = buf + <usize>(W4_SCR);
  for (let n = n0; n < n1; n++) {
    for (let ci = 0; ci < cin; ci++) {
      w2Pad(x + <usize>((n * cin + ci) * h * w * 4), h, w, pt, pl, plane, hp, wp);
      w4Input(plane, wp, th, tw, v + <usize>((ci * tc + (n - n0) * ts) * 4), vStride, buf);
    }
  }
}

/**
 * Forward of samples [s0, s1) by Winograd F(4×4, 3×3); the parameter block is convWino2d's
 * (u: U[36][cout][cin]; plane: W4_SCR bytes of scratch, then the padded plane).
 */
export function convWino2d4(p: usize): void {
  const x = <usize>pw(p, 0), u = <usize>pw(p, 1), bias = <usize>pw(p, 2), out = <usize>pw(p, 3);
  const v = <usize>pw(p, 4), mb = <usize>pw(p, 5), pack = <usize>pw(p, 6), buf = <usize>pw(p, 7);
  const s0 = pw(p, 8), s1 = pw(p, 9), act = pw(p, 10), chunk = pw(p, 11);
  const cin = pw(p, 12), cout = pw(p, 13), h = pw(p, 14), w = pw(p, 15), ho = pw(p, 16), wo = pw(p, 17);
  const pt = pw(p, 18), pl = pw(p, 19);
  const th = (ho + 3) >> 2, tw = (wo + 3) >> 2, ts = th * tw;
  const z = f32x4.splat(0);
  const scr2 = buf + 384; // y[r][c] after the column pass (16 vectors after the 24 of the row pass)
  for (let n0 = s0; n0 < s1; n0 += chunk) {
    const n1 = min(s1, n0 + chunk);
    const tc = (n1 - n0) * ts;
    const vStride = <usize>((cin * tc + W2_GAP) * 4);
    const mStride = <usize>((cout * tc + W2_GAP) * 4);
    w4InputChunk(x, n0, n1, cin, h, w, pt, pl, th, tw, v, buf);
    for (let xi = 0; xi < 36; xi++) {
      gemm(cout, tc, cin, 1, u + <usize>(xi * cout * cin * 4), cin, 1, v + <usize>(xi) * vStride, tc, 1,
        0, mb + <usize>(xi) * mStride, tc, pack);
    }
    // Output transform Aᵀ·M·A, bias, ReLU, 4 tiles at once (lanes past the tile row read the next
    // tiles or M's slack and are not stored).
    for (let n = n0; n < n1; n++) {
      for (let co = 0; co < cout; co++) {
        const bv = f32x4.splat(bias != 0 ? load<f32>(bias + <usize>(co * 4)) : 0);
        const oplane = out + <usize>((n * cout + co) * ho * wo * 4);
        const mp = mb + <usize>((co * tc + (n - n0) * ts) * 4);
        for (let i = 0; i < th; i++) {
          for (let j = 0; j < tw; j += 4) {
            const q = mp + <usize>((i * tw + j) * 4);
            // Rows a of M (ξ = 6a + b): M·A, t[c][a] at buf + (6c + a)·16.
            for (let a = 0; a < 6; a++) {
              const qa = q + <usize>(6 * a) * mStride;
              w4At(v128.load(qa), v128.load(qa + mStride), v128.load(qa + 2 * mStride), v128.load(qa + 3 * mStride),
                v128.load(qa + 4 * mStride), v128.load(qa + 5 * mStride), buf + <usize>(a * 16), 96);
            }
            // Columns: y[r][c] = (Aᵀ·t[c])[r] at scr2 + (4r + c)·16.
            for (let c = 0; c < 4; c++) {
              const s = buf + <usize>(c * 96);
              w4At(v128.load(s), v128.load(s, 16), v128.load(s, 32), v128.load(s, 48), v128.load(s, 64), v128.load(s, 80),
                scr2 + <usize>(c * 16), 64);
            }
            const cols = wo - 4 * j;
            for (let r = 0; r < 4; r++) {
              const oh = 4 * i + r;
              if (oh >= ho) break;
              const yr = scr2 + <usize>(r * 64);
              const y0 = v128.load(yr), y1 = v128.load(yr, 16), y2 = v128.load(yr, 32), y3 = v128.load(yr, 48);
              const orow = oplane + <usize>((oh * wo + 4 * j) * 4);
              // Lane l of y_c is tile l's column c: transposing gives tile k's 4 columns.
              for (let k = 0; k < 4; k++) {
                const left = cols - 4 * k;
                if (left <= 0) break;
                let o = f32x4.add(transpose4(y0, y1, y2, y3, k), bv);
                if (act != 0) o = v128.and(o, f32x4.gt(o, z));
                w2Store(orow + <usize>(k * 16), o, left);
              }
            }
          }
        }
      }
    }
  }
}

/**
 * The weight gradient by F(3×3, 4×4) on the forward's 6×6 input tiles: per ξ, Wt[ξ] += D[ξ]·V[ξ]ᵀ
 * with D = G'·dy·G'ᵀ (G' rows scaled, see above); parameter words as convWino2dWeightGrad's
 * (plane: W4_SCR bytes of scratch, then the padded plane).
 */
export function convWino2d4WeightGrad(p: usize): void {
  const x = <usize>pw(p, 0), dy = <usize>pw(p, 1), wt = <usize>pw(p, 2), v = <usize>pw(p, 3);
  const dt = <usize>pw(p, 4), pack = <usize>pw(p, 5), buf = <usize>pw(p, 6);
  const s0 = pw(p, 7), s1 = pw(p, 8), chunk = pw(p, 9);
  const cin = pw(p, 10), cout = pw(p, 11), h = pw(p, 12), w = pw(p, 13), ho = pw(p, 14), wo = pw(p, 15);
  const pt = pw(p, 16), pl = pw(p, 17);
  const th = (ho + 3) >> 2, tw = (wo + 3) >> 2, ts = th * tw;
  const hp = 4 * th, wp = 4 * w2tw4(tw);
  const plane = buf + <usize>(W4_SCR);
  for (let n0 = s0; n0 < s1; n0 += chunk) {
    const n1 = min(s1, n0 + chunk);
    const tc = (n1 - n0) * ts;
    const vStride = <usize>((cin * tc + W2_GAP) * 4);
    const dStride = <usize>((cout * tc + W2_GAP) * 4);
    w4InputChunk(x, n0, n1, cin, h, w, pt, pl, th, tw, v, buf);
    for (let n = n0; n < n1; n++) {
      for (let co = 0; co < cout; co++) {
        w2Pad(dy + <usize>((n * cout + co) * ho * wo * 4), ho, wo, 0, 0, plane, hp, wp);
        const dp = dt + <usize>((co * tc + (n - n0) * ts) * 4);
        for (let i = 0; i < th; i++) {
          for (let j = 0; j < tw; j += 4) {
            const cnt = tw - j;
            let row = plane + <usize>((4 * i * wp + 4 * j) * 4);
            // Rows of the 4×4 dy tile: e·G'ᵀ, g[b][r] at buf + (4b + r)·16.
            for (let r = 0; r < 4; r++) {
              const a0 = v128.load(row), a1 = v128.load(row, 16), a2 = v128.load(row, 32), a3 = v128.load(row, 48);
              w4Gd(transpose4(a0, a1, a2, a3, 0), transpose4(a0, a1, a2, a3, 1), transpose4(a0, a1, a2, a3, 2), transpose4(a0, a1, a2, a3, 3),
                buf + <usize>(r * 16), 64, 4);
              row += <usize>(wp * 4);
            }
            const o = dp + <usize>((i * tw + j) * 4);
            for (let b = 0; b < 6; b++) {
              const s = buf + <usize>(b * 64);
              w4Gd(v128.load(s), v128.load(s, 16), v128.load(s, 32), v128.load(s, 48), o + <usize>(b) * dStride, 6 * dStride, cnt);
            }
          }
        }
      }
    }
    for (let xi = 0; xi < 36; xi++) {
      gemm(cout, cin, tc, 1, dt + <usize>(xi) * dStride, tc, 1, v + <usize>(xi) * vStride, 1, tc,
        1, wt + <usize>(xi * cout * cin * 4), cin, pack);
    }
  }
}

/** dX (convWino2d4 on words 0–19) then dW (convWino2d4WeightGrad on the block at word 20): one wake-up. */
export function convWino2d4BackwardBoth(p: usize): void {
  convWino2d4(p);
  convWino2d4WeightGrad(<usize>pw(p, 20));
}
