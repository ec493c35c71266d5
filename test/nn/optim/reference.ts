/**
 * Independent float64 re-implementations of PyTorch's SGD and Adam/AdamW update equations
 * (transcribed from the pseudocode in the torch.optim documentation, on plain number arrays),
 * and helpers to drive a real optimiser with the same gradients for comparison.
 */

import { expect } from 'vitest';
import * as T from '../../../src/index.js';

/** Gradient of the parameter vector at a step (1-based), given its current value. */
export type GradFn = (p: readonly number[], step: number) => number[];

export interface RefSGD {
  lr: number;
  momentum?: number;
  dampening?: number;
  nesterov?: boolean;
  weightDecay?: number;
  maximize?: boolean;
}

/** Parameter values after each of `steps` SGD steps. */
export function refSGD(p0: readonly number[], grad: GradFn, steps: number, o: RefSGD): number[][] {
  const { lr, momentum = 0, dampening = 0, nesterov = false, weightDecay = 0, maximize = false } = o;
  let p = [...p0];
  let b: number[] = [];
  const out: number[][] = [];
  for (let t = 1; t <= steps; t++) {
    let g = grad(p, t);
    if (maximize) g = g.map((x) => -x);
    if (weightDecay !== 0) g = g.map((x, i) => x + weightDecay * p[i]);
    if (momentum !== 0) {
      b = t > 1 ? b.map((x, i) => momentum * x + (1 - dampening) * g[i]) : [...g];
      g = nesterov ? g.map((x, i) => x + momentum * b[i]) : [...b];
    }
    p = p.map((x, i) => x - lr * g[i]);
    out.push(p);
  }
  return out;
}

export interface RefAdam {
  lr: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay?: number;
  decoupled?: boolean;
  amsgrad?: boolean;
  maximize?: boolean;
}

/** Parameter values after each of `steps` Adam (or, with `decoupled`, AdamW) steps. */
export function refAdam(p0: readonly number[], grad: GradFn, steps: number, o: RefAdam): number[][] {
  const { lr, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weightDecay = 0, decoupled = false, amsgrad = false, maximize = false } = o;
  let p = [...p0];
  let m = p.map(() => 0);
  let v = p.map(() => 0);
  let vMax = p.map(() => 0);
  const out: number[][] = [];
  for (let t = 1; t <= steps; t++) {
    let g = grad(p, t);
    if (maximize) g = g.map((x) => -x);
    if (decoupled) p = p.map((x) => x - lr * weightDecay * x);
    else if (weightDecay !== 0) g = g.map((x, i) => x + weightDecay * p[i]);
    m = m.map((x, i) => beta1 * x + (1 - beta1) * g[i]);
    v = v.map((x, i) => beta2 * x + (1 - beta2) * g[i] ** 2);
    const mHat = m.map((x) => x / (1 - beta1 ** t));
    let vHat = v.map((x) => x / (1 - beta2 ** t));
    if (amsgrad) {
      vMax = vMax.map((x, i) => Math.max(x, v[i]));
      vHat = vMax.map((x) => x / (1 - beta2 ** t));
    }
    p = p.map((x, i) => x - (lr * mHat[i]) / (Math.sqrt(vHat[i]) + eps));
    out.push(p);
  }
  return out;
}

/** Sets `p.grad` from `grad` and steps, `steps` times; returns the values after each step. */
export function drive(opt: { step(): void }, p: T.Tensor, grad: GradFn, steps: number): number[][] {
  const out: number[][] = [];
  for (let t = 1; t <= steps; t++) {
    p.grad = T.tensor(grad(p.toFlatArray(), t), [...p.shape], { dtype: p.dtype });
    opt.step();
    out.push(p.toFlatArray());
  }
  return out;
}

/** Element-wise agreement to a relative tolerance (float64 rounding differs by operation order only). */
export function expectClose(actual: readonly number[][], expected: readonly number[][], rel = 1e-13): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((row, t) =>
    row.forEach((x, i) => {
      const e = expected[t][i];
      if (Math.abs(x - e) > rel * Math.max(1, Math.abs(e))) {
        throw new Error(`step ${t + 1}, element ${i}: got ${x}, expected ${e}`);
      }
    }),
  );
}

export function param(values: number[], opts: { dtype?: 'float32' | 'float64'; name?: string } = {}): T.Tensor {
  const p = T.tensor(values, { dtype: opts.dtype ?? 'float64', requiresGrad: true });
  if (opts.name !== undefined) p.name = opts.name;
  return p;
}
