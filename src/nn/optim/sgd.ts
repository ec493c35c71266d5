/**
 * Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and coupled
 * (L2) weight decay, following the update of PyTorch's torch.optim.SGD step for step, so that
 * hyper-parameters carry over from PyTorch recipes unchanged.
 */

import type { Tensor } from '../../tensor/tensor.js';
import { Optimizer } from './optimizer.js';
import { zerosLike, type FloatArray } from './params.js';
import type { BaseHyper, OptimizerSpec, ParamGroup, ParamState } from './types.js';

export interface SGDHyper extends BaseHyper {
  momentum: number;
  dampening: number;
  nesterov: boolean;
  /** Ascend instead of descend. */
  maximize: boolean;
}

export type SGDOptions = Partial<SGDHyper>;

const nonNegative = { kind: 'number', rule: { min: 0 } } as const;

export const SGD_SPEC: OptimizerSpec<SGDHyper> = {
  name: 'SGD',
  defaults: { lr: 1e-3, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, maximize: false },
  schema: {
    lr: nonNegative,
    momentum: nonNegative,
    dampening: { kind: 'number', rule: { min: 0, max: 1 } },
    weightDecay: nonNegative,
    nesterov: { kind: 'boolean' },
    maximize: { kind: 'boolean' },
  },
  buffers: ['momentumBuffer'],
  check: (h, prefix) => {
    if (h.nesterov && (h.momentum <= 0 || h.dampening !== 0)) {
      throw new Error(`${prefix}nesterov requires momentum > 0 and dampening = 0, got momentum ${h.momentum} and dampening ${h.dampening}`);
    }
  },
};

export class SGD extends Optimizer<SGDHyper> {
  constructor(params: Iterable<Tensor> | Iterable<ParamGroup<SGDHyper>>, options: SGDOptions = {}) {
    super(SGD_SPEC, params, options);
  }

  protected update(p: FloatArray, g: ArrayLike<number>, state: ParamState, h: SGDHyper): void {
    const { lr, momentum, dampening, nesterov, weightDecay, maximize } = h;
    let buf = momentum !== 0 ? state.buffers.momentumBuffer : undefined;
    // As in PyTorch the buffer starts as the first (decayed) gradient, not as zero.
    const first = momentum !== 0 && buf === undefined;
    if (first) buf = state.buffers.momentumBuffer = zerosLike(p);
    for (let i = 0; i < p.length; i++) {
      let d = maximize ? -g[i] : g[i];
      if (weightDecay !== 0) d += weightDecay * p[i];
      if (buf !== undefined) {
        buf[i] = first ? d : momentum * buf[i] + (1 - dampening) * d;
        // Read back from the buffer so that a float32 buffer rounds as PyTorch's does.
        d = nesterov ? d + momentum * buf[i] : buf[i];
      }
      p[i] -= lr * d;
    }
  }
}
