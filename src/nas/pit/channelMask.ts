/**
 * Output-channel masks (docs/design.md#pit-masks): a source of one binary mask per channel shared by every
 * layer of a sharing group. `ChannelMasker` holds the trainable α ∈ R^C (θα = |α|, the last
 * channel kept alive with θ = 1); `ConcatMask` is the mask of a channel concatenation (its
 * inputs' masks end to end); `ConstantMask` is a frozen group (every channel alive, no parameter).
 */

import type { Tensor } from '../../tensor/tensor.js';
import { full, ones, scalar, zeros } from '../../tensor/create.js';
import { abs, add, mul } from '../../autograd/ops/elementwise.js';
import { concat, reshape } from '../../autograd/ops/movement.js';
import { sum } from '../../autograd/ops/reduce.js';
import { noGrad } from '../../autograd/graph.js';
import { Module } from '../../nn/module.js';
import { searched, type SearchParameter } from '../../graph/kinds.js';
import type { PitModuleKind } from './kinds.js';
import { heavisideSte } from './ste.js';
import { MASK_THRESHOLD } from '../../graph/threshold.js';

export interface ChannelMaskSource {
  /** Number of channels. */
  readonly size: number;
  /** The binarised mask [C] with a straight-through gradient, or null when every channel is fixed alive. */
  hard(): Tensor | null;
  /** Effective channel count: Σ H(θ) (discrete, STE) or Σ θ (continuous); a constant when frozen. */
  effective(discrete: boolean): Tensor;
  /** Which channels survive (no gradient). */
  alive(): boolean[];
}

/** Multiply `y` ([N, C·repeat, ...]) by a channel mask, each mask bit repeated `repeat` times along axis 1. */
export function applyChannelMask(y: Tensor, mask: Tensor, repeat = 1): Tensor {
  const c = mask.shape[0];
  let m = mask;
  if (repeat > 1) m = reshape(mul(reshape(m, [c, 1]), ones([1, repeat], { dtype: m.dtype })), [c * repeat]);
  const shape = y.shape.map((d, i) => (i === 1 ? d : 1));
  return mul(y, reshape(m, shape));
}

/** The α of a live masker (a frozen one keeps every channel and searches nothing); none for other sources. */
export function channelMaskParams(src: ChannelMaskSource | null): SearchParameter[] {
  return src instanceof ChannelMasker && !src.frozen ? searched(src.alpha) : [];
}

export class ChannelMasker extends Module implements ChannelMaskSource {
  static readonly moduleKind: PitModuleKind<ChannelMasker> = {
    name: 'ChannelMasker', method: 'pit', searchOnly: true,
    matches: (m) => m instanceof ChannelMasker,
    searchParameters: (m) => channelMaskParams(m),
  };

  readonly alpha: Tensor;
  /** A frozen masker keeps every channel (used when a manual layer's group must not be pruned). */
  frozen = false;
  private readonly keep: Tensor;
  private readonly free: Tensor;

  constructor(readonly size: number, init = 1) {
    super();
    if (!Number.isInteger(size) || size < 1) throw new Error(`ChannelMasker: size must be a positive integer, got ${size}`);
    this.alpha = this.registerParameter('alpha', full([size], init), 'mask');
    this.keep = zeros([size], { dtype: this.alpha.dtype });
    this.keep.data[size - 1] = 1;
    this.free = ones([size], { dtype: this.alpha.dtype });
    this.free.data[size - 1] = 0;
  }

  /** θα = |α| with the keep-alive (last) channel fixed at 1. */
  theta(): Tensor {
    return add(mul(abs(this.alpha), this.free), this.keep);
  }

  hard(): Tensor | null {
    return this.frozen ? null : heavisideSte(this.theta());
  }

  effective(discrete: boolean): Tensor {
    if (this.frozen) return scalar(this.size);
    return sum(discrete ? heavisideSte(this.theta()) : this.theta());
  }

  alive(): boolean[] {
    if (this.frozen) return new Array<boolean>(this.size).fill(true);
    return noGrad(() => Array.from(this.theta().values(), (v) => v > MASK_THRESHOLD));
  }

