/**
 * Time masks of a 1-D convolution (docs/design.md#pit-masks). Taps j = 0..K−1, j = K−1 the most recent.
 *  - β ∈ R^K, receptive field: θβ_j = Σ_{i≤j} |β_i| with β_{K−1} kept alive (fixed at 1), so
 *    the surviving taps are a contiguous run ending at the most recent one.
 *  - γ ∈ R^L, L = max(⌈log2 K⌉, 1), dilation: with j' = K−1−j the distance from the most recent
 *    tap, θγ_j = Σ_{i=0}^{min(v2(j'), L−1)} |γ_i| (v2(0) = ∞) with γ_{L−1} kept alive, so the
 *    surviving taps are those with v2(j') ≥ D: dilation 2^D anchored at the most recent tap.
 * The time mask is H(θβ)·H(θγ). Cumulative sums are products with constant 0/1 matrices.
 */

import type { Tensor } from '../../tensor/tensor.js';
import { ones, scalar, tensor, zeros } from '../../tensor/create.js';
import { abs, add, div, mul } from '../../autograd/ops/elementwise.js';
import { reshape } from '../../autograd/ops/movement.js';
import { matmul } from '../../autograd/ops/matmul.js';
import { sum } from '../../autograd/ops/reduce.js';
import { noGrad } from '../../autograd/graph.js';
import { Module } from '../../nn/module.js';
import { searched } from '../../graph/kinds.js';
import type { PitModuleKind } from './kinds.js';
import { heavisideSte } from './ste.js';
import { MASK_THRESHOLD } from '../../graph/threshold.js';

/** Number of times 2 divides n (∞ for 0). */
export function v2(n: number): number {
  if (n === 0) return Infinity;
  let v = 0;
  while (n % 2 === 0) {
    n /= 2;
    v++;
  }
  return v;
}

/** Number of dilation gates of a kernel of size k: max(⌈log2 k⌉, 1). */
export function dilationGates(k: number): number {
  return Math.max(Math.ceil(Math.log2(k)), 1);
}

export interface TimeMaskOptions {
  receptiveField?: boolean;
  dilation?: boolean;
}

export class TimeMasker extends Module {
  static readonly moduleKind: PitModuleKind<TimeMasker> = {
    name: 'TimeMasker', method: 'pit', searchOnly: true,
    matches: (m) => m instanceof TimeMasker,
    searchParameters: (m) => searched(m.beta, m.gamma),
  };

  readonly beta: Tensor | null;
  readonly gamma: Tensor | null;
  /** Number of dilation gates L. */
  readonly gates: number;
  private readonly sumBeta: Tensor;
  private readonly sumGamma: Tensor;
  private readonly countBeta: Tensor;
  private readonly countGamma: Tensor;
  private readonly lastK: Tensor;
  private readonly lastL: Tensor;
  private readonly freeK: Tensor;
  private readonly freeL: Tensor;

  constructor(readonly kernelSize: number, opts: TimeMaskOptions = {}) {
    super();
    const k = kernelSize;
    if (!Number.isInteger(k) || k < 2) throw new Error(`TimeMasker: kernel size must be an integer ≥ 2, got ${k}`);
    const L = dilationGates(k);
    this.gates = L;
    const rf = opts.receptiveField ?? true;
    const dil = (opts.dilation ?? true) && L > 1;
    this.beta = rf ? this.registerParameter('beta', ones([k]), 'mask') : null;
    this.gamma = dil ? this.registerParameter('gamma', ones([L]), 'mask') : null;
    const tb: number[][] = [];
    const tg: number[][] = [];
    for (let j = 0; j < k; j++) {
      tb.push(Array.from({ length: k }, (_, i) => (i <= j ? 1 : 0)));
      const top = Math.min(v2(k - 1 - j), L - 1);
      tg.push(Array.from({ length: L }, (_, i) => (i <= top ? 1 : 0)));
    }
    this.sumBeta = tensor(tb);
    this.sumGamma = tensor(tg);
    this.countBeta = tensor(tb.map((r) => r.reduce((a, b) => a + b)));
    this.countGamma = tensor(tg.map((r) => r.reduce((a, b) => a + b)));
    this.lastK = zeros([k]);
    this.lastK.data[k - 1] = 1;
    this.lastL = zeros([L]);
    this.lastL.data[L - 1] = 1;
    this.freeK = tensor(Array.from(this.lastK.values(), (v) => 1 - v));
    this.freeL = tensor(Array.from(this.lastL.values(), (v) => 1 - v));
  }

  /** Whether any time parameter is searched. */
  get active(): boolean {
    return this.beta !== null || this.gamma !== null;
  }

  /** |v| with its keep-alive (last) entry fixed at 1. */
  private keepLast(v: Tensor, last: Tensor, free: Tensor): Tensor {
    return add(mul(abs(v), free), last);
  }

  /** θβ [K] (cumulative), or null when the receptive field is not searched. */
  thetaBeta(): Tensor | null {
    if (this.beta === null) return null;
    const k = this.kernelSize;
    return reshape(matmul(this.sumBeta, reshape(this.keepLast(this.beta, this.lastK, this.freeK), [k, 1])), [k]);
  }

  /** θγ [K] (per tap), or null when the dilation is not searched. */
  thetaGamma(): Tensor | null {
    if (this.gamma === null) return null;
    return reshape(matmul(this.sumGamma, reshape(this.keepLast(this.gamma, this.lastL, this.freeL), [this.gates, 1])), [this.kernelSize]);
  }

  /** H(θβ)·H(θγ) [K] with straight-through gradients, or null when nothing is searched. */
  hard(): Tensor | null {
    const b = this.thetaBeta();
    const g = this.thetaGamma();
    if (b === null && g === null) return null;
    if (b === null) return heavisideSte(g as Tensor);
    if (g === null) return heavisideSte(b);
    return mul(heavisideSte(b), heavisideSte(g));
  }

  /**
   * k_eff: Σ_j H(θβ_j)H(θγ_j) (discrete) or Σ_j (θβ_j / nβ_j)(θγ_j / nγ_j) (continuous, each θ
   * normalised by its number of terms so that it is 1 at initialisation).
   */
  effective(discrete: boolean): Tensor {
    if (!this.active) return scalar(this.kernelSize);
    if (discrete) return sum(this.hard() as Tensor);
    const b = this.thetaBeta();
    const g = this.thetaGamma();
    const nb = b === null ? null : div(b, this.countBeta);
    const ng = g === null ? null : div(g, this.countGamma);
    return sum(nb === null ? (ng as Tensor) : ng === null ? nb : mul(nb, ng));
  }

  /** Indices of the surviving taps, ascending (no gradient). */
  keptTaps(): number[] {
    const m = noGrad(() => this.hard());
    if (m === null) return Array.from({ length: this.kernelSize }, (_, j) => j);
    const v = m.values();
    const out: number[] = [];
    for (let j = 0; j < this.kernelSize; j++) if (v[j] > MASK_THRESHOLD) out.push(j);
    return out;
  }

  /** Masks a weight [Cout, Cin/g, K] along its last axis (for hand-built use). */
  forward(w: Tensor): Tensor {
    const m = this.hard();
    return m === null ? w : mul(w, reshape(m, [1, 1, this.kernelSize]));
  }

  override describe(): string {
    return `TimeMasker(k=${this.kernelSize}${this.beta ? ', rf' : ''}${this.gamma ? `, dilation L=${this.gates}` : ''})`;
  }
}
