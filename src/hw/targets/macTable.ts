/**
 * MAC-per-cycle tables indexed by activation and weight bit-width (e.g. MPIC's SIMD unit), and
 * their cycles-per-MAC as a function of possibly fractional expected bit-widths: bilinear
 * interpolation of 1 / (MAC/cycle) between the table's bit-widths, exact at the table's entries,
 * constant beyond its edges. Weight bits 0 (a pruned channel) cost 0 cycles.
 */

import type { Tensor } from '../../tensor/tensor.js';
import { add, mul, sub } from '../../autograd/ops/elementwise.js';

/** MAC/cycle by [activation bits][weight bits], e.g. { "8": { "8": 2.1, "4": 2.3 } }. */
export type MacTable = Readonly<Record<string, Readonly<Record<string, number>>>>;

export type Val = Tensor | number;

const vadd = (a: Val, b: Val): Val => (typeof a === 'number' && typeof b === 'number' ? a + b : add(a, b));
const vsub = (a: Val, b: Val): Val => (typeof a === 'number' && typeof b === 'number' ? a - b : sub(a, b));
const vmul = (a: Val, b: Val): Val => (typeof a === 'number' && typeof b === 'number' ? a * b : mul(a, b));
const valueOf = (v: Val): number => (typeof v === 'number' ? v : v.item());

/** Cycles per MAC on a grid of bit-widths (weight axis with a 0-bit column at 0 cycles). */
export interface CycleGrid {
  aBits: number[];
  wBits: number[];
  /** cpm[i][j]: cycles per MAC at aBits[i], wBits[j]. */
  cpm: number[][];
}

/** The grid of a table; the table must give every weight width for every activation width. */
export function cycleGrid(table: MacTable): CycleGrid {
  const aBits = Object.keys(table).map(Number).sort((x, y) => x - y);
  const wBits = [...new Set(aBits.flatMap((a) => Object.keys(table[String(a)]).map(Number)))].sort((x, y) => x - y);
  const cpm = aBits.map((a) => wBits.map((w) => {
    const v = table[String(a)][String(w)];
    if (v === undefined) throw new Error(`MAC/cycle table: no entry for activation ${a} bits × weight ${w} bits; give every weight width for every activation width`);
    return 1 / v;
  }));
  if (wBits[0] !== 0) {
    wBits.unshift(0);
    cpm.forEach((row) => row.unshift(0));
  }
  return { aBits, wBits, cpm };
}

/** Segment [i, i+1] of a sorted axis holding v, and v's position t ∈ [0, 1] in it (constant outside the axis). */
function locate(axis: readonly number[], v: Val): { i: number; t: Val } {
  if (axis.length === 1) return { i: 0, t: 0 };
  const x = valueOf(v);
  if (x <= axis[0]) return { i: 0, t: 0 };
  if (x >= axis[axis.length - 1]) return { i: axis.length - 2, t: 1 };
  let i = 0;
  while (x > axis[i + 1]) i++;
  const span = axis[i + 1] - axis[i];
  return { i, t: typeof v === 'number' ? (v - axis[i]) / span : mul(sub(v, axis[i]), 1 / span) };
}

/** Cycles per MAC at activation bits `a` and weight bits `w` (tensors when searched). */
export function cyclesPerMac(g: CycleGrid, a: Val, w: Val): Val {
  const A = locate(g.aBits, a);
  const W = locate(g.wBits, w);
  const at = (i: number, j: number) => g.cpm[Math.min(i, g.aBits.length - 1)][Math.min(j, g.wBits.length - 1)];
  const lerp = (x0: Val, x1: Val, t: Val): Val => vadd(x0, vmul(vsub(x1, x0), t));
  const lo = lerp(at(A.i, W.i), at(A.i, W.i + 1), W.t);
  const hi = lerp(at(A.i + 1, W.i), at(A.i + 1, W.i + 1), W.t);
  return lerp(lo, hi, A.t);
}
