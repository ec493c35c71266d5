/** Convolution layers: Conv1d on [N, C, L] and Conv2d on [N, C, H, W], with PyTorch's default init. */

import { fmtShape } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { Rng } from '../../tensor/rng.js';
import { conv1d, conv2d, type Padding1d, type Padding2d } from '../../autograd/ops/conv.js';
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
    const fanIn = (inChannels / this.groups) * kernelSize;
    this.weight = this.registerParameter('weight', defaultLayerInit([outChannels, inChannels / this.groups, kernelSize], fanIn, opts.rng));
    this.bias = opts.bias === false ? null : this.registerParameter('bias', defaultLayerInit([outChannels], fanIn, opts.rng));
  }

  forward(x: Tensor): Tensor {
    if (x.ndim !== 3 || x.shape[1] !== this.inChannels) {
      throw new Error(`${this.describe()}: input must be [N, ${this.inChannels}, L], got ${fmtShape(x.shape)}`);
    }
    return conv1d(x, this.weight, this.bias, { stride: this.stride, dilation: this.dilation, padding: this.padding, groups: this.groups });
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
    const fanIn = (inChannels / this.groups) * this.kh * this.kw;
    this.weight = this.registerParameter('weight', defaultLayerInit([outChannels, inChannels / this.groups, this.kh, this.kw], fanIn, opts.rng));
    this.bias = opts.bias === false ? null : this.registerParameter('bias', defaultLayerInit([outChannels], fanIn, opts.rng));
  }

  forward(x: Tensor): Tensor {
    if (x.ndim !== 4 || x.shape[1] !== this.inChannels) {
      throw new Error(`${this.describe()}: input must be [N, ${this.inChannels}, H, W], got ${fmtShape(x.shape)}`);
    }
    return conv2d(x, this.weight, this.bias, { stride: this.stride, dilation: this.dilation, padding: this.padding, groups: this.groups });
  }

  override describe(): string {
    const g = this.groups === this.inChannels && this.groups === this.outChannels ? ', depthwise' : this.groups !== 1 ? `, g=${this.groups}` : '';
    return `Conv2d(${this.inChannels}→${this.outChannels}, k=${this.kh}×${this.kw}, s=${JSON.stringify(this.stride)}${g})`;
  }
}
