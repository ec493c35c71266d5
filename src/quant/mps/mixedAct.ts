/**
 * A searchable activation quantiser: Σ_i θ_i·PACT_{p_i}(x) with one learnable clip shared by the
 * candidates. One instance serves every layer that reads the same activation group (branches
 * meeting in an add share it), so a layer's input precision is its predecessor's output
 * precision by construction. The network input gets a fixed-precision signed instance.
 */

import type { Tensor } from '../../tensor/tensor.js';
import { scalar } from '../../tensor/create.js';
import { allocate } from '../../tensor/dtype.js';
import { fmtShape } from '../../tensor/shape.js';
import { customOp } from '../../autograd/custom.js';
import { make } from '../../autograd/ops/util.js';
import { kernel } from '../../kernels/dispatch.js';
import { Module } from '../../nn/module.js';
import { PrecisionSelector, type SelectionState } from './selector.js';
import { pactQuant, pactRange, pactScale } from '../quantizers.js';

/** Largest |value| of a one-element clip, checked as PACT checks it. */
function clipValue(clip: Tensor): number {
  if (clip.size !== 1) throw new Error(`mixActivation: the clip α must have one element, got shape ${fmtShape(clip.shape)}`);
  const a = clip.item();
  if (!(a > 0) || !Number.isFinite(a)) throw new Error(`mixActivation: the clip α must be a finite number > 0, got ${a} (re-initialise or calibrate it)`);
  return a;
}

function mixedPactOp(precisions: readonly number[], signed: boolean) {
  const P = precisions.length;
  const qmin = Float64Array.from(precisions, (p) => pactRange(p, signed).qmin);
  const qmax = Float64Array.from(precisions, (p) => pactRange(p, signed).qmax);
  const stepsOf = (a: number) => Float64Array.from(precisions, (p) => pactScale(a, p, signed));
  return customOp({
    name: `mixedPact${signed ? '(signed)' : ''}[${precisions.join(',')}]`,
    // The PACT code (floor, clamped) times its step, as pactQuant computes it, weighted and summed
    // (candidates with θ = 0 skipped, −0 becomes 0): the mixedPactForward kernel.
    forward: (x, clip, theta) => {
      const steps = stepsOf(clipValue(clip));
      const out = allocate(x.dtype, x.size);
      kernel('mixedPactForward')(x.values(), out, x.size, steps, qmin, qmax, Float64Array.from(theta.values()), P);
      return make(out, [...x.shape]);
    },
    // PACT's straight-through rule per candidate, summed with the θ weights (its range does not depend on the bits):
    // dx = g·Σθ inside the clip range, dα = Σθ·(Σ g beyond α − Σ g below −α when signed), dθ_k = Σ g·PACT_k(x).
    // The mixedPactBackward kernel gives dx, Σ g·PACT_k(x) inside the range and Σ g at each end.
    backward: (g, { inputs }) => {
      const [x, clip, theta] = inputs;
      const a = clipValue(clip);
      const steps = stepsOf(a);
      const recips = steps.map((v) => 1 / v);
      const th = theta.values();
      let thSum = 0;
      for (let k = 0; k < P; k++) thSum += th[k];
      const dx = allocate(g.dtype, g.size);
      // When nothing upstream of θ wants a gradient (the weights pass of a search freezes the logits),
      // no candidate's codes are needed: the kernel runs with no candidates and only dx, dα are formed.
      const nθ = theta.requiresGrad ? P : 0;
      const sums = new Float64Array(nθ + 2);
      kernel('mixedPactBackward')(x.values(), g.values(), dx, x.size, a, signed ? -a : 0, thSum, nθ, steps, recips, qmin, qmax, sums);
      // Beyond the range every candidate outputs its end value: Σ g there times that value.
      const gTop = sums[nθ];
      const gBottom = sums[nθ + 1];
      const dA = allocate(clip.dtype === 'float64' ? 'float64' : g.dtype, 1);
      dA[0] = (signed ? gTop - gBottom : gTop) * thSum;
      if (nθ === 0) return [make(dx, [...x.shape]), make(dA, [...clip.shape]), null];
      const dT = allocate(theta.dtype, P);
      for (let k = 0; k < P; k++) {
        // The codes at the ends, as the clamp gives them: x ≥ α → qmax, x ≤ −α (signed) or ≤ 0 → qmin.
        dT[k] = sums[k] + gTop * (qmax[k] * steps[k]) + gBottom * (qmin[k] * steps[k]);
      }
      return [make(dx, [...x.shape]), make(dA, [...clip.shape]), make(dT, [...theta.shape])];
    },
  });
}

const mixedPactOps = new Map<string, ReturnType<typeof mixedPactOp>>();

/**
 * Σ_i θ_i·PACT_{p_i}(x) with one clip; θ has shape [|P|]. One pass over x forward and one
 * backward (instead of a PACT, a product and a sum per candidate): on long activations this
 * mixing was the larger part of a precision-search step.
 */
export function mixActivation(x: Tensor, clip: Tensor, theta: Tensor, precisions: readonly number[], signed: boolean): Tensor {
  if (theta.size !== precisions.length) throw new Error(`mixActivation: θ has ${theta.size} entries (shape ${fmtShape(theta.shape)}) for ${precisions.length} candidate precisions`);
  const key = `${signed}:${precisions.join(',')}`;
  let op = mixedPactOps.get(key);
  if (op === undefined) mixedPactOps.set(key, (op = mixedPactOp(precisions, signed)));
  return op(x, clip, theta);
}

export class MixedActQuant extends Module {
  readonly clip: Tensor;
  readonly selector: PrecisionSelector;

  constructor(readonly precisions: readonly number[], readonly signed: boolean, state: SelectionState, clip = 6) {
    super();
    this.clip = this.registerParameter('clip', scalar(clip));
    this.selector = this.registerModule('selector', new PrecisionSelector(precisions, 0, state));
  }

  /** Searched when there is more than one candidate. */
  get searched(): boolean {
    return this.precisions.length > 1 && !this.selector.fixed;
  }

  private calibrationMax: number | null = null;

  /** Until endCalibration(): pass activations through unquantised and record their largest |value|. */
  startCalibration(): void {
    this.calibrationMax = 0;
  }

  endCalibration(): void {
    if (this.calibrationMax !== null && this.calibrationMax > 0) this.clip.data[this.clip.offset] = this.calibrationMax;
    this.calibrationMax = null;
  }

  forward(x: Tensor): Tensor {
    if (this.calibrationMax !== null) {
      const v = x.values();
      let m = this.calibrationMax;
      for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i]));
      this.calibrationMax = m;
      return x;
    }
    if (!this.searched) return pactQuant(x, this.clip, this.chosenBits(), { signed: this.signed });
    return mixActivation(x, this.clip, this.selector.theta(), this.precisions, this.signed);
  }

  /** E[bits] (or the straight-through argmax bits) as an autograd scalar. */
  bits(discrete: boolean): Tensor {
    if (!this.searched) return scalar(this.chosenBits());
    return this.selector.expectedBits(this.selector.costTheta(discrete));
  }

  chosenBits(): number {
    return this.selector.chosenBits()[0];
  }
}
