/**
 * Requantisation as integer maths: a real multiplier M = s_in·s_w[c]/s_out becomes an integer
 * m ∈ [2^30, 2^31) and a right shift, y = floor(acc·m / 2^shift), as MCU kernels do it (a 32×32 →
 * 64-bit multiply, then a shift). The product is emulated exactly here (JS numbers hold 53 bits),
 * so no step overflows or rounds: the only difference from the real M is m's 31-bit precision.
 *
 * Why not the earlier plan of "m ≤ 2^23 with (acc + b)·m inside int32" (docs/design.md#integer-deployment): the accumulator bound of a wide
 * layer (e.g. 576 inputs × 255 × 128 ≈ 2^24) leaves only ~7 bits for m, which costs a full LSB
 * on many outputs; the 64-bit product is what CMSIS-NN / TFLite Micro use.
 */

export interface Requant {
  /** Integer multiplier in [2^30, 2^31) (0 for M = 0). */
  m: number;
  /** Right shift, ≥ 0. */
  shift: number;
}

const TWO16 = 65536;

/** The integer multiplier and shift closest to M (M ≥ 0, finite, below 2^31). */
export function requantMultiplier(M: number, where: string): Requant {
  if (!(M >= 0) || !Number.isFinite(M)) throw new Error(`requantMultiplier: ${where}: multiplier ${M} must be finite and ≥ 0 (check the scales)`);
  if (M === 0) return { m: 0, shift: 0 };
  if (M >= 2 ** 31) throw new Error(`requantMultiplier: ${where}: multiplier ${M} ≥ 2^31 cannot be represented; the output scale is far too small for its input`);
  let e = Math.floor(Math.log2(M)) + 1; // M = f·2^e, f ∈ [0.5, 1)
  if (M / 2 ** e >= 1) e += 1;
  if (M / 2 ** e < 0.5) e -= 1;
  let m = Math.round((M / 2 ** e) * 2 ** 31);
  let shift = 31 - e;
  if (m === 2 ** 31) {
    m /= 2;
    shift -= 1;
  }
  if (shift < 0) throw new Error(`requantMultiplier: ${where}: multiplier ${M} needs a left shift; rescale the layer`);
  return { m, shift };
}

/** floor(acc·m / 2^shift) for an int32 `acc`, exactly (64-bit product emulated with 16-bit halves of m). */
export function mulShiftFloor(acc: number, r: Requant): number {
  const mh = Math.floor(r.m / TWO16);
  const ml = r.m - mh * TWO16;
  const lo = acc * ml; // |lo| < 2^47: exact
  const a1 = Math.floor(lo / TWO16);
  const a0 = lo - a1 * TWO16; // in [0, 2^16)
  const n = acc * mh + a1; // acc·m = n·2^16 + a0, |n| < 2^47
  if (r.shift >= 16) return Math.floor(n / 2 ** (r.shift - 16));
  return n * 2 ** (16 - r.shift) + Math.floor(a0 / 2 ** r.shift);
}
