/**
 * BatchNorm's passes in wasm (an entry file of its own, compiled with kernels.ts): per-channel
 * batch statistics (float64 sums, f64x2), the affine map with an optional ReLU (f32x4), and the
 * backward's two passes (float64 sums of dy and dy·(x − μ), then dx). Rows are x[(i·c + ch)·s …],
 * x viewed as [n, c, s]. Why wasm: the js loops run at ≈ 2 ns per element (no SIMD, a float64
 * round trip per value); here a pass costs a fraction of the copy in and out.
 */

@inline function sum4(acc: v128, v: v128): v128 {
  acc = f64x2.add(acc, f64x2.promote_low_f32x4(v));
  return f64x2.add(acc, f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 2, 3)));
}

/** Four dy values, read as 0 where the fused ReLU's output is not positive (reluOut = 0: no ReLU). */
@inline function maskedDy(dy: usize, reluOut: usize, at: usize): v128 {
  const g = v128.load(dy + at);
  return reluOut ? v128.and(g, f32x4.gt(v128.load(reluOut + at), f32x4.splat(0))) : g;
}

/** One dy value, 0 where the fused ReLU's output is not positive. */
@inline function maskedDy1(dy: usize, reluOut: usize, at: usize): f32 {
  return reluOut && !(load<f32>(reluOut + at) > 0) ? 0 : load<f32>(dy + at);
}

@inline function lanes(a: v128): f64 {
  return f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1);
}

/** mean[ch], variance[ch] (biased) of x [n, c, s]: one pass for the mean, one for the squared deviations (f64 pointers). */
export function bnStats(x: usize, n: i32, c: i32, s: i32, mean: usize, variance: usize): void {
  const m = <f64>n * <f64>s;
  for (let ch = 0; ch < c; ch++) {
    let a0 = f64x2.splat(0), a1 = f64x2.splat(0);
    let t: f64 = 0;
    for (let i = 0; i < n; i++) {
      const row = x + (<usize>(i * c + ch) * <usize>s << 2);
      let j = 0;
      for (; j + 8 <= s; j += 8) {
        a0 = sum4(a0, v128.load(row + (<usize>j << 2)));
        a1 = sum4(a1, v128.load(row + (<usize>j << 2), 16));
      }
      for (; j < s; j++) t += <f64>load<f32>(row + (<usize>j << 2));
    }
    const mu = (lanes(a0) + lanes(a1) + t) / m;
    const mu4 = f32x4.splat(<f32>mu);
    // Deviations from the float32-rounded mean in f32 (exact where x is near it), squared and summed in f64.
    let q0 = f64x2.splat(0), q1 = f64x2.splat(0);
    let u: f64 = 0;
    let e: f64 = 0;
    for (let i = 0; i < n; i++) {
      const row = x + (<usize>(i * c + ch) * <usize>s << 2);
      let j = 0;
      for (; j + 4 <= s; j += 4) {
        const d = f32x4.sub(v128.load(row + (<usize>j << 2)), mu4);
        const lo = f64x2.promote_low_f32x4(d);
        const hi = f64x2.promote_low_f32x4(v128.shuffle<f32>(d, d, 2, 3, 2, 3));
        q0 = f64x2.add(q0, f64x2.mul(lo, lo));
        q1 = f64x2.add(q1, f64x2.mul(hi, hi));
        e += lanes(f64x2.add(lo, hi));
      }
      for (; j < s; j++) {
        const d = <f64>(load<f32>(row + (<usize>j << 2)) - <f32>mu);
        u += d * d;
        e += d;
      }
    }
    // Σ(x − μ')² with μ' the rounded mean: subtract the shift's share, (Σ(x − μ'))²/m.
    const sq = lanes(q0) + lanes(q1) + u - (e * e) / m;
    store<f64>(mean + (<usize>ch << 3), mu);
    store<f64>(variance + (<usize>ch << 3), sq > 0 ? sq / m : 0);
  }
}

