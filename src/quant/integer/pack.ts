/**
 * Sub-byte weight packing, LSB-first as MCU kernel libraries lay it out (docs/design.md#integer-deployment): int8 one
 * code per byte; int4 element 2i in the low nibble and 2i+1 in the high nibble; int2 elements
 * 4i..4i+3 at bit offsets 0, 2, 4, 6. A precision that is not a container width (3, 5, 6, 7
 * bits) is stored in the next container. Codes are two's complement within the container.
 */

/** Storage width for a weight precision: 2, 4 or 8 bits (0 for pruned). */
export function containerBits(bits: number): 0 | 2 | 4 | 8 {
  if (bits === 0) return 0;
  if (bits <= 2) return 2;
  if (bits <= 4) return 4;
  if (bits <= 8) return 8;
  throw new Error(`pack: weights of ${bits} bits exceed the int8 container; quantise weights to at most 8 bits for deployment`);
}

export function packedBytes(count: number, bits: number): number {
  const c = containerBits(bits);
  return c === 0 ? 0 : Math.ceil((count * c) / 8);
}

/** Pack integer codes (each in [−2^(bits−1), 2^(bits−1) − 1]) LSB-first. */
export function packWeights(codes: ArrayLike<number>, bits: number): Uint8Array {
  const c = containerBits(bits);
  const out = new Uint8Array(packedBytes(codes.length, bits));
  if (c === 0) return out;
  const lo = -(2 ** (bits - 1));
  const hi = 2 ** (bits - 1) - 1;
  const per = 8 / c;
  const mask = (1 << c) - 1;
  for (let i = 0; i < codes.length; i++) {
    const q = codes[i];
    if (!(Number.isInteger(q) && q >= lo && q <= hi)) throw new Error(`packWeights: code ${q} at index ${i} is outside the ${bits}-bit range [${lo}, ${hi}]`);
    out[Math.floor(i / per)] |= (q & mask) << ((i % per) * c);
  }
  return out;
}

/** Unpack `count` codes of the given precision (sign-extended from the container width). */
export function unpackWeights(buf: Uint8Array, count: number, bits: number): Int8Array {
  const c = containerBits(bits);
  const out = new Int8Array(count);
  if (c === 0) return out;
  if (buf.length < packedBytes(count, bits)) throw new Error(`unpackWeights: ${buf.length} bytes hold fewer than ${count} codes of ${bits} bits`);
  const per = 8 / c;
  const mask = (1 << c) - 1;
  const sign = 1 << (c - 1);
  for (let i = 0; i < count; i++) {
    const f = (buf[Math.floor(i / per)] >> ((i % per) * c)) & mask;
    out[i] = f & sign ? f - (1 << c) : f;
  }
  return out;
}
