/**
 * Public gradient checking: compares the analytical gradients from `backward` with central
 * finite differences, in float64, for every element of every input.
 *
 * A non-scalar output is reduced with fixed pseudo-random weights (Σ w·y) so that every output
 * element takes part with a different weight and a wrong gradient cannot cancel out.
 */

import { allocate, withDefaultDtype } from '../tensor/dtype.js';
import { Rng } from '../tensor/rng.js';
import { Tensor } from '../tensor/tensor.js';
import { backward } from './backward.js';
import { noGrad } from './graph.js';
import { cast } from './ops/movement.js';
import { mul } from './ops/elementwise.js';
import { sum } from './ops/reduce.js';

export interface GradcheckOptions {
  /** Finite-difference step (default 1e-6). */
  eps?: number;
  /** Absolute tolerance (default 1e-6). */
  atol?: number;
  /** Relative tolerance (default 1e-4). */
  rtol?: number;
  /** Indices of inputs not to check (e.g. integer labels). */
  skip?: number[];
  seed?: number;
}

export interface GradcheckResult {
  ok: boolean;
  maxAbsError: number;
  /** First failing element, if any. */
  failure?: { input: number; index: number; analytical: number; numerical: number };
}

function toF64Leaf(t: Tensor, grad: boolean): Tensor {
  const c = new Tensor(noGrad(() => cast(t, 'float64')).toTypedArray(), [...t.shape]);
  c.requiresGrad = grad;
  return c;
}

export function gradcheck(fn: (...inputs: Tensor[]) => Tensor, inputs: Tensor[], opts: GradcheckOptions = {}): GradcheckResult {
  const eps = opts.eps ?? 1e-6;
  const atol = opts.atol ?? 1e-6;
  const rtol = opts.rtol ?? 1e-4;
  const skip = new Set(opts.skip ?? []);
  return withDefaultDtype('float64', () => {
    const xs = inputs.map((t, i) => (skip.has(i) ? t : toF64Leaf(t, true)));
    const probe = noGrad(() => fn(...xs));
    const rng = new Rng(opts.seed ?? 1234);
    const wdata = allocate('float64', probe.size);
    for (let i = 0; i < wdata.length; i++) wdata[i] = 0.5 + rng.next();
    const weights = new Tensor(wdata, [...probe.shape]);
    const objective = (...args: Tensor[]) => sum(mul(cast(fn(...args), 'float64'), weights));

    const out = objective(...xs);
    backward(out);
    let maxAbsError = 0;
    for (let i = 0; i < xs.length; i++) {
      if (skip.has(i)) continue;
      const x = xs[i];
      const analytical = x.grad === null ? new Float64Array(x.size) : x.grad.values();
      const data = x.data;
      for (let k = 0; k < x.size; k++) {
        const orig = data[k];
        data[k] = orig + eps;
        const fp = noGrad(() => objective(...xs)).item();
        data[k] = orig - eps;
        const fm = noGrad(() => objective(...xs)).item();
        data[k] = orig;
        const numerical = (fp - fm) / (2 * eps);
        const err = Math.abs(numerical - analytical[k]);
        maxAbsError = Math.max(maxAbsError, err);
        if (!(err <= atol + rtol * Math.abs(numerical))) {
          return { ok: false, maxAbsError: err, failure: { input: i, index: k, analytical: analytical[k], numerical } };
        }
      }
    }
    return { ok: true, maxAbsError };
  });
}

/** gradcheck that throws a descriptive error on failure (for tests and user scripts). */
export function assertGradcheck(name: string, fn: (...inputs: Tensor[]) => Tensor, inputs: Tensor[], opts: GradcheckOptions = {}): void {
  const r = gradcheck(fn, inputs, opts);
  if (!r.ok && r.failure !== undefined) {
    const f = r.failure;
    throw new Error(`gradcheck '${name}': input ${f.input} element ${f.index}: analytical ${f.analytical} vs numerical ${f.numerical}`);
  }
}
