/**
 * The flat-plane depthwise path of the wasm backend (src/kernels/wasm/depthwise.ts) against the
 * js reference: 1-D and 2-D depthwise convs with 'same', asymmetric, causal and zero padding,
 * dilation, bias or none, fused ReLU, and dX / dW / db alone or together; plus which shapes take
 * it (stride 2, channel multipliers and paddings beyond the kernel's reach do not).
 */

import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import * as T from '../../src/index.js';
import { depthwiseFlatApplies } from '../../src/kernels/wasm/depthwise.js';
import { geom } from './convGeom.js';
import type { ConvGeom } from '../../src/kernels/contracts.js';

const JS = T.jsKernels;
const W = T.wasmKernels;

beforeAll(() => {
  expect(T.registerWasmBackend()).toBe(true);
});
afterAll(() => T.setWasmConvPath(null));

function rand(n: number, rng: T.Rng): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.uniform(-1, 1);
  return a;
}

function close(got: ArrayLike<number>, want: ArrayLike<number>, what: string, terms: number): void {
  let peak = 1;
  for (let i = 0; i < want.length; i++) peak = Math.max(peak, Math.abs(want[i]));
  const tol = 4 * terms * 1.2e-7 * peak;
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i] - want[i]) <= tol)) throw new Error(`${what}[${i}]: wasm ${got[i]}, js ${want[i]} (tolerance ${tol})`);
  }
}

type Case = [string, ConvGeom];
const cases: Case[] = [
  ['2-D 3×3 same, ds-cnn plane 25×5', geom(3, 8, 25, 5, 8, 3, 3, { pad: [1, 1, 1, 1], groups: 8 })],
  ['2-D 3×3 valid 9×7', geom(2, 4, 9, 7, 4, 3, 3, { pad: [0, 0, 0, 0], groups: 4 })],
  ['2-D 5×3 asymmetric padding, dilation 2', geom(2, 3, 12, 10, 3, 5, 3, { d: [2, 2], pad: [3, 1, 0, 4], groups: 3 })],
  ['1-D k9 causal', geom(4, 6, 1, 40, 6, 1, 9, { pad: [0, 0, 8, 0], groups: 6 })],
  ['1-D k5 d3 same', geom(2, 5, 1, 33, 5, 1, 5, { d: [1, 3], pad: [0, 0, 6, 6], groups: 5 })],
];

describe('wasm depthwise (flat planes) against js', () => {
  for (const [label, spec] of cases) {
    for (const relu of [false, true]) {
      for (const withBias of [true, false]) {
        it(`${label}${relu ? ', fused ReLU' : ''}${withBias ? '' : ', no bias'}`, () => {
          const g = spec;
          expect(depthwiseFlatApplies(g)).toBe(true);
          T.setWasmConvPath('direct');
          const rng = new T.Rng(g.h * 31 + g.w + g.kw);
          const x = rand(g.n * g.cin * g.h * g.w, rng);
          const w = rand(g.cout * g.kh * g.kw, rng);
          const b = withBias ? rand(g.cout, rng) : null;
          const outW = new Float32Array(g.n * g.cout * g.ho * g.wo);
          const outJ = new Float32Array(outW.length);
          W.convForward!(x, w, b, outW, g, relu);
          JS.convForward(x, w, b, outJ, g, relu);
          close(outW, outJ, 'forward', g.kh * g.kw);
          const dy = rand(outW.length, rng);
          for (const want of [['dx', 'dw', 'db'], ['dx'], ['dw'], ['db']]) {
            const grads = (K: Partial<T.KernelSet>) => {
              const dx = want.includes('dx') ? new Float32Array(x.length) : null;
              const dw = want.includes('dw') ? new Float32Array(w.length) : null;
              const db = want.includes('db') ? new Float32Array(g.cout) : null;
              K.convBackward!(x, w, dy, dx, dw, db, g, relu ? outJ : null);
              return { dx, dw, db };
            };
            const a = grads(W);
            const r = grads(JS);
            if (r.dx) close(a.dx!, r.dx, `dx (${want.join('+')})`, g.kh * g.kw);
            if (r.dw) close(a.dw!, r.dw, `dw (${want.join('+')})`, g.n * g.ho * g.wo);
            if (r.db) close(a.db!, r.db, `db (${want.join('+')})`, g.n * g.ho * g.wo);
          }
          T.setWasmConvPath(null);
        });
      }
    }
  }

  it('takes depthwise stride-1 shapes only', () => {
    expect(depthwiseFlatApplies(geom(1, 8, 8, 8, 8, 3, 3, { s: [2, 2], pad: [1, 1, 1, 1], groups: 8 }))).toBe(false);
    expect(depthwiseFlatApplies(geom(1, 8, 8, 8, 16, 3, 3, { pad: [1, 1, 1, 1], groups: 8 }))).toBe(false);
    expect(depthwiseFlatApplies(geom(1, 8, 8, 8, 8, 3, 3, { pad: [3, 3, 3, 3], groups: 8 }))).toBe(false);
    expect(depthwiseFlatApplies(geom(1, 8, 8, 8, 8, 3, 3, { pad: [1, 1, 1, 1], groups: 1 }))).toBe(false);
  });
});
