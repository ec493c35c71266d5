/**
 * Fake quantisers with straight-through gradients (docs/design.md#quantisation):
 * - PACT activations: unsigned, learnable clip α, floor; s = (2^b − 1)/α, y = floor(s·x)/s clamped
 *   to [0, α]. It is also the network's ReLU. Gradients: dy/dx = 1 inside (0, α), else 0;
 *   dα = Σ upstream gradient where x ≥ α. A signed variant quantises network inputs and the
 *   branches meeting in a residual add: s = 2^(b−1)/α, codes in [−2^(b−1), 2^(b−1) − 1],
 *   dy/dx = 1 inside (−α, α), dα = Σ g·([x ≥ α] − [x ≤ −α]).
 * - Weights: symmetric per-output-channel (axis 0) min-max, scale_c = 2·max|W_c|/(2^b − 1),
 *   integers in [−2^(b−1), 2^(b−1) − 1], round half to even, straight-through gradient. A bit
 *   array gives each output channel its own precision; 0 bits prunes the channel (all zeros, no
 *   gradient).
 *
 * Each gradient rule is checked in float64 against its surrogate (the function the STE claims to
 * differentiate): clamp for PACT, the identity (times the keep mask) for weights.
 */

import { allocate } from '../tensor/dtype.js';
import { fmtShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { customOp } from '../autograd/custom.js';
import { make } from '../autograd/ops/util.js';
import { fakeQuantCodes } from './fakeQuantCodes.js';

export interface PactOptions {
  /** Signed variant (network inputs, residual branches). Default false: unsigned, acts as ReLU. */
  signed?: boolean;
}

/** Largest supported precision of any quantiser (codes must fit int32 maths comfortably). */
export const MAX_QUANT_BITS = 16;

function checkBits(op: string, bits: number, allowZero: boolean): void {
  const lo = allowZero ? 0 : 2;
  if (!Number.isInteger(bits) || bits > MAX_QUANT_BITS || (bits < 2 && !(allowZero && bits === 0))) {
    throw new Error(`${op}: precision ${bits} bits is not supported; use an integer in [2, ${MAX_QUANT_BITS}]${lo === 0 ? ' or 0 (prune the channel)' : ''}`);
  }
}

/** Integer code range of a PACT quantiser. */
export function pactRange(bits: number, signed: boolean): { qmin: number; qmax: number } {
  return signed ? { qmin: -(2 ** (bits - 1)), qmax: 2 ** (bits - 1) - 1 } : { qmin: 0, qmax: 2 ** bits - 1 };
}

/** The step of a PACT quantiser with clip α: α/(2^b − 1) unsigned, α/2^(b−1) signed. */
export function pactScale(alpha: number, bits: number, signed: boolean): number {
  return signed ? alpha / 2 ** (bits - 1) : alpha / (2 ** bits - 1);
}

function alphaValue(op: string, alpha: Tensor): number {
  if (alpha.size !== 1) throw new Error(`${op}: the clip α must have one element, got shape ${fmtShape(alpha.shape)}`);
  const a = alpha.item();
  if (!(a > 0) || !Number.isFinite(a)) throw new Error(`${op}: the clip α must be a finite number > 0, got ${a} (re-initialise or calibrate it)`);
  return a;
}

/** PACT's clip gradients: dx = g inside the clip range, dα = Σ g beyond it (signed: minus below −α). */
function pactBackward(g: Tensor, x: Tensor, alpha: Tensor, signed: boolean): [Tensor, Tensor] {
  const a = alpha.item();
  const gv = g.values();
  const xv = x.values();
  const dx = allocate(g.dtype, g.size);
  const lo = signed ? -a : 0;
  let da = 0;
  for (let i = 0; i < xv.length; i++) {
    const v = xv[i];
    if (v >= a) da += gv[i];
    else if (signed && v <= lo) da -= gv[i];
    else if (v > lo) dx[i] = gv[i];
  }
  const dA = allocate(alpha.dtype === 'float64' ? 'float64' : g.dtype, alpha.size);
  dA[0] = da;
  return [make(dx, [...x.shape]), make(dA, [...alpha.shape])];
}

function pactOp(signed: boolean, bits: number) {
  const op = signed ? 'pactQuant(signed)' : 'pactQuant';
  const { qmin, qmax } = pactRange(bits, signed);
  return customOp({
    name: `${op}[${bits}b]`,
    forward: (x, alpha) => {
      const scale = new Float64Array([pactScale(alphaValue(op, alpha), bits, signed)]);
      // No pre-clamp to α: the kernel clamps codes, so x ≥ α maps to qmax exactly (α/scale may round below it).
      return fakeQuantCodes(x, { axis: -1, scale, qmin, qmax, rounding: 'floor' }).values;
    },
    backward: (g, { inputs }) => pactBackward(g, inputs[0], inputs[1], signed),
  });
}

const pactOps = new Map<string, ReturnType<typeof pactOp>>();

/** PACT fake quantisation of x with clip α (a one-element tensor, usually a parameter). */
export function pactQuant(x: Tensor, alpha: Tensor, bits: number, opts: PactOptions = {}): Tensor {
  const signed = opts.signed ?? false;
  checkBits('pactQuant', bits, false);
  const key = `${signed}:${bits}`;
  let op = pactOps.get(key);
  if (op === undefined) pactOps.set(key, (op = pactOp(signed, bits)));
  return op(x, alpha);
}

/** The function PACT's straight-through rule differentiates: clamp(x, 0 or −α, α), for gradchecks. */
export const pactSurrogate = (signed: boolean): ((x: Tensor, alpha: Tensor) => Tensor) => customOp({
  name: 'pactSurrogate',
  forward: (x, alpha) => {
    const a = alphaValue('pactSurrogate', alpha);
    const xv = x.values();
    const out = allocate(x.dtype, x.size);
    const lo = signed ? -a : 0;
    for (let i = 0; i < xv.length; i++) out[i] = xv[i] >= a ? a : xv[i] <= lo ? lo : xv[i];
    return make(out, [...x.shape]);
  },
  backward: (g, { inputs }) => pactBackward(g, inputs[0], inputs[1], signed),
});

/** One precision per output channel, validated against the weight's shape. */
export function channelBits(op: string, w: Tensor, bits: number | readonly number[]): number[] {
  if (w.ndim < 1) throw new Error(`${op}: weights must have an output-channel axis, got shape ${fmtShape(w.shape)}`);
  const cout = w.shape[0];
  const per = typeof bits === 'number' ? new Array<number>(cout).fill(bits) : [...bits];
  if (per.length !== cout) throw new Error(`${op}: ${per.length} per-channel precisions for ${cout} output channels (weight shape ${fmtShape(w.shape)})`);
  per.forEach((b) => checkBits(op, b, true));
  return per;
}

/**
 * Per-output-channel scales: 2·max|W_c|/(2^b − 1). A pruned channel (0 bits) has scale 0; a
 * channel whose weights are all zero gets scale 1 (any scale gives codes 0).
 */
export function weightScales(w: Tensor, bits: number | readonly number[]): Float64Array {
  const per = channelBits('weightScales', w, bits);
  const cout = w.shape[0];
  const fan = cout === 0 ? 0 : w.size / cout;
  const v = w.values();
  const scales = new Float64Array(cout);
  for (let c = 0; c < cout; c++) {
    if (per[c] === 0) continue;
    let m = 0;
    for (let j = c * fan; j < (c + 1) * fan; j++) m = Math.max(m, Math.abs(v[j]));
    scales[c] = m === 0 ? 1 : (2 * m) / (2 ** per[c] - 1);
  }
  return scales;
}

export interface WeightCodes {
  /** Dequantised weights (w's shape, float). */
  values: Tensor;
  /** Integer codes, row-major (w's shape); 0 for pruned channels. */
  codes: Int32Array;
  scales: Float64Array;
  bits: number[];
}

/** Quantise weights per output channel; each run of channels with equal precision is one kernel call. */
export function weightCodes(w: Tensor, bits: number | readonly number[]): WeightCodes {
  const per = channelBits('weightQuant', w, bits);
  const scales = weightScales(w, per);
  const cout = w.shape[0];
  const fan = cout === 0 ? 0 : w.size / cout;
  const src = w.values();
  const out = allocate(w.dtype === 'float64' ? 'float64' : 'float32', w.size);
  const codes = new Int32Array(w.size);
  for (let c0 = 0; c0 < cout;) {
    let c1 = c0 + 1;
    while (c1 < cout && per[c1] === per[c0]) c1++;
    if (per[c0] !== 0) {
      const b = per[c0];
      const part = make(src.subarray(c0 * fan, c1 * fan), [c1 - c0, fan]);
      const q = fakeQuantCodes(part, { axis: 0, scale: scales.subarray(c0, c1), qmin: -(2 ** (b - 1)), qmax: 2 ** (b - 1) - 1, rounding: 'halfEven' }, true);
      out.set(q.values.values(), c0 * fan);
      codes.set(q.codes as Int32Array, c0 * fan);
    }
    c0 = c1;
  }
  return { values: make(out, [...w.shape]), codes, scales, bits: per };
}

/** dW = g on kept channels, 0 on pruned ones (their output is the constant 0). */
function keepMaskedGrad(g: Tensor, per: readonly number[]): Tensor {
  if (per.every((b) => b !== 0)) return g;
  const gv = g.values();
  const out = allocate(g.dtype, g.size);
  const fan = g.size / per.length;
  per.forEach((b, c) => {
    if (b !== 0) out.set(gv.subarray(c * fan, (c + 1) * fan), c * fan);
  });
  return make(out, [...g.shape]);
}

/** Symmetric per-output-channel weight fake quantisation with a straight-through gradient. */
export function weightQuant(w: Tensor, bits: number | readonly number[]): Tensor {
  const per = channelBits('weightQuant', w, bits);
  const op = customOp({
    name: 'weightQuant',
    forward: (x) => weightCodes(x, per).values,
    backward: (g) => [keepMaskedGrad(g, per)],
  });
  return op(w);
}

/** The function weightQuant's straight-through rule differentiates (w on kept channels, 0 on pruned), for gradchecks. */
export function weightSurrogate(w: Tensor, bits: number | readonly number[]): Tensor {
  const per = channelBits('weightSurrogate', w, bits);
  const op = customOp({
    name: 'weightSurrogate',
    forward: (x) => keepMaskedGrad(x, per),
    backward: (g) => [keepMaskedGrad(g, per)],
  });
  return op(w);
}
