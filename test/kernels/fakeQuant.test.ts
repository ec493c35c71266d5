import { describe, expect, it } from 'vitest';
import { fakeQuant } from '../../src/kernels/js/quant.js';

describe('js fakeQuant kernel', () => {
  it('rounds half to even per channel and clamps to the integer range', () => {
    // x as [outer 1, c 2, inner 4]; channel 0 scale 0.5, channel 1 scale 1.
    const x = new Float32Array([0.25, 0.75, -0.25, 100, 0.5, 1.5, 2.5, -300]);
    const out = new Float32Array(8);
    const codes = new Int32Array(8);
    fakeQuant(x, out, codes, 1, 2, 4, new Float64Array([0.5, 1]), -128, 127, 'halfEven');
    expect(Array.from(codes)).toEqual([0, 2, 0, 127, 0, 2, 2, -128]);
    expect(Array.from(out)).toEqual([0, 1, 0, 63.5, 0, 2, 2, -128]);
  });

  it('floors for PACT-style unsigned activations', () => {
    const x = new Float32Array([0.99, 1.0, 2.9, -1]);
    const out = new Float32Array(4);
    fakeQuant(x, out, null, 1, 1, 4, new Float64Array([1]), 0, 3, 'floor');
    expect(Array.from(out)).toEqual([0, 1, 2, 0]);
  });
});
