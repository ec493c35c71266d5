/**
 * The precision choice of one quantiser: logits α over a candidate set P (shape [|P|] for a
 * per-layer choice, [|P|, C] for a per-channel one), turned into mixing coefficients θ:
 *   softmax  θ = softmax(α / T)
 *   gumbel   θ = softmax((α + g) / T), g ~ Gumbel(0, 1) from the seeded generator
 *   hard     θ = one-hot(argmax) forward, softmax(α / T) gradient (straight-through)
 * In eval mode θ is always the argmax one-hot. Costs use the noise-free softmax (the exact
 * expectation over the categorical choice) or its straight-through argmax (discrete costs).
 */

import type { Tensor } from '../../tensor/tensor.js';
import { tensor } from '../../tensor/create.js';
import type { Rng } from '../../tensor/rng.js';
import { add, div, mul, sub } from '../../autograd/ops/elementwise.js';
import { softmax } from '../../autograd/ops/softmax.js';
import { sum } from '../../autograd/ops/reduce.js';
import { allocate } from '../../tensor/dtype.js';
import { Module } from '../../nn/module.js';
import { noGrad } from '../../autograd/graph.js';
import { searched, type SearchableModuleKind } from '../../graph/kinds.js';
import { initialLogits } from './precisions.js';

export type SamplingMode = 'softmax' | 'gumbel' | 'hard';
export const SAMPLING_MODES: readonly SamplingMode[] = ['softmax', 'gumbel', 'hard'];

/** Search state shared by every selector of a model (temperature, sampling, noise source). */
export interface SelectionState {
  temperature: number;
  mode: SamplingMode;
  rng: Rng;
}

/** T ← T·e^(−rate), once per search epoch (docs/design.md#mixed-precision-search: rate 0.045); returns the new T. */
export function annealTemperature(state: SelectionState, rate = 0.045): number {
  state.temperature *= Math.exp(-rate);
  return state.temperature;
}

/** θ = softmax(α / T) over the candidate axis 0. */
export function softTheta(logits: Tensor, temperature: number): Tensor {
  return softmax(div(logits, temperature), 0);
}

export class PrecisionSelector extends Module {
  /** Its logits are searched unless the choice is fixed (one candidate, or fixed from a plan). */
  static readonly moduleKind: SearchableModuleKind<PrecisionSelector> = {
    name: 'PrecisionSelector', method: 'mps', searchOnly: true,
    matches: (m) => m instanceof PrecisionSelector,
    searchParameters: (s) => (s.fixed ? [] : searched(s.logits)),
  };

  readonly logits: Tensor;
  /** Channels of a per-channel choice; 0 for a per-layer choice. */
  readonly channels: number;
  /** A fixed choice (fixed-precision training from a plan): θ is its one-hot and nothing is searched. */
  private fixedChoice: number[] | null = null;
  /** −∞ (as −1e9) on forbidden (candidate, channel) pairs, e.g. 0 bits on the keep-alive channel. */
  private forbidden: Tensor | null = null;

  constructor(readonly precisions: readonly number[], channels: number, readonly state: SelectionState) {
    super();
    this.channels = channels;
    const init = initialLogits(precisions);
    const n = precisions.length;
    const c = Math.max(channels, 1);
    const data = new Float32Array(n * c);
    for (let i = 0; i < n; i++) for (let j = 0; j < c; j++) data[i * c + j] = init[i];
    this.logits = this.registerParameter('logits', tensor(data, channels > 0 ? [n, channels] : [n]), 'precision');
  }

  /** The mixing coefficients (a module's forward takes no activation here). */
  forward(): Tensor {
    return this.theta();
  }

  get fixed(): boolean {
    return this.fixedChoice !== null || this.precisions.length === 1;
  }

  /** Fix the choice to candidate indices (one per channel, or one for the layer). */
  fix(indices: readonly number[]): void {
    const n = this.precisions.length;
    const c = Math.max(this.channels, 1);
    if (indices.length !== c || indices.some((i) => !(i >= 0 && i < n))) throw new Error(`PrecisionSelector.fix: need ${c} indices in [0, ${n}), got [${indices.join(', ')}]`);
    const d = this.logits.data;
    for (let i = 0; i < n; i++) for (let j = 0; j < c; j++) d[this.logits.offset + i * c + j] = indices[j] === i ? 1 : 0;
    this.fixedChoice = [...indices];
  }

