/**
 * Gradient clipping between backward and the optimiser step: by total norm (as PyTorch's
 * clip_grad_norm_) and by value (clip_grad_value_).
 *
 * Clipped gradients are written to fresh tensors assigned to `p.grad` rather than in place:
 * nothing stops two parameters from holding the same gradient tensor (or a gradient from sharing
 * storage with another tensor, e.g. when assigned by hand), and scaling a shared buffer once per
 * owner would scale it several times or corrupt its other user.
 */

import { allocate } from '../../tensor/dtype.js';
import { Tensor } from '../../tensor/tensor.js';
import { describeParam } from './params.js';
import { checkNumber, fmtValue } from './validate.js';

/** Each distinct parameter once, in order, with its position for messages. */
function withGrads(owner: string, params: Iterable<Tensor> | Tensor): { p: Tensor; index: number }[] {
  const list = params instanceof Tensor ? [params] : Array.from(params);
  const seen = new Set<Tensor>();
  const out: { p: Tensor; index: number }[] = [];
  list.forEach((p: unknown, index) => {
    if (!(p instanceof Tensor)) throw new Error(`${owner}: parameter ${index} must be a Tensor, got ${fmtValue(p)}`);
    if (p.grad === null || seen.has(p)) return;
    seen.add(p);
    out.push({ p, index });
  });
  return out;
}

/** Replaces p.grad with f applied to each of its values. */
function mapGrad(p: Tensor, f: (x: number) => number): void {
  const g = p.grad as Tensor;
  const v = g.values();
  const out = allocate(g.dtype, v.length);
  for (let i = 0; i < v.length; i++) out[i] = f(v[i]);
  p.grad = new Tensor(out, [...g.shape]);
}

function vectorNorm(v: ArrayLike<number>, normType: number): number {
  let acc = 0;
  if (normType === Infinity) {
    for (let i = 0; i < v.length; i++) acc = Math.max(acc, Math.abs(v[i]));
    return acc;
  }
  if (normType === 2) {
    // sqrt is correctly rounded; pow(·, 0.5) need not be.
    for (let i = 0; i < v.length; i++) acc += v[i] * v[i];
    return Math.sqrt(acc);
  }
  for (let i = 0; i < v.length; i++) acc += Math.abs(v[i]) ** normType;
  return normType === 1 ? acc : acc ** (1 / normType);
}

export interface ClipGradNormOptions {
  /** Throw, naming the first parameter with a non-finite gradient, instead of returning a non-finite norm. */
  errorIfNonfinite?: boolean;
}

/**
 * Scales all gradients together so that their total `normType`-norm is at most `maxNorm`
 * (scale maxNorm/(total + 1e-6), applied only when below 1), and returns the total norm before
 * clipping. Parameters without a gradient are ignored (0 is returned if none has one).
 *
 * A non-finite total (Infinity or NaN) is returned with the gradients left unchanged, so that the
 * caller can skip the step; PyTorch would instead multiply them by 0 or NaN.
 */
export function clipGradNorm(
  params: Iterable<Tensor> | Tensor,
  maxNorm: number,
  normType = 2,
  opts: ClipGradNormOptions = {},
): number {
  const owner = 'clipGradNorm';
  checkNumber(owner, 'maxNorm', maxNorm, { min: 0, minOpen: true });
  if (normType !== Infinity && !(typeof normType === 'number' && Number.isFinite(normType) && normType > 0)) {
    throw new Error(`${owner}: normType must be a finite number > 0 or Infinity, got ${fmtValue(normType)}`);
  }
  const list = withGrads(owner, params);
  if (list.length === 0) return 0;
  // Norm of the per-parameter norms, as PyTorch computes it.
  const norms = list.map(({ p }) => vectorNorm((p.grad as Tensor).values(), normType));
  const total = vectorNorm(norms, normType);
  if (!Number.isFinite(total)) {
    if (opts.errorIfNonfinite) {
      const k = norms.findIndex((n) => !Number.isFinite(n));
      const culprit = k >= 0 ? `the gradient of ${describeParam(list[k].p, list[k].index)} is non-finite` : 'the per-parameter norms overflow when combined';
      throw new Error(`${owner}: the total gradient norm (order ${normType}) is ${total}: ${culprit}`);
    }
    return total;
  }
  const scale = maxNorm / (total + 1e-6);
  if (scale < 1) for (const { p } of list) mapGrad(p, (x) => x * scale);
  return total;
}

/** Clamps every gradient value to [−clipValue, clipValue] (NaN stays NaN). */
export function clipGradValue(params: Iterable<Tensor> | Tensor, clipValue: number): void {
  const owner = 'clipGradValue';
  checkNumber(owner, 'clipValue', clipValue, { min: 0, minOpen: true });
  for (const { p } of withGrads(owner, params)) {
    mapGrad(p, (x) => (x > clipValue ? clipValue : x < -clipValue ? -clipValue : x));
  }
}
