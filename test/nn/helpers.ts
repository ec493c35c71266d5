/** Shared helpers for the nn / models / io / cli tests: fixtures, seeded inputs, comparisons. */

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as T from '../../src/index.js';
import type { ArrayDataset, DatasetSplits, Task } from '../../src/data/types.js';
import type { Module } from '../../src/nn/module.js';

export interface JsonTensor { shape: number[]; data: number[]; dtype?: string }

export interface GoldenCase {
  name: string;
  op: string;
  attrs: Record<string, unknown>;
  inputs: Record<string, JsonTensor>;
  output: JsonTensor;
  dy: JsonTensor;
  grads: Record<string, JsonTensor>;
  running_mean_after?: JsonTensor;
  running_var_after?: JsonTensor;
}

/** The cases of test/fixtures/golden/<file>.json (see scripts/golden/README.md). */
export function loadGolden(file: string): GoldenCase[] {
  const path = fileURLToPath(new URL(`../fixtures/golden/${file}.json`, import.meta.url));
  const doc = JSON.parse(readFileSync(path, 'utf8')) as { dtype: string; cases: GoldenCase[] };
  if (doc.dtype !== 'float64') throw new Error(`${file}.json: expected float64 fixtures, got ${doc.dtype}`);
  return doc.cases;
}

/** A float64 tensor from a fixture entry. */
export function f64(j: JsonTensor, requiresGrad = false): T.Tensor {
  return T.tensor(Float64Array.from(j.data), [...j.shape], { requiresGrad });
}

/** Throws with the worst element when some |a − e| > atol + rtol·|e|. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, rtol = 1e-9, atol = 1e-12): void {
  if (actual.length !== expected.length) throw new Error(`${what}: length ${actual.length} vs expected ${expected.length}`);
  let worst = -1;
  let worstRatio = 0;
  for (let i = 0; i < actual.length; i++) {
    const err = Math.abs(actual[i] - expected[i]);
    const tol = atol + rtol * Math.abs(expected[i]);
    const ratio = Number.isNaN(err) ? Infinity : err / tol;
    if (ratio > worstRatio) {
      worstRatio = ratio;
      worst = i;
    }
  }
  if (worstRatio > 1) {
    throw new Error(`${what}: element ${worst} is ${actual[worst]}, expected ${expected[worst]} (|diff| ${Math.abs(actual[worst] - expected[worst]).toExponential(3)}, rtol ${rtol})`);
  }
}

/** A float64 tensor of seeded uniform values in [lo, hi). */
export function rand(shape: readonly number[], seed: number, lo = -1, hi = 1): T.Tensor {
  const rng = new T.Rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.uniform(lo, hi);
  return T.tensor(a, [...shape]);
}

/** Every parameter and buffer of a model, copied, by name. */
export function weightsOf(m: Module): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const [k, t] of m.stateDict()) out.set(k, Array.from(t.values()));
  return out;
}

/** Number of conv / linear scalars: every parameter except those of BatchNorm layers. */
export function convLinearParams(m: Module): number {
  let n = 0;
  for (const [name, p] of m.namedParameters()) {
    const owner = name.slice(0, name.lastIndexOf('.'));
    const mod = m.namedModules().find(([path]) => path === owner)?.[1];
    if (mod !== undefined && mod.describe().startsWith('BatchNorm')) continue;
    n += p.size;
  }
  return n;
}

export function arrayDataset(name: string, x: Float32Array, sampleShape: number[], y: Int32Array | Float32Array, task: Task, numClasses?: number): ArrayDataset {
  return { name, x, sampleShape, y, length: y.length, task, ...(numClasses !== undefined ? { numClasses } : {}) };
}

/**
 * A linearly separable 2-class problem on [C=2, L=8] sequences: class 1 adds +1 to channel 0 and
 * −1 to channel 1 on top of small seeded noise.
 */
export function separableSplits(seed: number, nTrain = 96, nVal = 32, nTest = 32): DatasetSplits {
  const rng = new T.Rng(seed);
  const shape = [2, 8];
  const make = (n: number, name: string): ArrayDataset => {
    const x = new Float32Array(n * 16);
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      y[i] = i % 2;
      const sign = y[i] === 1 ? 1 : -1;
      for (let j = 0; j < 16; j++) x[i * 16 + j] = 0.3 * rng.normal() + (j < 8 ? sign : -sign) * 0.8;
    }
    return arrayDataset(name, x, shape, y, 'classification', 2);
  };
  return {
    train: make(nTrain, 'sep-train'),
    val: make(nVal, 'sep-val'),
    test: make(nTest, 'sep-test'),
    info: { name: 'separable', task: 'classification', numClasses: 2, sampleShape: shape, metric: 'accuracy', source: 'synthetic', notes: 'test data' },
  };
}

/** Regression: y = 50 + 10·(w·x) on [4] vectors, so target scaling matters (mean 50, std ≈ 10·|w|). */
export function linearRegressionSplits(seed: number, nTrain = 128, nVal = 32, nTest = 32): DatasetSplits {
  const rng = new T.Rng(seed);
  const w = [0.5, -0.3, 0.8, 0.1];
  const make = (n: number, name: string): ArrayDataset => {
    const x = new Float32Array(n * 4);
    const y = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < 4; j++) {
        const v = rng.normal();
        x[i * 4 + j] = v;
        s += w[j] * v;
      }
      y[i] = 50 + 10 * s;
    }
    return arrayDataset(name, x, [4], y, 'regression');
  };
  return {
    train: make(nTrain, 'lin-train'),
    val: make(nVal, 'lin-val'),
    test: make(nTest, 'lin-test'),
    info: { name: 'linear', task: 'regression', sampleShape: [4], metric: 'mae', source: 'synthetic', notes: 'test data' },
  };
}