  /**
   * Forbid candidate `i` on `channel` (PIT's keep-alive idea: one channel of a layer never takes
   * 0 bits, so a search can never remove a whole layer).
   */
  forbid(i: number, channel: number): void {
    const c = Math.max(this.channels, 1);
    const m = this.forbidden === null ? new Float32Array(this.logits.size) : (this.forbidden.data as Float32Array);
    m[i * c + channel] = -1e9;
    this.forbidden = tensor(m, [...this.logits.shape]);
  }

  /** The logits with forbidden choices at −∞. */
  private allowed(): Tensor {
    return this.forbidden === null ? this.logits : add(this.logits, this.forbidden);
  }

  /** softmax(α / T) over the candidates (axis 0). */
  soft(): Tensor {
    return softTheta(this.allowed(), this.state.temperature);
  }

  /** Index of the chosen candidate per channel (one entry for a per-layer choice). */
  argmax(): number[] {
    if (this.fixedChoice !== null) return [...this.fixedChoice];
    const v = this.forbidden === null ? this.logits.values() : noGrad(() => this.allowed()).values();
    const n = this.precisions.length;
    const c = Math.max(this.channels, 1);
    const out: number[] = [];
    for (let j = 0; j < c; j++) {
      let best = 0;
      for (let i = 1; i < n; i++) if (v[i * c + j] > v[best * c + j]) best = i;
      out.push(best);
    }
    return out;
  }

  /** The chosen bit-width per channel (one entry for a per-layer choice). */
  chosenBits(): number[] {
    return this.argmax().map((i) => this.precisions[i]);
  }

  /** A constant one-hot of the argmax, shaped like the logits and typed like `like`. */
  private oneHot(like: Tensor): Tensor {
    const n = this.precisions.length;
    const c = Math.max(this.channels, 1);
    const data = allocate(like.dtype, n * c);
    this.argmax().forEach((i, j) => (data[i * c + j] = 1));
    return tensor(data, [...this.logits.shape]);
  }

  /** Straight-through argmax of `soft`: the one-hot forward, `soft`'s gradient backward. */
  private straightThrough(soft: Tensor): Tensor {
    return add(soft, sub(this.oneHot(soft), tensor(soft.toTypedArray(), [...soft.shape])));
  }

  /** The mixing coefficients for a forward pass in the current mode. */
  theta(): Tensor {
    if (!this.training || this.fixedChoice !== null) return this.oneHot(this.logits);
    if (this.state.mode === 'gumbel') {
      const n = this.logits.size;
      const g = allocate(this.logits.dtype, n);
      for (let i = 0; i < n; i++) {
        const u = Math.min(Math.max(this.state.rng.next(), 1e-12), 1 - 1e-12);
        g[i] = -Math.log(-Math.log(u));
      }
      return softmax(div(add(this.allowed(), tensor(g, [...this.logits.shape])), this.state.temperature), 0);
    }
    const s = this.soft();
    return this.state.mode === 'hard' ? this.straightThrough(s) : s;
  }

  /** θ for costs: the exact expectation (softmax), or the straight-through argmax when discrete. */
  costTheta(discrete: boolean): Tensor {
    if (this.fixedChoice !== null) return this.oneHot(this.logits);
    const s = this.soft();
    return discrete ? this.straightThrough(s) : s;
  }

  /** Σ_i θ_i·p_i per channel ([C]), or a scalar for a per-layer choice. */
  expectedBits(theta: Tensor): Tensor {
    const p = tensor(Float64Array.from(this.precisions), this.channels > 0 ? [this.precisions.length, 1] : [this.precisions.length], { dtype: theta.dtype });
    return sum(mul(theta, p), 0);
  }

  /** Probability that each channel is kept (1 − θ of 0 bits), or null when 0 is not a candidate. */
  aliveProbability(theta: Tensor): Tensor | null {
    const zero = this.precisions.indexOf(0);
    if (zero < 0) return null;
    const n = this.precisions.length;
    const mask = allocate(theta.dtype, n);
    for (let i = 0; i < n; i++) mask[i] = i === zero ? 0 : 1;
    return sum(mul(theta, tensor(mask, this.channels > 0 ? [n, 1] : [n])), 0);
  }
}
