/** Searchable fully connected layer: a Linear's weight and bias with the output-channel mask folded in. */

import type { Tensor } from '../../tensor/tensor.js';
import { fmtShape } from '../../tensor/shape.js';
import { add } from '../../autograd/ops/elementwise.js';
import { matmul } from '../../autograd/ops/matmul.js';
import { transpose } from '../../autograd/ops/movement.js';
import { Linear } from '../../nn/layers/linear.js';
import { linearGeometry } from '../../graph/kinds.js';
import { OutMaskedModule, channelMaskParams } from './channelMask.js';
import { resolveOutMask, type PitLayerOptions } from './options.js';
import { foldChannelMask } from './pitConv.js';
import { exportLinear, layerPlanOf } from './export.js';
import type { PitModuleKind } from './kinds.js';

export class PitLinear extends OutMaskedModule {
  static readonly moduleKind: PitModuleKind<PitLinear> = {
    name: 'PitLinear', method: 'pit',
    matches: (m) => m instanceof PitLinear,
    geometry: (m) => linearGeometry(m),
    fromPlain: (plain, o) => (plain instanceof Linear ? new PitLinear(plain, { outMask: o.outMask }) : null),
    searchParameters: (l) => channelMaskParams(l.outMask),
    toDense: (l, p) => exportLinear(l, layerPlanOf(p, l)),
  };

  readonly weight: Tensor;
  readonly bias: Tensor | null;
  readonly inFeatures: number;
  readonly outFeatures: number;

  constructor(linear: Linear, opts: PitLayerOptions = {}) {
    super();
    this.inFeatures = linear.inFeatures;
    this.outFeatures = linear.outFeatures;
    this.weight = this.registerParameter('weight', linear.weight);
    this.bias = linear.bias === null ? null : this.registerParameter('bias', linear.bias);
    this.outMask = resolveOutMask(opts.outMask, linear.outFeatures);
  }

  maskedParams(): [Tensor, Tensor | null] {
    return foldChannelMask(this.weight, this.bias, this.outMask);
  }

  forward(x: Tensor): Tensor {
    if (x.ndim < 2 || x.shape[x.ndim - 1] !== this.inFeatures) throw new Error(`${this.describe()}: input must be [N, ..., ${this.inFeatures}], got ${fmtShape(x.shape)}`);
    const [w, b] = this.effectiveParams();
    const y = matmul(this.layerInput(x), transpose(w));
    return b === null ? y : add(y, b);
  }

  override describe(): string {
    return `PitLinear(${this.inFeatures}→${this.outFeatures})`;
  }
}
