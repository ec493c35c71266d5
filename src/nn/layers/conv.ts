/** Convolution layers: Conv1d on [N, C, L] and Conv2d on [N, C, H, W], with PyTorch's default init. */

import { fmtShape } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { Rng } from '../../tensor/rng.js';
import { conv1d, conv2d, type ConvActivation, type Padding1d, type Padding2d } from '../../autograd/ops/conv.js';
import { Module } from '../module.js';
import { defaultLayerInit } from '../init.js';

function checkChannels(op: string, cin: number, cout: number, groups: number): void {
  for (const [k, v] of [['inChannels', cin], ['outChannels', cout], ['groups', groups]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`${op}: ${k} must be a positive integer, got ${v}`);
  }
  if (cin % groups !== 0 || cout % groups !== 0) {
    throw new Error(`${op}: groups=${groups} must divide inChannels=${cin} and outChannels=${cout}`);
  }
}

/** Constructor-time checks of stride / dilation / padding, so a bad layer fails when built, not at its first forward. */
function checkGeometry(op: string, stride: number | readonly number[], dilation: number | readonly number[], padding: Padding1d | Padding2d): void {
  for (const [k, v] of [['stride', stride], ['dilation', dilation]] as const) {
    const vs = typeof v === 'number' ? [v] : v;
    if (vs.length === 0 || !vs.every((n) => Number.isInteger(n) && n >= 1)) throw new Error(`${op}: ${k} must be positive integers, got ${JSON.stringify(v)}`);
  }
  if (typeof padding === 'string') {
    if (padding === 'same' && (typeof stride === 'number' ? [stride] : stride).some((s) => s !== 1)) {
      throw new Error(`${op}: padding 'same' needs stride 1, got stride ${JSON.stringify(stride)}`);
    }
    return;
  }
  const ps = typeof padding === 'number' ? [padding] : padding;
  if (!ps.every((n) => Number.isInteger(n) && n >= 0)) throw new Error(`${op}: padding must be non-negative integers, got ${JSON.stringify(padding)}`);
}

/** Run a conv op, naming the layer in any error it raises (e.g. an input shorter than the kernel). */
function named<T>(layer: { describe(): string }, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw new Error(`${layer.describe()}: ${(e as Error).message}`);
  }
}

export interface Conv1dLayerOptions {
  stride?: number;
  dilation?: number;
  padding?: Padding1d;
  groups?: number;
  bias?: boolean;
  rng?: Rng;
}

export class Conv1d extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  readonly stride: number;
  readonly dilation: number;
  readonly padding: Padding1d;
  readonly groups: number;

  constructor(readonly inChannels: number, readonly outChannels: number, readonly kernelSize: number, opts: Conv1dLayerOptions = {}) {
    super();
    this.stride = opts.stride ?? 1;
    this.dilation = opts.dilation ?? 1;
    this.padding = opts.padding ?? 0;
    this.groups = opts.groups ?? 1;
    checkChannels('Conv1d', inChannels, outChannels, this.groups);
    if (!Number.isInteger(kernelSize) || kernelSize < 1) throw new Error(`Conv1d: kernelSize must be a positive integer, got ${kernelSize}`);
    checkGeometry('Conv1d', this.stride, this.dilation, this.padding);
    const fanIn = (inChannels / this.groups) * kernelSize;
    this.weight = this.registerParameter('weight', defaultLayerInit([outChannels, inChannels / this.groups, kernelSize], fanIn, opts.rng));
    this.bias = opts.bias === false ? null : this.registerParameter('bias', defaultLayerInit([outChannels], fanIn, opts.rng));
  }

  forward(x: Tensor): Tensor {
    return this.convolve(x, 'none');
  }

  /**
   * The conv with a fused activation ('relu': what a Sequential runs for this layer followed by a
   * ReLU; src/nn/fusion.ts), optionally with other weights (a following eval-mode BatchNorm folded in).
   */
  convolve(x: Tensor, activation: ConvActivation, weight: Tensor = this.weight, bias: Tensor | null = this.bias): Tensor {
    if (x.ndim !== 3 || x.shape[1] !== this.inChannels) {
      throw new Error(`${this.describe()}: input must be [N, ${this.inChannels}, L], got ${fmtShape(x.shape)}`);
    }
    return named(this, () => conv1d(x, weight, bias, { stride: this.stride, dilation: this.dilation, padding: this.padding, groups: this.groups, activation }));
  }

  override describe(): string {
    const extra = [
      this.stride !== 1 ? `s=${this.stride}` : '',
      this.dilation !== 1 ? `d=${this.dilation}` : '',
      this.groups !== 1 ? `g=${this.groups}` : '',
      this.padding !== 0 ? `pad=${JSON.stringify(this.padding)}` : '',
    ].filter((s) => s !== '');
    return `Conv1d(${this.inChannels}→${this.outChannels}, k=${this.kernelSize}${extra.length ? ', ' + extra.join(', ') : ''})`;
  }
}

