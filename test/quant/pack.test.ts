import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/tensor/rng.js';
import { containerBits, packWeights, packedBytes, unpackWeights } from '../../src/quant/integer/pack.js';
import { mulShiftFloor, requantMultiplier } from '../../src/quant/integer/requant.js';

describe('weight packing (LSB-first)', () => {
  it('int4: element 2i in the low nibble, 2i+1 in the high nibble', () => {
    expect(Array.from(packWeights([1, -2, 7, -8, 3], 4))).toEqual([0xe1, 0x87, 0x03]);
  });

  it('int2: fields at bit offsets 0, 2, 4, 6', () => {
    // 1 → 01, −1 → 11, −2 → 10, 0 → 00: byte = 00 10 11 01
    expect(Array.from(packWeights([1, -1, -2, 0], 2))).toEqual([0b00101101]);
  });

  it('round trips every precision up to 8 bits (3/5/6/7 stored in the next container)', () => {
    const rng = new Rng(7);
    for (let bits = 2; bits <= 8; bits++) {
      const lo = -(2 ** (bits - 1));
      const n = 37;
      const codes = Array.from({ length: n }, () => lo + Math.floor(rng.next() * 2 ** bits));
      const buf = packWeights(codes, bits);
      expect(buf.length).toBe(packedBytes(n, bits));
      expect(buf.length).toBe(Math.ceil((n * containerBits(bits)) / 8));
      expect(Array.from(unpackWeights(buf, n, bits))).toEqual(codes);
    }
  });

  it('rejects codes outside the precision and weights wider than 8 bits', () => {
    expect(() => packWeights([8], 4)).toThrow(/code 8 at index 0 is outside the 4-bit range \[-8, 7\]/);
    expect(() => packWeights([0], 9)).toThrow(/exceed the int8 container/);
  });
});

describe('requantisation multiplier and shift', () => {
  it('m ∈ [2^30, 2^31) approximates M to 31 bits', () => {
    for (const M of [1e-6, 0.0123, 0.5, 0.999999, 1, 3.75, 1234.5]) {
      const r = requantMultiplier(M, 'test');
      expect(r.m).toBeGreaterThanOrEqual(2 ** 30);
      expect(r.m).toBeLessThan(2 ** 31);
      expect(Math.abs(r.m / 2 ** r.shift - M) / M).toBeLessThan(2 ** -30);
    }
    expect(requantMultiplier(0, 'zero')).toEqual({ m: 0, shift: 0 });
    expect(() => requantMultiplier(-1, "layer 'x'")).toThrow(/layer 'x'.*must be finite and ≥ 0/);
  });

  it('floor(acc·m / 2^shift) is exact for int32 accumulators (checked against BigInt)', () => {
    const rng = new Rng(11);
    for (let t = 0; t < 3000; t++) {
      const acc = Math.floor((rng.next() * 2 - 1) * 2 ** 31);
      const M = 10 ** (-8 + 8 * rng.next());
      const r = requantMultiplier(M, 'test');
      const p = BigInt(acc) * BigInt(r.m);
      const d = 2n ** BigInt(r.shift);
      let want = p / d; // truncates toward zero
      if (p % d !== 0n && p < 0n) want -= 1n;
      expect(mulShiftFloor(acc, r)).toBe(Number(want));
    }
  });
});
