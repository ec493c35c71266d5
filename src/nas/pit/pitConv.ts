/**
 * Searchable convolutions. A PitConv1d / PitConv2d takes over a Conv1d / Conv2d's weight and bias
 * (the same tensors, under the same names) and multiplies them by its masks before convolving:
 * the time mask on the taps (Conv1d, stride 1), the channel mask on the output channels (folded
 * into weight and bias, so that a pruned channel's output is exactly 0). A depthwise conv gets
 * its input's channel mask as `outMask` (its channels are its input's).
 */

import type { Tensor } from '../../tensor/tensor.js';
import { fmtShape } from '../../tensor/shape.js';
import { mul } from '../../autograd/ops/elementwise.js';
import { reshape } from '../../autograd/ops/movement.js';
import { conv1d, conv2d, type Padding1d, type Padding2d } from '../../autograd/ops/conv.js';
import { Conv1d, Conv2d } from '../../nn/layers/conv.js';
import { conv1dGeometry, conv2dGeometry } from '../../graph/kinds.js';
import { OutMaskedModule, channelMaskParams, type ChannelMaskSource } from './channelMask.js';
import { TimeMasker } from './timeMask.js';
import { resolveOutMask, type PitConv1dOptions, type PitLayerOptions } from './options.js';
import { exportConv1d, exportConv2d, layerPlanOf } from './export.js';
import type { PitModuleKind } from './kinds.js';

/** Weight and bias with the channel mask folded in (w: [Cout, ...], b: [Cout]). */
export function foldChannelMask(w: Tensor, b: Tensor | null, mask: ChannelMaskSource | null): [Tensor, Tensor | null] {
  const m = mask?.hard() ?? null;
  if (m === null) return [w, b];
  const shape = w.shape.map((d, i) => (i === 0 ? d : 1));
  return [mul(w, reshape(m, shape)), b === null ? null : mul(b, m)];
}

abstract class PitConvBase extends OutMaskedModule {
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  constructor(conv: Conv1d | Conv2d, outMask: ChannelMaskSource | 'own' | null | undefined) {
    super();
    this.weight = this.registerParameter('weight', conv.weight);
    this.bias = conv.bias === null ? null : this.registerParameter('bias', conv.bias);
    // A depthwise conv carries its input's channels: it gets its group's mask from pit() (or by hand).
    const dw = conv.groups > 1 && conv.groups === conv.inChannels && conv.groups === conv.outChannels;
    this.outMask = resolveOutMask(outMask === undefined && dw ? null : outMask, conv.outChannels);
  }

  /** Its output is a fresh conv result and it keeps no input: Sequential may recycle the activations around it. */
  get keepsNothing(): boolean {
    return true;
  }

  get depthwise(): boolean {
    const self = this as unknown as { groups: number; inChannels: number; outChannels: number };
    return self.groups > 1 && self.groups === self.inChannels && self.groups === self.outChannels;
  }
}

export class PitConv1d extends PitConvBase {
  static readonly moduleKind: PitModuleKind<PitConv1d> = {
    name: 'PitConv1d', method: 'pit',
    matches: (m) => m instanceof PitConv1d,
    geometry: (m) => conv1dGeometry(m),
    // Time masks only where PitConv1d's own rule puts them (stride 1, more than one tap).
    fromPlain: (plain, o) => (plain instanceof Conv1d ? new PitConv1d(plain, { outMask: o.outMask, receptiveField: o.receptiveField, dilation: o.dilation }) : null),
    searchParameters: (l) => [...channelMaskParams(l.outMask), ...(l.timeMask === null ? [] : TimeMasker.moduleKind.searchParameters(l.timeMask))],
    toDense: (l, p) => exportConv1d(l, layerPlanOf(p, l)),
  };

  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: number;
  readonly stride: number;
  readonly dilation: number;
  readonly padding: Padding1d;
  readonly groups: number;
  private _timeMask: TimeMasker | null = null;

