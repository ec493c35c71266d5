/**
 * Divergence detection: a non-finite loss or gradient stops training with an error naming the
 * step (epoch, batch) and the layer where the first NaN / Inf appeared, found from the module
 * scope the autograd graph records on every node (forward) or from the parameter's module path
 * (gradients). Checked before the optimiser steps, so the weights are never poisoned.
 */

import type { Tensor } from '../../tensor/tensor.js';
import type { Node } from '../../autograd/graph.js';
import type { OptimizerStateDict } from '../optim/stateDict.js';

export interface DivergenceStep {
  epoch: number;
  batch: number;
  batches: number;
}

export const LR_ADVICE = 'lower the learning rate or enable gradient clipping (--clip-grad-norm)';
/** The data was checked finite at load time, so a non-finite or dominating cost term points at λ. */
export const LAMBDA_ADVICE = 'the regulariser term (λ × cost) is not finite or dwarfs the task loss: give a smaller --lambda (--lambdas for a sweep; the default is 1e-6)';

/** Thrown by training when a loss or gradient is NaN / Inf; carries where, for callers that save state. */
export class TrainingDivergedError extends Error {
  /** Set by fit: the epoch whose end-of-epoch weights the model was restored to (0 = initial). */
  lastGoodEpoch = 0;
  /** Set by fit: the epochs completed before the divergence. */
  history: unknown[] = [];
  constructor(
    readonly step: DivergenceStep,
    readonly what: 'loss' | 'gradient' | 'validation' | 'state' | 'regulariser',
    readonly layer: string,
    detail: string,
    /** What to change, from what was checked (default: the learning rate). */
    advice = LR_ADVICE,
  ) {
    // epoch 0: the caller (e.g. a search loop) did not say which epoch.
    const batch = `batch ${step.batch}/${step.batches}`;
    const at = step.batches === 0 ? `the end of epoch ${step.epoch}` : step.epoch > 0 ? `epoch ${step.epoch}, ${batch}` : batch;
    super(`training diverged at ${at}: ${detail}; ${advice}`);
    this.name = 'TrainingDivergedError';
  }
}

export function firstNonFinite(a: ArrayLike<number>): number {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return i;
  return -1;
}

function describeValue(v: number): string {
  return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Inf' : '-Inf';
}

/**
 * The earliest op (inputs before outputs) whose output holds a NaN / Inf while every input that
 * is itself an op output is finite: where the trouble started. `fromLeaf` says the op only passed
 * on a NaN / Inf already in a leaf input (a parameter or the data). Walks the recorded graph, so
 * call it before backward frees it. Null when no recorded op produced one.
 */
export function locateNonFinite(root: Tensor): { op: string; scope: string; value: number; fromLeaf: boolean } | null {
  const bad = new Map<number, boolean>();
  const isBad = (t: Tensor): boolean => {
    let b = bad.get(t.id);
    if (b === undefined) {
      b = firstNonFinite(t.values()) >= 0;
      bad.set(t.id, b);
    }
    return b;
  };
  // Iterative post-order so that deep graphs cannot overflow the stack.
  const seen = new Set<number>([root.id]);
  const stack: { t: Tensor; i: number }[] = [{ t: root, i: 0 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    const node = top.t.node as Node | null;
    const inputs = node?.inputs ?? [];
    if (top.i < inputs.length) {
      const c = inputs[top.i++];
      if (!seen.has(c.id)) {
        seen.add(c.id);
        stack.push({ t: c, i: 0 });
      }
      continue;
    }
    stack.pop();
    if (node === null || node.inputs === undefined || !isBad(top.t)) continue;
    if (node.inputs.every((x) => x.node === null || !isBad(x))) {
      const vals = top.t.values();
      return { op: node.op, scope: node.scope, value: vals[firstNonFinite(vals)], fromLeaf: node.inputs.some((x) => isBad(x)) };
    }
  }
  return null;
}

/** Throw when the batch loss is not finite, naming the op and module that produced the first NaN / Inf. */
export function checkLoss(loss: Tensor, lossValue: number, step: DivergenceStep): void {
  if (Number.isFinite(lossValue)) return;
  const src = locateNonFinite(loss);
  const layer = src === null ? '(unknown)' : src.scope === '' ? '(loss)' : src.scope;
  const where = src === null
    ? 'no recorded op produced it'
    : `first seen in the output of '${src.op}' in ${src.scope === '' ? 'the loss' : `module '${src.scope}'`} (${describeValue(src.value)}${src.fromLeaf ? ', already in one of its inputs: a parameter of that module or the input data' : ''})`;
  throw new TrainingDivergedError(step, 'loss', layer, `loss is ${lossValue}, ${where}`);
}

/** Throw when any parameter gradient holds a NaN / Inf, naming the parameter (module path); `advice` when the caller knows the likely cause. */
export function checkGradients(named: readonly [string, Tensor][], step: DivergenceStep, advice?: string): void {
  for (const [name, p] of named) {
    if (p.grad === null) continue;
    const g = p.grad.values();
    const i = firstNonFinite(g);
    if (i < 0) continue;
    const layer = name.includes('.') ? name.slice(0, name.lastIndexOf('.')) : name;
    throw new TrainingDivergedError(step, 'gradient', layer, `gradient of '${name}' is ${describeValue(g[i])} at element ${i}`, advice);
  }
}

/**
 * Throw when a parameter or buffer (e.g. BatchNorm running variance) holds a NaN / Inf (or |x| ≥ 1e30) after an
 * epoch: the loss and gradients can stay finite while running statistics overflow, and such a
 * model must never be kept or saved.
 */
export function checkFiniteState(named: Iterable<[string, Tensor]>, step: DivergenceStep): void {
  for (const [name, t] of named) {
    const v = t.values();
    // |w| ≥ 1e30 is on its way to Inf (its square already overflows float32): the data's bound too.
    let i = -1;
    for (let k = 0; k < v.length && i < 0; k++) if (!(Math.abs(v[k]) < 1e30)) i = k;
    if (i < 0) continue;
    const layer = name.includes('.') ? name.slice(0, name.lastIndexOf('.')) : name;
    const what = Number.isFinite(v[i]) ? `${v[i].toExponential(2)} (|x| ≥ 1e30)` : describeValue(v[i]);
    throw new TrainingDivergedError(step, 'state', layer, `'${name}' holds ${what} at element ${i} after the epoch`);
  }
}

/** Throw when an optimiser moment (e.g. Adam's squared-gradient average) overflowed: resuming from it would diverge. */
export function checkFiniteOptimizer(sd: OptimizerStateDict, who: string, step: DivergenceStep): void {
  for (const [id, st] of Object.entries(sd.state)) {
    for (const [buf, data] of Object.entries(st.buffers)) {
      const i = firstNonFinite(data);
      if (i >= 0) throw new TrainingDivergedError(step, 'state', `(${who})`, `the ${who} state '${buf}' of parameter ${id} holds ${describeValue(data[i])} at element ${i} after the epoch`);
    }
  }
}
