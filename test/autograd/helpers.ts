/** Shared helpers for the engine tests: deterministic float64 inputs and graph inspection. */

import * as T from '../../src/index.js';

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

export interface RandOptions {
  lo?: number;
  hi?: number;
  /** Values closer than `margin` to any of these points are redrawn (kinks of relu, abs, clamp…). */
  avoid?: readonly number[];
  margin?: number;
}

/** A float64 tensor of seeded uniform values. */
export function rand(shape: readonly number[], seed: number, o: RandOptions = {}): T.Tensor {
  const rng = new T.Rng(seed);
  const lo = o.lo ?? -1;
  const hi = o.hi ?? 1;
  const avoid = o.avoid ?? [];
  const margin = o.margin ?? 0.05;
  const a = new Float64Array(size(shape));
  for (let i = 0; i < a.length; i++) {
    let v: number;
    do v = rng.uniform(lo, hi);
    while (avoid.some((k) => Math.abs(v - k) < margin));
    a[i] = v;
  }
  return T.tensor(a, [...shape]);
}

/**
 * A float64 tensor with pairwise distinct values spaced at least `spacing` apart (a scaled random
 * permutation plus a little jitter), so that max / argmax never tie and a finite-difference
 * step never changes the winner.
 */
export function distinct(shape: readonly number[], seed: number, spacing = 0.1): T.Tensor {
  const n = size(shape);
  const rng = new T.Rng(seed);
  const p = rng.permutation(n);
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = (p[i] - n / 2) * spacing + rng.uniform(0, spacing * 0.3);
  return T.tensor(a, [...shape]);
}

/** The set of primitive names recorded in the graph that produced `out`. */
export function recordedOps(out: T.Tensor): Set<string> {
  const ops = new Set<string>();
  const seen = new Set<number>();
  const stack: T.Tensor[] = [out];
  while (stack.length > 0) {
    const t = stack.pop() as T.Tensor;
    if (seen.has(t.id)) continue;
    seen.add(t.id);
    if (t.node !== null) {
      ops.add(t.node.op);
      stack.push(...t.node.inputs);
    }
  }
  return ops;
}

/** A fresh leaf copy that requires a gradient. */
export function leaf(t: T.Tensor): T.Tensor {
  return T.tensor(t.toTypedArray(), [...t.shape], { requiresGrad: true });
}

/** Largest elementwise |a − b|, and whether every element is within atol + rtol·|b|. */
export function compare(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol: number, atol: number): { ok: boolean; worst: string } {
  if (actual.length !== expected.length) return { ok: false, worst: `length ${actual.length} vs ${expected.length}` };
  let ok = true;
  let worstRatio = 0;
  let worst = 'exact';
  for (let i = 0; i < actual.length; i++) {
    const err = Math.abs(actual[i] - expected[i]);
    const tol = atol + rtol * Math.abs(expected[i]);
    if (!(err <= tol)) ok = false;
    const ratio = tol > 0 ? err / tol : err;
    if (ratio > worstRatio || Number.isNaN(err)) {
      worstRatio = ratio;
      worst = `element ${i}: got ${actual[i]}, expected ${expected[i]} (|diff| ${err.toExponential(3)})`;
    }
  }
  return { ok, worst };
}
