/**
 * Layer specs and cost models: the vocabulary shared by the hardware cost functions (hw/) and
 * the methods that search layer sizes (nas/). A cost model is a plain function of a layer's
 * static spec and its effective sizes (autograd scalars, so that a search can differentiate the
 * cost through them); it returns an autograd scalar for one invocation of the layer.
 */

import type { Tensor } from '../tensor/tensor.js';
import { scalar } from '../tensor/create.js';
import { add, maximum } from '../autograd/ops/elementwise.js';

export type LayerKind = 'conv1d' | 'conv2d' | 'linear';

export interface LayerSpec {
  /** Module path of the layer (for reports). */
  name: string;
  kind: LayerKind;
  /** Full (seed) input / output channels or features. */
  cin: number;
  cout: number;
  /** Kernel size per spatial axis ([k] for conv1d, [kh, kw] for conv2d, [] for linear). */
  kernel: readonly number[];
  groups: number;
  /** groups = cin = cout: each output channel reads its own input channel. */
  depthwise: boolean;
  bias: boolean;
  /** Output shape of one invocation without batch and channel axes ([L], [Ho, Wo]; [] for a linear on [N, F]). */
  outShape: readonly number[];
  /**
   * Input shape of one invocation without batch and channel axes ([L], [H, W]; [] for a linear on
   * [N, F]), for activation-memory costs. Undefined = unknown (memory costs then take outShape).
   */
  inShape?: readonly number[];
  stride?: readonly number[];
  dilation?: readonly number[];
  /** Bit-widths, for precision-aware costs (undefined = float). */
  inBits?: number;
  wBits?: number;
}

/**
 * The sizes a search changes, as autograd scalars. `k` is the number of kernel positions
 * (k for conv1d, kh·kw for conv2d, 1 for linear). For a depthwise layer `cin` equals `cout`.
 */
export interface EffectiveSizes {
  cin: Tensor;
  cout: Tensor;
  k: Tensor;
  /**
   * Precision-aware sizes (set by a mixed-precision search; absent = the cost model's default,
   * e.g. 8 bits on an int8 target or 32-bit float for params_bit):
   *  - inBits: expected bit-width of the layer's input activations (its predecessor's output);
   *  - outBits: expected bit-width of the layer's output activations;
   *  - wBitsSum: Σ over output channels of the expected weight bit-width, 0-bit (pruned)
   *    channels counting 0, so weight bits = (cin / groups) · k · wBitsSum exactly once
   *    (docs/design.md#mixed-precision-search: pruning is not counted twice). For a per-layer search it is cout · E[b_w].
   */
  inBits?: Tensor;
  outBits?: Tensor;
  wBitsSum?: Tensor;
}

export type CostFn = (spec: LayerSpec, eff: EffectiveSizes) => Tensor;

export interface CostModel {
  /** Shown in reports and used as the key of a cost (e.g. 'params', 'macs'). */
  name: string;
  /**
   * Per-call costs (operations, latency, energy) count every invocation of a layer; shared costs
   * (parameters, flash) count a layer once however often it runs.
   */
  perCall: boolean;
  fn: CostFn;
  /**
   * How layer values combine into the model's cost: 'sum' (default; params, MACs, latency) or
   * 'max' (peak quantities such as the RAM of the largest live activations). A max-reduced cost
   * passes its gradient to the layer that attains the maximum.
   */
  reduce?: 'sum' | 'max';
}

/** Number of output positions of one invocation (1 for a linear on [N, F]). */
export function outPositions(spec: LayerSpec): number {
  return spec.outShape.reduce((a, b) => a * b, 1);
}

/** Number of kernel positions of the full layer. */
export function kernelPositions(spec: LayerSpec): number {
  return spec.kernel.reduce((a, b) => a * b, 1);
}

/** The full (unsearched) sizes of a layer as constant scalars. */
export function fullSizes(spec: LayerSpec): EffectiveSizes {
  return { cin: scalar(spec.cin), cout: scalar(spec.cout), k: scalar(kernelPositions(spec)) };
}

/** One evaluated layer invocation: its spec, its sizes, and whether it is the layer's first call. */
export interface LayerCall {
  spec: LayerSpec;
  eff: EffectiveSizes;
  firstCall: boolean;
}

/** A cost over layer calls: their sum, or their maximum for a max-reduced cost (shared costs take each layer's first call only). */
export function totalCost(model: CostModel, calls: readonly LayerCall[]): Tensor {
  const combine = model.reduce === 'max' ? maximum : add;
  let total: Tensor | null = null;
  for (const c of calls) {
    if (!model.perCall && !c.firstCall) continue;
    const v = model.fn(c.spec, c.eff);
    total = total === null ? v : combine(total, v);
  }
  return total ?? scalar(0);
}
