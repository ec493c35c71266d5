/**
 * The shared backend suite (backends.test.ts) once more with the wasm backend forced to its
 * plain-SIMD variant, so both module variants are held to the same tolerances: by default Node
 * runs the relaxed-SIMD (FMA) variant, and results differ between the two in the last digits.
 * The variant is fixed per process when the runtime starts, and vitest runs each test file in its
 * own process (pool 'forks'), so the choice is made here before the suite is loaded.
 */

import { describe, it, expect } from 'vitest';
import * as T from '../../src/index.js';

T.setWasmIsa('simd');

describe('wasm forced to plain SIMD', () => {
  it("runs the 'simd' variant and says why", () => {
    expect(T.wasmInfo()).toMatchObject({ isa: 'simd', isaReason: "forced by setWasmIsa('simd')" });
  });
});

await import('./backends.test.js');
