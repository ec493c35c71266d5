/**
 * The one bridge from quant/ to the `fakeQuant` kernel contract: quantise a tensor's values with
 * per-channel scales and integer bounds, returning the dequantised values and (optionally) the
 * integer codes. Every quantiser of the library and the integer engine's input stage go through
 * here, so fake-quant and integer inference see the very same codes.
 */

import { allocate } from '../tensor/dtype.js';
import { fmtShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { kernel } from '../kernels/dispatch.js';
import type { QuantRounding } from '../kernels/contracts.js';
import { make } from '../autograd/ops/util.js';

export interface ChannelQuantSpec {
  /** Axis carrying the channels (0 for weights, 1 for activations); -1 = one scale for all. */
  axis: number;
  /** One scale per channel (a single entry when axis = -1). */
  scale: Float64Array;
  qmin: number;
  qmax: number;
  rounding: QuantRounding;
}

export interface QuantizedValues {
  values: Tensor;
  codes: Int32Array | null;
}

/** Fake-quantise x; `wantCodes` also returns the integer codes (row-major, x's shape). */
export function fakeQuantCodes(x: Tensor, spec: ChannelQuantSpec, wantCodes = false): QuantizedValues {
  const { axis, scale } = spec;
  const c = axis < 0 ? 1 : x.shape[axis];
  if (scale.length !== c) {
    throw new Error(`fakeQuant: ${scale.length} scales for ${c} channels on axis ${axis} of a tensor of shape ${fmtShape(x.shape)}`);
  }
  const outer = axis < 0 ? 1 : x.shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = axis < 0 ? x.size : x.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const out = allocate(x.dtype === 'float64' ? 'float64' : 'float32', x.size);
  const codes = wantCodes ? new Int32Array(x.size) : null;
  kernel('fakeQuant')(x.values(), out, codes, outer, c, inner, scale, spec.qmin, spec.qmax, spec.rounding);
  return { values: make(out, [...x.shape]), codes };
}
