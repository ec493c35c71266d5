/**
 * Depthwise convolutions (one channel per group, stride 1) on flattened padded planes: each
 * (sample, channel) plane is copied once into a zero-padded scratch plane of width Wp, and every
 * tap becomes one long SIMD axpy (forward, dX) or dot product (dW) over the whole plane at a
 * fixed offset, instead of one short row at a time. Output columns at and beyond the true width
 * are computed and dropped. Why: the row-by-row direct kernels pay their loop overhead per row,
 * which dominates on the small planes of DS-CNN (25 × 5) and MobileNet.
 */

/** Copy the h×w plane at src into a zeroed hp×wp plane at dst, top-left at (pt, pl) (rows / columns beyond hp / wp dropped). */
@inline function padPlane(src: usize, h: i32, w: i32, dst: usize, hp: i32, wp: i32, pt: i32, pl: i32, tail: i32): void {
  memory.fill(dst, 0, <usize>((hp * wp + tail) << 2));
  const rows = min(h, hp - pt);
  const cols = min(w, wp - pl);
  if (cols <= 0) return;
  for (let r = 0; r < rows; r++) {
    memory.copy(dst + (<usize>((r + pt) * wp + pl) << 2), src + (<usize>(r * w) << 2), <usize>(cols << 2));
  }
}

/**
 * out[q] (ho×wo) = bias[ch] + Σ_taps wt[ch][t]·plane(src[q]) for the planes q < planes (ch = q mod c)
 * of src (h×w each), zero padding (pt, pl) on top / left and dilation (dh, dw); then ReLU when relu.
 * The same routine runs dX, on dy with the flipped kernel and mirrored padding. scratch: (hp·wp + tail) + ho·wp floats.
 */
export function dwFlatConv(src: usize, wt: usize, bias: usize, out: usize, planes: i32, c: i32, h: i32, w: i32,
  kh: i32, kw: i32, dh: i32, dw: i32, pt: i32, pl: i32, ho: i32, wo: i32, relu: i32, scratch: usize): void {
  const hp = ho + (kh - 1) * dh;
  const wp = wo + (kw - 1) * dw;
  const tail = (kw - 1) * dw + 4;
  const P = scratch;
  const A = scratch + (<usize>(hp * wp + tail) << 2);
  const len = ho * wp;
  const z = f32x4.splat(0);
  for (let q = 0; q < planes; q++) {
    const ch = q % c;
    padPlane(src + (<usize>(q * h * w) << 2), h, w, P, hp, wp, pt, pl, tail);
    const b: f32 = bias != 0 ? load<f32>(bias + (<usize>ch << 2)) : 0;
    const bv = f32x4.splat(b);
    let p = 0;
    for (; p + 4 <= len; p += 4) v128.store(A + (<usize>p << 2), bv);
    for (; p < len; p++) store<f32>(A + (<usize>p << 2), b);
    const wq = wt + (<usize>(ch * kh * kw) << 2);
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const wv = load<f32>(wq + (<usize>(i * kw + j) << 2));
        const sv = f32x4.splat(wv);
        const s = P + (<usize>(i * dh * wp + j * dw) << 2);
        let k = 0;
        for (; k + 4 <= len; k += 4) {
          const o = <usize>k << 2;
          v128.store(A + o, f32x4.add(v128.load(A + o), f32x4.mul(v128.load(s + o), sv)));
        }
        for (; k < len; k++) {
          const o = <usize>k << 2;
          store<f32>(A + o, load<f32>(A + o) + wv * load<f32>(s + o));
        }
      }
    }
    const dst = out + (<usize>(q * ho * wo) << 2);
    for (let r = 0; r < ho; r++) {
      const a = A + (<usize>(r * wp) << 2);
      const d = dst + (<usize>(r * wo) << 2);
      let k = 0;
      for (; k + 4 <= wo; k += 4) {
        let v = v128.load(a + (<usize>k << 2));
        if (relu) v = v128.and(v, f32x4.gt(v, z));
        v128.store(d + (<usize>k << 2), v);
      }
      for (; k < wo; k++) {
        let v = load<f32>(a + (<usize>k << 2));
        if (relu) v = v > 0 ? v : 0;
        store<f32>(d + (<usize>k << 2), v);
      }
    }
  }
}

/**
 * dW and db of the forward above, summed over the planes in float64 (dwAcc [c·kh·kw], dbAcc [c],
 * added to): dW[ch][t] += Σ dy·plane(x) shifted by tap t, db[ch] += Σ dy (in the js order). dbAcc = 0 skips db.
 * scratch: (hp·wp + tail) + ho·wp floats.
 */
export function dwFlatWeightGrad(x: usize, dy: usize, dwAcc: usize, dbAcc: usize, planes: i32, c: i32, h: i32, w: i32,
  kh: i32, kw: i32, dh: i32, dw: i32, pt: i32, pl: i32, ho: i32, wo: i32, scratch: usize): void {
  const hp = ho + (kh - 1) * dh;
  const wp = wo + (kw - 1) * dw;
  const tail = (kw - 1) * dw + 4;
  const P = scratch;
  const D = scratch + (<usize>(hp * wp + tail) << 2);
  const len = ho * wp;
  for (let q = 0; q < planes; q++) {
    const ch = q % c;
    padPlane(x + (<usize>(q * h * w) << 2), h, w, P, hp, wp, pt, pl, tail);
    // dy widened to rows of wp, the extra columns zero, so they add nothing to the dot products.
    padPlane(dy + (<usize>(q * ho * wo) << 2), ho, wo, D, ho, wp, 0, 0, 0);
    if (dbAcc != 0) {
      // One float64 chain per channel over samples and then positions, continued across planes:
      // the bits of the js bias gradient (sumOuterInner).
      const pb = dbAcc + (<usize>ch << 3);
      let s = load<f64>(pb);
      const src = dy + (<usize>(q * ho * wo) << 2);
      for (let k = 0; k < ho * wo; k++) s += <f64>load<f32>(src + (<usize>k << 2));
      store<f64>(pb, s);
    }
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const s = P + (<usize>(i * dh * wp + j * dw) << 2);
        let acc = f32x4.splat(0);
        let k = 0;
        for (; k + 4 <= len; k += 4) {
          const o = <usize>k << 2;
          acc = f32x4.add(acc, f32x4.mul(v128.load(D + o), v128.load(s + o)));
        }
        let t: f64 = <f64>f32x4.extract_lane(acc, 0) + <f64>f32x4.extract_lane(acc, 1) + <f64>f32x4.extract_lane(acc, 2) + <f64>f32x4.extract_lane(acc, 3);
        for (; k < len; k++) t += <f64>(load<f32>(D + (<usize>k << 2)) * load<f32>(s + (<usize>k << 2)));
        const pw = dwAcc + (<usize>((ch * kh + i) * kw + j) << 3);
        store<f64>(pw, load<f64>(pw) + t);
      }
    }
  }
}
