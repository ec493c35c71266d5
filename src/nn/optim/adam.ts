/**
 * Adam and AdamW, with PyTorch's exact update: bias-corrected moments, eps added outside the
 * square root, optional AMSGrad. Adam's weight decay is coupled (added to the gradient); AdamW's
 * is decoupled (the parameter shrinks by lr·wd before the Adam update), which is why AdamW
 * defaults to weightDecay 0.01 and Adam to 0.
 */

import type { Tensor } from '../../tensor/tensor.js';
import { buffer, Optimizer } from './optimizer.js';
import type { FloatArray } from './params.js';
import type { BaseHyper, OptimizerSpec, ParamGroup, ParamState } from './types.js';

export interface AdamHyper extends BaseHyper {
  /** Decay rates of the first and second moment estimates, each in [0, 1). */
  betas: [number, number];
  eps: number;
  amsgrad: boolean;
  /** Ascend instead of descend. */
  maximize: boolean;
}

export type AdamOptions = Partial<AdamHyper>;

const nonNegative = { kind: 'number', rule: { min: 0 } } as const;

function adamSpec(name: string, weightDecay: number): OptimizerSpec<AdamHyper> {
  return {
    name,
    defaults: { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay, amsgrad: false, maximize: false },
    schema: {
      lr: nonNegative,
      betas: { kind: 'pair', rule: { min: 0, max: 1, maxOpen: true } },
      eps: nonNegative,
      weightDecay: nonNegative,
      amsgrad: { kind: 'boolean' },
      maximize: { kind: 'boolean' },
    },
    buffers: ['expAvg', 'expAvgSq', 'maxExpAvgSq'],
  };
}

export const ADAM_SPEC = adamSpec('Adam', 0);
export const ADAMW_SPEC = adamSpec('AdamW', 0.01);

function adamUpdate(p: FloatArray, g: ArrayLike<number>, state: ParamState, h: AdamHyper, decoupled: boolean): void {
  const { lr, eps, weightDecay, amsgrad, maximize } = h;
  const [beta1, beta2] = h.betas;
  const stepSize = lr / (1 - beta1 ** state.step);
  const bc2Sqrt = Math.sqrt(1 - beta2 ** state.step);
  const shrink = decoupled ? 1 - lr * weightDecay : 1;
  const m = buffer(state, 'expAvg', p);
  const v = buffer(state, 'expAvgSq', p);
  const vMax = amsgrad ? buffer(state, 'maxExpAvgSq', p) : undefined;
  // Stored values are read back after each write so that float32 buffers round where PyTorch's do.
  for (let i = 0; i < p.length; i++) {
    let gi = maximize ? -g[i] : g[i];
    if (weightDecay !== 0) {
      if (decoupled) p[i] *= shrink;
      else gi += weightDecay * p[i];
    }
    m[i] += (1 - beta1) * (gi - m[i]); // PyTorch's lerp form of beta1·m + (1 − beta1)·g
    v[i] = beta2 * v[i] + (1 - beta2) * gi * gi;
    let second = v[i];
    if (vMax !== undefined) {
      vMax[i] = Math.max(vMax[i], second);
      second = vMax[i];
    }
    p[i] -= stepSize * (m[i] / (Math.sqrt(second) / bc2Sqrt + eps));
  }
}

export class Adam extends Optimizer<AdamHyper> {
  constructor(params: Iterable<Tensor> | Iterable<ParamGroup<AdamHyper>>, options: AdamOptions = {}) {
    super(ADAM_SPEC, params, options);
  }

  protected update(p: FloatArray, g: ArrayLike<number>, state: ParamState, h: AdamHyper): void {
    adamUpdate(p, g, state, h, false);
  }
}

export class AdamW extends Optimizer<AdamHyper> {
  constructor(params: Iterable<Tensor> | Iterable<ParamGroup<AdamHyper>>, options: AdamOptions = {}) {
    super(ADAMW_SPEC, params, options);
  }

  protected update(p: FloatArray, g: ArrayLike<number>, state: ParamState, h: AdamHyper): void {
    adamUpdate(p, g, state, h, true);
  }
}
