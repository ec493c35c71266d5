/**
 * The escape hatch for operations whose gradient is a choice rather than a derivative:
 * straight-through estimators (round, floor, Heaviside binarisation, argmax), PACT's clip
 * gradient, Gumbel sampling. The forward runs without recording; the node calls the given
 * backward.
 */

import { Tensor } from '../tensor/tensor.js';
import { noGrad, record } from './graph.js';
import type { CustomBackward } from './prims.js';

export interface CustomOpSpec {
  /** Shown in errors and traces. */
  name: string;
  /** Computes the output from the inputs; may return extra values for backward as `saved`. */
  forward: (...inputs: Tensor[]) => Tensor | { output: Tensor; saved?: unknown };
  /** One gradient (or null) per input, given the upstream gradient. */
  /**
   * One gradient (or null) per input. Runs inside `backward`, whose large float32 arrays are
   * recycled when it ends (src/tensor/bufferPool.ts): do not keep `g` or a tensor computed here
   * past the call — copy it (`toTypedArray()`) if it must outlive the backward pass.
   */
  backward: CustomBackward;
}

export function customOp(spec: CustomOpSpec): (...inputs: Tensor[]) => Tensor {
  return (...inputs: Tensor[]) => {
    const res = noGrad(() => spec.forward(...inputs));
    let output = res instanceof Tensor ? res : res.output;
    const saved = res instanceof Tensor ? undefined : res.saved;
    // The node must hang on a fresh tensor object, never on one of the inputs.
    if (inputs.includes(output)) output = new Tensor(output.data, output.shape, output.strides, output.offset);
    return record('custom', inputs, output, { name: spec.name, backward: spec.backward, saved });
  };
}

/** Straight-through identity: forward `f(x)`, backward passes the gradient unchanged. */
export function straightThrough(name: string, f: (x: Tensor) => Tensor): (x: Tensor) => Tensor {
  const op = customOp({ name, forward: (x) => f(x), backward: (g) => [g] });
  return (x: Tensor) => op(x);
}