  /** Masks a [N, C, ...] tensor (for use as a layer in a hand-built model). */
  forward(x: Tensor): Tensor {
    const m = this.hard();
    return m === null ? x : applyChannelMask(x, m);
  }

  override describe(): string {
    return `ChannelMasker(${this.size}${this.frozen ? ', frozen' : ''})`;
  }
}

/** A group that is not searched: every channel alive, effective size constant. */
export class ConstantMask implements ChannelMaskSource {
  constructor(readonly size: number) {}
  hard(): null {
    return null;
  }
  effective(): Tensor {
    return scalar(this.size);
  }
  alive(): boolean[] {
    return new Array<boolean>(this.size).fill(true);
  }
}

/** The mask of a channel concatenation: its parts' masks end to end. */
export class ConcatMask implements ChannelMaskSource {
  readonly size: number;
  constructor(readonly parts: readonly ChannelMaskSource[]) {
    this.size = parts.reduce((s, p) => s + p.size, 0);
  }
  hard(): Tensor | null {
    const hs = this.parts.map((p) => p.hard());
    if (hs.every((h) => h === null)) return null;
    return concat(hs.map((h, i) => h ?? ones([this.parts[i].size])), 0);
  }
  effective(discrete: boolean): Tensor {
    return this.parts.map((p) => p.effective(discrete)).reduce((a, b) => add(a, b));
  }
  alive(): boolean[] {
    return this.parts.flatMap((p) => p.alive());
  }
}

/** A transform of a layer's (masked) weight and bias, e.g. a mixed-precision weight quantiser. */
export interface ParamTransform extends Module {
  mixed(weight: Tensor, bias: Tensor | null): { weight: Tensor; bias: Tensor | null };
}

/**
 * Base of the searchable layers that own an output-channel mask: the mask may be a masker module
 * (registered as child 'outMask', possibly shared with other layers), a constant, or none.
 */
export abstract class OutMaskedModule extends Module {
  private _outMask: ChannelMaskSource | null = null;
  private _inputTransform: Module | null = null;
  private _paramTransform: ParamTransform | null = null;

  /** The layer's weight and bias with its masks folded in. */
  abstract maskedParams(): [Tensor, Tensor | null];

  /**
   * Let another search act on this layer alongside its masks (the joint search attaches a
   * precision search here): `input` transforms the layer's input (an activation quantiser, shared
   * by the readers of one activation group), `params` the masked weight and bias (a mixed-precision
   * weight quantiser). Registered as children 'aq' / 'wq', so their parameters train and save
   * with the model; the dense export ignores them (it exports the float weights).
   */
  attach(input: Module | null, params: ParamTransform | null): void {
    if (this._inputTransform !== null || this._paramTransform !== null) throw new Error(`${this.describe()}: transforms are already attached`);
    if (input !== null) this._inputTransform = this.registerModule('aq', input);
    if (params !== null) this._paramTransform = this.registerModule('wq', params);
  }

  get inputTransform(): Module | null {
    return this._inputTransform;
  }

  get paramTransform(): ParamTransform | null {
    return this._paramTransform;
  }

  /** The input as the layer convolves it (after an attached input transform). */
  protected layerInput(x: Tensor): Tensor {
    return this._inputTransform === null ? x : this._inputTransform.call(x);
  }

  /** The weight and bias as the layer uses them: masked, then through an attached transform. */
  effectiveParams(): [Tensor, Tensor | null] {
    const [w, b] = this.maskedParams();
    if (this._paramTransform === null) return [w, b];
    const r = this._paramTransform.mixed(w, b);
    return [r.weight, r.bias];
  }

  get outMask(): ChannelMaskSource | null {
    return this._outMask;
  }

  /** Set (or share) the output-channel mask; a masker module is registered as child 'outMask'. */
  set outMask(m: ChannelMaskSource | null) {
    this._outMask = m;
    if (m instanceof Module) {
      if (this.children().some(([n]) => n === 'outMask')) this.replaceChild('outMask', m);
      else this.registerModule('outMask', m);
    }
  }
}