export interface Conv2dLayerOptions {
  stride?: number | [number, number];
  dilation?: number | [number, number];
  padding?: Padding2d;
  groups?: number;
  bias?: boolean;
  rng?: Rng;
}

export class Conv2d extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  readonly kh: number;
  readonly kw: number;
  readonly stride: number | [number, number];
  readonly dilation: number | [number, number];
  readonly padding: Padding2d;
  readonly groups: number;

  constructor(readonly inChannels: number, readonly outChannels: number, kernelSize: number | [number, number], opts: Conv2dLayerOptions = {}) {
    super();
    [this.kh, this.kw] = typeof kernelSize === 'number' ? [kernelSize, kernelSize] : kernelSize;
    this.stride = opts.stride ?? 1;
    this.dilation = opts.dilation ?? 1;
    this.padding = opts.padding ?? 0;
    this.groups = opts.groups ?? 1;
    checkChannels('Conv2d', inChannels, outChannels, this.groups);
    if (![this.kh, this.kw].every((k) => Number.isInteger(k) && k >= 1)) throw new Error(`Conv2d: kernelSize must be positive integers, got ${JSON.stringify(kernelSize)}`);
    checkGeometry('Conv2d', this.stride, this.dilation, this.padding);
    const fanIn = (inChannels / this.groups) * this.kh * this.kw;
    this.weight = this.registerParameter('weight', defaultLayerInit([outChannels, inChannels / this.groups, this.kh, this.kw], fanIn, opts.rng));
    this.bias = opts.bias === false ? null : this.registerParameter('bias', defaultLayerInit([outChannels], fanIn, opts.rng));
  }

  forward(x: Tensor): Tensor {
    return this.convolve(x, 'none');
  }

  /**
   * The conv with a fused activation ('relu': what a Sequential runs for this layer followed by a
   * ReLU; src/nn/fusion.ts), optionally with other weights (a following eval-mode BatchNorm folded in).
   */
  convolve(x: Tensor, activation: ConvActivation, weight: Tensor = this.weight, bias: Tensor | null = this.bias): Tensor {
    if (x.ndim !== 4 || x.shape[1] !== this.inChannels) {
      throw new Error(`${this.describe()}: input must be [N, ${this.inChannels}, H, W], got ${fmtShape(x.shape)}`);
    }
    return named(this, () => conv2d(x, weight, bias, { stride: this.stride, dilation: this.dilation, padding: this.padding, groups: this.groups, activation }));
  }

  override describe(): string {
    const g = this.groups === this.inChannels && this.groups === this.outChannels ? ', depthwise' : this.groups !== 1 ? `, g=${this.groups}` : '';
    return `Conv2d(${this.inChannels}→${this.outChannels}, k=${this.kh}×${this.kw}, s=${JSON.stringify(this.stride)}${g})`;
  }
}
