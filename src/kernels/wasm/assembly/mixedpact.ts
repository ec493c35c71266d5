/**
 * The mixed-precision PACT activation Σ_k θ_k·PACT_k(x) (an entry file of its own, compiled with
 * kernels.ts): forward and backward over float32 x in float64 f64x2 lanes, the same bits as the
 * js reference (src/kernels/js/quant.ts). The codes are ⌊v/s⌋ exactly as the float64 division
 * gives it: t = v·(1/s) floored, and a lane pair with a lane within 1e-9 of an integer re-takes
 * the division (v = 0 excepted: there both are ±0 alike). Backward sums are kept as the
 * contract's even/odd partial sums, i.e. the two lanes of an f64x2 fed pairs (i, i + 1), i even.
 */

/** ⌊v/s⌋ per lane as the float64 division gives it; `live` limits which lanes may need the division. */
@inline function floorDiv2(v: v128, s: v128, r: v128, live: v128): v128 {
  const t = f64x2.mul(v, r);
  const q = f64x2.floor(t);
  const eps = f64x2.splat(1e-9);
  let near = v128.or(f64x2.lt(f64x2.sub(t, q), eps), f64x2.lt(f64x2.sub(f64x2.add(q, f64x2.splat(1)), t), eps));
  near = v128.andnot(v128.and(near, live), f64x2.eq(v, f64x2.splat(0)));
  if (v128.any_true(near)) return v128.bitselect(f64x2.floor(f64x2.div(v, s)), q, near);
  return q;
}

/** The clamped code of candidate k (tables of p float64 at steps, recips, qmin, qmax). */
@inline function code2(v: v128, kb: usize, steps: usize, recips: usize, qmin: usize, qmax: usize, live: v128): v128 {
  const q = floorDiv2(v, v128.load64_splat(steps + kb), v128.load64_splat(recips + kb), live);
  // pmax(q, lo) = q < lo ? lo : q and pmin(q, hi) = hi < q ? hi : q: js's clamp, NaN and −0 included.
  return f64x2.pmin(f64x2.pmax(q, v128.load64_splat(qmin + kb)), v128.load64_splat(qmax + kb));
}

/** acc (two float32 values held as float64) += θ·(q·s) per candidate, rounded to float32 after each term as js's `out[i] +=`. */
@inline function forwardPair(v: v128, steps: usize, recips: usize, qmin: usize, qmax: usize, theta: usize, p: i32): v128 {
  let acc = f64x2.splat(0);
  const all = i64x2.splat(-1);
  for (let k = 0; k < p; k++) {
    const kb = <usize>k << 3;
    const t = load<f64>(theta + kb);
    if (t == 0) continue;
    const q = code2(v, kb, steps, recips, qmin, qmax, all);
    const term = v128.andnot(f64x2.mul(f64x2.splat(t), f64x2.mul(q, v128.load64_splat(steps + kb))), f64x2.eq(q, f64x2.splat(0)));
    acc = f64x2.promote_low_f32x4(f32x4.demote_f64x2_zero(f64x2.add(acc, term)));
  }
  return acc;
}

/**
 * out[i] = Σ_k θ_k·(q_k·steps[k]) over float32 x[0..n) (the mixedPactForward contract);
 * steps, recips (= 1 / steps), qmin, qmax, theta: p float64 each.
 */
export function mixedPactForward(x: usize, out: usize, n: i32, steps: usize, recips: usize, qmin: usize, qmax: usize, theta: usize, p: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const xv = v128.load(x + o);
    const a0 = forwardPair(f64x2.promote_low_f32x4(xv), steps, recips, qmin, qmax, theta, p);
    const a1 = forwardPair(f64x2.promote_low_f32x4(v128.shuffle<f32>(xv, xv, 2, 3, 2, 3)), steps, recips, qmin, qmax, theta, p);
    v128.store(out + o, v128.shuffle<f32>(f32x4.demote_f64x2_zero(a0), f32x4.demote_f64x2_zero(a1), 0, 1, 4, 5));
  }
  if (i + 2 <= n) {
    const o = <usize>i << 2;
    const a = forwardPair(f64x2.promote_low_f32x4(v128.load64_zero(x + o)), steps, recips, qmin, qmax, theta, p);
    v128.store64_lane(out + o, f32x4.demote_f64x2_zero(a), 0);
    i += 2;
  }
  if (i < n) {
    const o = <usize>i << 2;
    const a = forwardPair(f64x2.promote_low_f32x4(v128.load32_zero(x + o)), steps, recips, qmin, qmax, theta, p);
    v128.store32_lane(out + o, f32x4.demote_f64x2_zero(a), 0);
  }
}

