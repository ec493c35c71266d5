/**
 * The fixed-point interface of the C export, so the generated code needs no float: inputs arrive
 * as Q16.16 integers (value · 2^16, what a sensor pipeline in fixed point produces) and become
 * input codes by the same multiply-and-shift the layers use (requant.ts), and the int32 outputs
 * leave as Q16.16 values the same way. These functions are the TS mirror of the generated
 * `<name>_quantize_input_q16` / `<name>_output_q16` (the tests require equality), and of the
 * multiply-high that replaces average pooling's division.
 *
 * Against the float path (`floor(x / step)` in float64): the Q16.16 input is rounded to 2^-16,
 * and the multiplier has 31 bits, so a value within ~1e-9 relative of a code boundary can land one
 * code lower; docs/export.md gives the measured agreement.
 */

import { mulShiftFloor, requantMultiplier, type Requant } from '../../quant/integer/requant.js';

/** Fraction bits of the fixed-point input and output of the generated C. */
export const C_FRAC_BITS = 16;

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** Requantisation turning a Q16.16 input into codes of step `scale`: m / 2^shift ≈ 1 / (scale · 2^16). */
export function inputQ16Requant(scale: number): Requant {
  return requantMultiplier(1 / (scale * 2 ** C_FRAC_BITS), 'C export input quantiser (Q16.16 → codes)');
}

/** Per output channel: m / 2^shift ≈ scale_c · 2^16, turning int32 outputs into Q16.16 values. */
export function outputQ16Requant(scales: readonly number[]): Requant[] {
  return scales.map((s, c) => requantMultiplier(s * 2 ** C_FRAC_BITS, `C export output channel ${c} (int32 → Q16.16)`));
}

const clamp = (v: number, lo: number, hi: number): number => (v < lo ? lo : v > hi ? hi : v);

/** Codes of Q16.16 inputs: clamp(floor(x·m / 2^shift), qmin, qmax), as `<name>_quantize_input_q16` computes them. */
export function quantizeInputQ16(x: Int32Array, r: Requant, qmin: number, qmax: number): Int32Array {
  return x.map((v) => clamp(mulShiftFloor(v, r), qmin, qmax));
}

/** Q16.16 values of int32 outputs, channel c = (k / per) % channels, as `<name>_output_q16` computes them. */
export function outputQ16(out: Int32Array, r: readonly Requant[], per: number): Int32Array {
  return out.map((v, k) => clamp(mulShiftFloor(v, r[Math.floor(k / per) % r.length]), INT32_MIN, INT32_MAX));
}

/** A float value as Q16.16, rounded to nearest and saturated to int32. */
export function toQ16(x: number): number {
  return clamp(Math.round(x * 2 ** C_FRAC_BITS), INT32_MIN, INT32_MAX);
}

/**
 * (m, s) with floor(u / k) = floor(u·m / 2^s) for every 0 ≤ u < 2^31 and m < 2^32, so a 32×32 →
 * 64-bit multiply replaces the division (Granlund & Montgomery 1994, theorem 4.2, N = 31:
 * l = ⌈log2 k⌉, s = 31 + l, m = ⌈2^s / k⌉).
 */
export function divisionMagic(k: number): { m: number; shift: number } {
  if (!Number.isInteger(k) || k < 1 || k >= 2 ** 31) throw new Error(`C export: pooling window of ${k} elements cannot be divided by a multiply-high; windows must hold 1 to 2^31 − 1 elements`);
  const l = Math.ceil(Math.log2(k) - 1e-12);
  const s = 31 + l;
  const m = (2n ** BigInt(s) + BigInt(k) - 1n) / BigInt(k);
  return { m: Number(m), shift: s };
}