  constructor(conv: Conv1d, opts: PitConv1dOptions = {}) {
    super(conv, opts.outMask);
    this.inChannels = conv.inChannels;
    this.outChannels = conv.outChannels;
    this.kernelSize = conv.kernelSize;
    this.stride = conv.stride;
    this.dilation = conv.dilation;
    this.padding = conv.padding;
    this.groups = conv.groups;
    if (opts.timeMask !== undefined) this.timeMask = opts.timeMask;
    else if (this.stride === 1 && this.kernelSize > 1 && ((opts.receptiveField ?? true) || (opts.dilation ?? true))) {
      this.timeMask = new TimeMasker(this.kernelSize, { receptiveField: opts.receptiveField ?? true, dilation: opts.dilation ?? true });
    }
  }

  get timeMask(): TimeMasker | null {
    return this._timeMask;
  }

  set timeMask(t: TimeMasker | null) {
    if (t !== null && t.kernelSize !== this.kernelSize) throw new Error(`PitConv1d: time mask for k=${t.kernelSize} on a k=${this.kernelSize} conv`);
    if (t !== null && this.stride !== 1) throw new Error(`PitConv1d: time masks need stride 1 (${this.describe()})`);
    this._timeMask = t;
    if (t !== null) {
      if (this.children().some(([n]) => n === 'timeMask')) this.replaceChild('timeMask', t);
      else this.registerModule('timeMask', t);
    }
  }

  /** The weight and bias as the masked layer uses them. */
  maskedParams(): [Tensor, Tensor | null] {
    let w = this.weight;
    const tm = this._timeMask?.hard() ?? null;
    if (tm !== null) w = mul(w, reshape(tm, [1, 1, this.kernelSize]));
    return foldChannelMask(w, this.bias, this.outMask);
  }

  forward(x: Tensor): Tensor {
    if (x.ndim !== 3 || x.shape[1] !== this.inChannels) throw new Error(`${this.describe()}: input must be [N, ${this.inChannels}, L], got ${fmtShape(x.shape)}`);
    const [w, b] = this.effectiveParams();
    return conv1d(this.layerInput(x), w, b, { stride: this.stride, dilation: this.dilation, padding: this.padding, groups: this.groups });
  }

  override describe(): string {
    return `PitConv1d(${this.inChannels}→${this.outChannels}, k=${this.kernelSize}${this.stride !== 1 ? `, s=${this.stride}` : ''}${this.groups !== 1 ? `, g=${this.groups}` : ''}${this._timeMask ? ', time-masked' : ''})`;
  }
}

export class PitConv2d extends PitConvBase {
  static readonly moduleKind: PitModuleKind<PitConv2d> = {
    name: 'PitConv2d', method: 'pit',
    matches: (m) => m instanceof PitConv2d,
    geometry: (m) => conv2dGeometry(m),
    fromPlain: (plain, o) => (plain instanceof Conv2d ? new PitConv2d(plain, { outMask: o.outMask }) : null),
    searchParameters: (l) => channelMaskParams(l.outMask),
    toDense: (l, p) => exportConv2d(l, layerPlanOf(p, l)),
  };

  readonly inChannels: number;
  readonly outChannels: number;
  readonly kh: number;
  readonly kw: number;
  readonly stride: number | [number, number];
  readonly dilation: number | [number, number];
  readonly padding: Padding2d;
  readonly groups: number;

  constructor(conv: Conv2d, opts: PitLayerOptions = {}) {
    super(conv, opts.outMask);
    this.inChannels = conv.inChannels;
    this.outChannels = conv.outChannels;
    this.kh = conv.kh;
    this.kw = conv.kw;
    this.stride = conv.stride;
    this.dilation = conv.dilation;
    this.padding = conv.padding;
    this.groups = conv.groups;
  }

  maskedParams(): [Tensor, Tensor | null] {
    return foldChannelMask(this.weight, this.bias, this.outMask);
  }

  forward(x: Tensor): Tensor {
    if (x.ndim !== 4 || x.shape[1] !== this.inChannels) throw new Error(`${this.describe()}: input must be [N, ${this.inChannels}, H, W], got ${fmtShape(x.shape)}`);
    const [w, b] = this.effectiveParams();
    return conv2d(this.layerInput(x), w, b, { stride: this.stride, dilation: this.dilation, padding: this.padding, groups: this.groups });
  }

  override describe(): string {
    return `PitConv2d(${this.inChannels}→${this.outChannels}, k=${this.kh}×${this.kw}${this.groups !== 1 ? `, g=${this.groups}` : ''})`;
  }
}