/** acc + g·(q_k·s_k) on the `inside` lanes (elsewhere + 0, which leaves acc: it never is −0). */
@inline function dthetaStep(acc: v128, v: v128, g: v128, inside: v128, k: i32,
  steps: usize, recips: usize, qmin: usize, qmax: usize): v128 {
  const kb = <usize>k << 3;
  const q = code2(v, kb, steps, recips, qmin, qmax, inside);
  return f64x2.add(acc, v128.and(f64x2.mul(g, f64x2.mul(q, v128.load64_splat(steps + kb))), inside));
}

/**
 * The mixedPactBackward contract over float32 x, g, dx [0..n): writes dx and, at sums, p + 2
 * float64 (dθ_0..dθ_{p−1}, Σ g at x ≥ a, Σ g at x ≤ lo), each the even-i partial plus the odd-i
 * one: f64x2 accumulators fed pairs (i, i + 1), the last (even) i of an odd n with g = 0 in lane 1.
 * The first four candidates' sums live in locals; acc (scratch of 16·max(p, 4) bytes) holds the others'.
 * Masked terms are + 0, which leaves a sum unchanged (a sum starting at +0 never is −0).
 */
export function mixedPactBackward(x: usize, g: usize, dx: usize, n: i32, a: f64, lo: f64, thSum: f64, p: i32,
  steps: usize, recips: usize, qmin: usize, qmax: usize, sums: usize, acc: usize): void {
  for (let j = 4; j < p; j++) v128.store(acc + (<usize>j << 4), f64x2.splat(0));
  const av = f64x2.splat(a);
  const lov = f64x2.splat(lo);
  const ths = f64x2.splat(thSum);
  const zero = f64x2.splat(0);
  let s0 = zero, s1 = zero, s2 = zero, s3 = zero, top = zero, bottom = zero;
  const n2 = n & ~1;
  for (let i = 0; i < n; i += 2) {
    const o = <usize>i << 2;
    const pair = i < n2;
    const v = f64x2.promote_low_f32x4(pair ? v128.load64_zero(x + o) : v128.load32_zero(x + o));
    const gv = f64x2.promote_low_f32x4(pair ? v128.load64_zero(g + o) : v128.load32_zero(g + o));
    const gnz = f64x2.ne(gv, zero);
    const ge = f64x2.ge(v, av);
    const isTop = v128.and(ge, gnz);
    const isBottom = v128.andnot(v128.and(f64x2.le(v, lov), gnz), ge);
    const inside = v128.andnot(gnz, v128.or(isTop, isBottom));
    top = f64x2.add(top, v128.and(gv, isTop));
    bottom = f64x2.add(bottom, v128.and(gv, isBottom));
    if (p > 0) s0 = dthetaStep(s0, v, gv, inside, 0, steps, recips, qmin, qmax);
    if (p > 1) s1 = dthetaStep(s1, v, gv, inside, 1, steps, recips, qmin, qmax);
    if (p > 2) s2 = dthetaStep(s2, v, gv, inside, 2, steps, recips, qmin, qmax);
    if (p > 3) s3 = dthetaStep(s3, v, gv, inside, 3, steps, recips, qmin, qmax);
    for (let k = 4; k < p; k++) {
      const ak = acc + (<usize>k << 4);
      v128.store(ak, dthetaStep(v128.load(ak), v, gv, inside, k, steps, recips, qmin, qmax));
    }
    const d32 = f32x4.demote_f64x2_zero(v128.and(f64x2.mul(gv, ths), inside));
    if (pair) v128.store64_lane(dx + o, d32, 0);
    else v128.store32_lane(dx + o, d32, 0);
  }
  v128.store(acc, s0);
  v128.store(acc, s1, 16);
  v128.store(acc, s2, 32);
  v128.store(acc, s3, 48);
  for (let j = 0; j < p; j++) {
    const s = v128.load(acc + (<usize>j << 4));
    store<f64>(sums + (<usize>j << 3), f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1));
  }
  store<f64>(sums + (<usize>p << 3), f64x2.extract_lane(top, 0) + f64x2.extract_lane(top, 1));
  store<f64>(sums + (<usize>(p + 1) << 3), f64x2.extract_lane(bottom, 0) + f64x2.extract_lane(bottom, 1));
}
