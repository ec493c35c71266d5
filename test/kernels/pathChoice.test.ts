/**
 * The measured convolution path choice (src/kernels/wasm/pathChoice.ts): in 'measure' mode the
 * first call on a shape times its candidate paths and keeps the fastest, later calls reuse it;
 * the choices can be exported and loaded back (and a malformed record is refused, naming the
 * entry); results stay those of the js reference within the backend tolerance; 'rule' mode (the
 * default) ignores the cache.
 */

import { describe, it, expect, beforeAll, afterEach } from 'vitest';
import * as T from '../../src/index.js';
import { geom } from './convGeom.js';

beforeAll(() => {
  expect(T.registerWasmBackend()).toBe(true);
});
afterEach(() => {
  T.setWasmConvPathPolicy('rule');
  T.clearWasmConvPathChoices();
});

function rand(n: number, seed: number): Float32Array {
  const rng = new T.Rng(seed);
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.uniform(-1, 1);
  return a;
}

describe('measured conv path choice', () => {
  const shapes = {
    winograd1d: geom(4, 16, 1, 96, 16, 1, 9, { pad: [0, 0, 8, 0] }),
    depthwise: geom(4, 8, 12, 6, 8, 3, 3, { pad: [1, 1, 1, 1], groups: 8 }),
    plain: geom(2, 3, 10, 10, 4, 3, 3, { pad: [1, 1, 1, 1] }),
  };

  it('rule mode is the default and records nothing', () => {
    expect(T.wasmConvPathPolicy()).toBe('rule');
    const g = shapes.winograd1d;
    T.wasmKernels.convForward!(rand(g.n * g.cin * g.w, 1), rand(g.cout * g.cin * g.kw, 2), null, new Float32Array(g.n * g.cout * g.wo), g, false);
    expect(T.wasmConvPathChoices()).toEqual({});
  });

  it('measure mode: one timing per shape among its candidates, reused, results as js', () => {
    T.setWasmConvPathPolicy('measure');
    for (const [name, g] of Object.entries(shapes)) {
      const x = rand(g.n * g.cin * g.h * g.w, 3);
      const w = rand(g.cout * (g.cin / g.groups) * g.kh * g.kw, 4);
      const got = new Float32Array(g.n * g.cout * g.ho * g.wo);
      const want = new Float32Array(got.length);
      T.wasmKernels.convForward!(x, w, null, got, g, false);
      T.jsKernels.convForward(x, w, null, want, g, false);
      const peak = want.reduce((m, v) => Math.max(m, Math.abs(v)), 1);
      got.forEach((v, i) => expect(Math.abs(v - want[i]), `${name}[${i}]`).toBeLessThanOrEqual(1e-5 * peak));
      const key = T.convGeomKey(g);
      const chosen = T.wasmConvPathChoices()[key];
      const timed = Object.keys(T.wasmConvPathTimings()[key]);
      if (name === 'plain') expect(timed).toEqual([]); // one candidate: nothing to time
      else expect(timed.length).toBe(2);
      expect(T.convPath(g)).toBe(chosen);
    }
    const before = JSON.stringify(T.wasmConvPathTimings());
    const g = shapes.depthwise;
    T.wasmKernels.convForward!(rand(g.n * g.cin * g.h * g.w, 5), rand(g.cout * g.kh * g.kw, 6), null, new Float32Array(g.n * g.cout * g.ho * g.wo), g, false);
    expect(JSON.stringify(T.wasmConvPathTimings())).toBe(before); // no second timing
  });

  it('saved choices load back and are used without timing; a bad record is refused whole', () => {
    const g = shapes.winograd1d;
    const key = T.convGeomKey(g);
    T.setWasmConvPathPolicy('measure');
    T.loadWasmConvPathChoices({ [key]: 'im2col' });
    expect(T.convPath(g)).toBe('im2col');
    T.wasmKernels.convForward!(rand(g.n * g.cin * g.w, 1), rand(g.cout * g.cin * g.kw, 2), null, new Float32Array(g.n * g.cout * g.wo), g, false);
    expect(T.wasmConvPathTimings()[key]).toBeUndefined();
    expect(() => T.loadWasmConvPathChoices({ [key]: 'fft' })).toThrow(/'4,16,1,96.*"fft".*im2col, direct, winograd/);
    expect(() => T.loadWasmConvPathChoices({ '1,2': 'im2col' })).toThrow(/'1,2' is not a shape key/);
    expect(() => T.setWasmConvPathPolicy('fast' as never)).toThrow(/'rule' or 'measure'/);
    T.setWasmConvPathPolicy('rule');
    expect(T.convPath(g)).toBe('winograd');
  });
});
