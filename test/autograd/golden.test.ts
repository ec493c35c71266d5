/**
 * Forward values and gradients against PyTorch golden fixtures (float64), one test per case.
 * Format: scripts/golden/README.md. batchnorm.json and loss.json belong to the nn tests.
 */

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it, expect } from 'vitest';
import * as T from '../../src/index.js';
import { compare } from './helpers.js';

interface Json { shape: number[]; data: number[]; dtype?: string }
interface GoldenCase {
  name: string;
  op: string;
  attrs: Record<string, unknown>;
  inputs: Record<string, Json>;
  output: Json;
  dy: Json;
  grads: Record<string, Json>;
}

const RTOL = 1e-9;

function load(file: string): GoldenCase[] {
  const path = fileURLToPath(new URL(`../fixtures/golden/${file}.json`, import.meta.url));
  const doc = JSON.parse(readFileSync(path, 'utf8')) as { dtype: string; cases: GoldenCase[] };
  if (doc.dtype !== 'float64') throw new Error(`${file}.json: expected float64 fixtures, got ${doc.dtype}`);
  return doc.cases;
}

const pairOf = (v: unknown): [number, number] => (typeof v === 'number' ? [v, v] : [(v as number[])[0], (v as number[])[1]]);

/** Our forward for one fixture op, on leaves named like the fixture's inputs. */
function forward(c: GoldenCase, x: Record<string, T.Tensor>): T.Tensor {
  const a = c.attrs;
  switch (c.op) {
    case 'conv1d': {
      const p = a.padding as [number, number];
      return T.conv1d(x.x, x.w, a.bias ? x.b : null, {
        stride: a.stride as number, dilation: a.dilation as number, padding: [p[0], p[1]], groups: a.groups as number,
      });
    }
    case 'conv2d': {
      const p = a.padding as [number, number, number, number];
      return T.conv2d(x.x, x.w, a.bias ? x.b : null, {
        stride: pairOf(a.stride), dilation: pairOf(a.dilation), padding: [p[0], p[1], p[2], p[3]], groups: a.groups as number,
      });
    }
    case 'maxpool1d':
      expect(a.dilation).toBe(1);
      return T.maxPool1d(x.x, { kernel: a.kernel as number, stride: a.stride as number, padding: a.padding as number });
    case 'maxpool2d':
      expect(a.dilation).toEqual([1, 1]);
      return T.maxPool2d(x.x, { kernel: pairOf(a.kernel), stride: pairOf(a.stride), padding: pairOf(a.padding) });
    case 'avgpool1d':
      return T.avgPool1d(x.x, {
        kernel: a.kernel as number, stride: a.stride as number, padding: a.padding as number, countIncludePad: a.countIncludePad as boolean,
      });
    case 'avgpool2d':
      return T.avgPool2d(x.x, {
        kernel: pairOf(a.kernel), stride: pairOf(a.stride), padding: pairOf(a.padding), countIncludePad: a.countIncludePad as boolean,
      });
    case 'globalavgpool1d':
    case 'globalavgpool2d':
      return T.globalAvgPool(x.x);
    case 'relu': return T.relu(x.x);
    case 'relu6': return T.relu6(x.x);
    case 'sigmoid': return T.sigmoid(x.x);
    case 'tanh': return T.tanh(x.x);
    case 'leaky_relu': return T.leakyRelu(x.x, a.negativeSlope as number);
    case 'softmax': return T.softmax(x.x, a.axis as number);
    case 'log_softmax': return T.logSoftmax(x.x, a.axis as number);
    case 'linear': {
      const y = T.matmul(x.x, T.transpose(x.w));
      return a.bias ? T.add(y, x.b) : y;
    }
    case 'matmul': return T.matmul(x.a, x.b);
    default:
      throw new Error(`golden: no mapping for fixture op '${c.op}' (case ${c.name})`);
  }
}

const maxAbs = (a: ArrayLike<number>): number => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
};

/**
 * Elementwise |ours − torch| ≤ RTOL·|torch| + floor. The floor (RTOL·1e-3 of `scale`) only matters
 * for elements far below the tensor's magnitude, where both libraries carry absolute rounding
 * errors of the size of the inputs: e.g. a saturated softmax's gradient s·(dy − ⟨s, dy⟩) cancels
 * terms of size |dy| down to 1e-10, so its absolute error is ulp(|dy|), not ulp(result).
 */
function expectClose(what: string, actual: T.Tensor, expected: Json, scale: number): void {
  expect(actual.shape, `${what} shape`).toEqual(expected.shape);
  const r = compare(actual.values(), expected.data, RTOL, RTOL * 1e-3 * Math.max(scale, maxAbs(expected.data)) + 1e-300);
  expect(r.ok, `${what}: ${r.worst}`).toBe(true);
}

function runCase(c: GoldenCase): void {
  T.withDefaultDtype('float64', () => {
    const leaves: Record<string, T.Tensor> = {};
    for (const [k, v] of Object.entries(c.inputs)) {
      leaves[k] = T.tensor(Float64Array.from(v.data), [...v.shape], { requiresGrad: true });
    }
    const out = forward(c, leaves);
    expect(out.dtype).toBe('float64');
    expectClose('output', out, c.output, 0);
    T.backward(out, T.tensor(Float64Array.from(c.dy.data), [...c.dy.shape]));
    expect(Object.keys(c.grads).sort()).toEqual(Object.keys(c.inputs).sort());
    for (const [k, g] of Object.entries(c.grads)) {
      const grad = leaves[k].grad;
      expect(grad, `gradient of ${k}`).not.toBeNull();
      expectClose(`grad ${k}`, grad as T.Tensor, g, maxAbs(c.dy.data));
    }
  });
}

for (const file of ['conv', 'pool', 'activations', 'linear']) {
  const cases = load(file);
  describe(`golden ${file}.json (${cases.length} cases)`, () => {
    it('has cases', () => expect(cases.length).toBeGreaterThan(5));
    for (const c of cases) it(c.name, () => runCase(c));
  });
}