/** out = (x − mean[ch])·k[ch] + shift[ch] in f32, then max(·, 0) when relu (NaN and −0 give +0). */
export function bnApply(x: usize, n: i32, c: i32, s: i32, mean: usize, k: usize, shift: usize, out: usize, relu: i32): void {
  const z = f32x4.splat(0);
  for (let i = 0; i < n; i++) {
    for (let ch = 0; ch < c; ch++) {
      const off = <usize>(i * c + ch) * <usize>s << 2;
      const muD = load<f64>(mean + (<usize>ch << 3));
      const mu = <f32>muD;
      const kD = load<f64>(k + (<usize>ch << 3));
      const kc = <f32>kD;
      // x − μ runs against the float32 μ; its rounding moves into the shift: (μ' − μ)·k.
      const sc = <f32>(load<f64>(shift + (<usize>ch << 3)) + (<f64>mu - muD) * kD);
      const mu4 = f32x4.splat(mu), k4 = f32x4.splat(kc), s4 = f32x4.splat(sc);
      let j = 0;
      for (; j + 4 <= s; j += 4) {
        const p = <usize>j << 2;
        let v = f32x4.add(f32x4.mul(f32x4.sub(v128.load(x + off + p), mu4), k4), s4);
        if (relu) v = v128.and(v, f32x4.gt(v, z));
        v128.store(out + off + p, v);
      }
      for (; j < s; j++) {
        const p = <usize>j << 2;
        let v = (load<f32>(x + off + p) - mu) * kc + sc;
        if (relu) v = v > 0 ? v : 0;
        store<f32>(out + off + p, v);
      }
    }
  }
}

/**
 * BatchNorm backward (see the js reference, src/kernels/js/batchnorm.ts): dy is read as 0 where
 * reluOut ≤ 0 (reluOut = 0: no ReLU). sums[2·ch] = Σ dy, sums[2·ch + 1] = Σ dy·(x − μ) (f64);
 * dx (when not 0) = k·dy − a − b·(x − μ) with a = k·Σdy/m, b = k·invstd²·Σdy(x − μ)/m in training
 * (a = b = 0 otherwise).
 */
export function bnBackward(x: usize, dy: usize, reluOut: usize, n: i32, c: i32, s: i32, mean: usize, invstd: usize, k: usize,
  training: i32, dx: usize, sums: usize): void {
  const m = <f64>n * <f64>s;
  for (let ch = 0; ch < c; ch++) {
    const muD = load<f64>(mean + (<usize>ch << 3));
    const mu = <f32>muD;
    const mu4 = f32x4.splat(mu);
    let g0 = f64x2.splat(0), p0 = f64x2.splat(0);
    let gt: f64 = 0, pt: f64 = 0;
    for (let i = 0; i < n; i++) {
      const off = <usize>(i * c + ch) * <usize>s << 2;
      let j = 0;
      for (; j + 4 <= s; j += 4) {
        const p = <usize>j << 2;
        const g = maskedDy(dy, reluOut, off + p);
        g0 = sum4(g0, g);
        p0 = sum4(p0, f32x4.mul(g, f32x4.sub(v128.load(x + off + p), mu4)));
      }
      for (; j < s; j++) {
        const p = <usize>j << 2;
        const g = maskedDy1(dy, reluOut, off + p);
        gt += <f64>g;
        pt += <f64>(g * (load<f32>(x + off + p) - mu));
      }
    }
    const sdy = lanes(g0) + gt;
    // Σ dy·(x − μ) from the sums against the float32 μ': plus (μ' − μ)·Σ dy.
    const sdyx = lanes(p0) + pt + (<f64>mu - muD) * sdy;
    store<f64>(sums + (<usize>ch << 4), sdy);
    store<f64>(sums + (<usize>ch << 4), sdyx, 8);
    if (dx == 0) continue;
    const kc = load<f64>(k + (<usize>ch << 3));
    const is = load<f64>(invstd + (<usize>ch << 3));
    const b = training ? (kc * is * is * sdyx) / m : 0;
    // dx = k·dy − a − b·(x − μ) with x − μ = d + (μ' − μ): the constant part moves into a.
    const a = (training ? (kc * sdy) / m : 0) + b * (<f64>mu - muD);
    const k4 = f32x4.splat(<f32>kc), a4 = f32x4.splat(<f32>a), b4 = f32x4.splat(<f32>b);
    for (let i = 0; i < n; i++) {
      const off = <usize>(i * c + ch) * <usize>s << 2;
      let j = 0;
      for (; j + 4 <= s; j += 4) {
        const p = <usize>j << 2;
        const g = maskedDy(dy, reluOut, off + p);
        const d = f32x4.sub(v128.load(x + off + p), mu4);
        v128.store(dx + off + p, f32x4.sub(f32x4.sub(f32x4.mul(k4, g), a4), f32x4.mul(b4, d)));
      }
      for (; j < s; j++) {
        const p = <usize>j << 2;
        const g = maskedDy1(dy, reluOut, off + p);
        const d = load<f32>(x + off + p) - mu;
        store<f32>(dx + off + p, <f32>kc * g - <f32>a - <f32>b * d);
      }
    }
  }
}
