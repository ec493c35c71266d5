/**
 * A conv / linear layer under mixed-precision search: it takes over the layer's weight and bias
 * (same tensors, same names, so a plain model of the original architecture reloads its state),
 * quantises its input with the activation quantiser of the group that feeds it and convolves
 * with the mixed-precision weight and bias (a channel at 0 bits outputs zero). Its module kind
 * (src/graph/kinds.ts) gives the graph layer the wrapped layer's geometry, so a converted model
 * still traces into one unit per layer.
 */

import type { Tensor } from '../../tensor/tensor.js';
import { add } from '../../autograd/ops/elementwise.js';
import { matmul } from '../../autograd/ops/matmul.js';
import { transpose } from '../../autograd/ops/movement.js';
import { conv1d, conv2d } from '../../autograd/ops/conv.js';
import { Module } from '../../nn/module.js';
import { Conv1d, Conv2d } from '../../nn/layers/conv.js';
import { Linear } from '../../nn/layers/linear.js';
import { buildFromArchitecture, describeArchitecture } from '../../nn/serialize.js';
import { geometryOf, type LayerGeometry, type SearchableModuleKind } from '../../graph/kinds.js';
import type { MixedActQuant } from './mixedAct.js';
import { MixedWeightQuant } from './mixedWeight.js';
import { PrecisionSelector } from './selector.js';

export type QuantizableLayer = Conv1d | Conv2d | Linear;

export function isQuantizable(m: Module): m is QuantizableLayer {
  return m instanceof Conv1d || m instanceof Conv2d || m instanceof Linear;
}

export class MpsLayer extends Module {
  static readonly moduleKind: SearchableModuleKind<MpsLayer, unknown, { wq: MixedWeightQuant }> = {
    name: 'MpsLayer', method: 'mps',
    matches: (m) => m instanceof MpsLayer,
    geometry: (l) => geometryOf(l.layer) as LayerGeometry,
    fromPlain: (plain, o) => (isQuantizable(plain) ? new MpsLayer(plain, o.wq) : null),
    searchParameters: (l) => [l.wq.selector, ...(l.actQ === null ? [] : [l.actQ.selector])].flatMap((s) => PrecisionSelector.moduleKind.searchParameters(s)),
    // The float layer with the searched weights (the plan is applied by quantize(), not here).
    toDense: (l) => {
      const out = buildFromArchitecture(describeArchitecture(l.layer));
      out.loadStateDict(l.layer.stateDict());
      return out;
    },
  };

  readonly weight: Tensor;
  readonly bias: Tensor | null;
  readonly wq: MixedWeightQuant;
  private actQ: MixedActQuant | null = null;

  constructor(readonly layer: QuantizableLayer, wq: MixedWeightQuant) {
    super();
    this.weight = this.registerParameter('weight', layer.weight);
    this.bias = layer.bias === null ? null : this.registerParameter('bias', layer.bias);
    this.wq = this.registerModule('wq', wq);
  }

  get outChannels(): number {
    return this.layer instanceof Linear ? this.layer.outFeatures : this.layer.outChannels;
  }

  /** The quantiser of this layer's input (shared with the other readers of its group). */
  get inputQuant(): MixedActQuant | null {
    return this.actQ;
  }

  setInputQuant(q: MixedActQuant): void {
    this.actQ = this.registerModule('aq', q);
  }

  forward(x: Tensor): Tensor {
    const xq = this.actQ === null ? x : this.actQ.call(x);
    const { weight: w, bias } = this.wq.mixed(this.weight, this.bias);
    const l = this.layer;
    if (l instanceof Linear) {
      const y = matmul(xq, transpose(w));
      return bias === null ? y : add(y, bias);
    }
    const geo = { stride: l.stride, dilation: l.dilation, padding: l.padding, groups: l.groups };
    return l instanceof Conv1d ? conv1d(xq, w, bias, geo as Parameters<typeof conv1d>[3]) : conv2d(xq, w, bias, geo as Parameters<typeof conv2d>[3]);
  }

  override describe(): string {
    return `Mps(${this.layer.describe()})`;
  }
}
