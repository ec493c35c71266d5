/**
 * Protobuf wire-format writing, just what the ONNX writer needs: varints, length-delimited
 * fields, packed-free repeated scalars, little-endian float32 fields. Messages are built as byte
 * arrays bottom-up (no schema compiler, no dependency).
 */

export type Bytes = number[];

export function varint(out: Bytes, v: number | bigint): void {
  let x = BigInt(v);
  if (x < 0n) x += 1n << 64n; // negative int64 values are ten-byte two's complement varints
  do {
    let b = Number(x & 0x7fn);
    x >>= 7n;
    if (x !== 0n) b |= 0x80;
    out.push(b);
  } while (x !== 0n);
}

function key(out: Bytes, field: number, wire: number): void {
  varint(out, (field << 3) | wire);
}

export function fieldInt(out: Bytes, field: number, v: number | bigint): void {
  key(out, field, 0);
  varint(out, v);
}

export function fieldFloat(out: Bytes, field: number, v: number): void {
  key(out, field, 5);
  const b = new Uint8Array(4);
  new DataView(b.buffer).setFloat32(0, v, true);
  for (const x of b) out.push(x);
}

export function fieldBytes(out: Bytes, field: number, b: ArrayLike<number>): void {
  key(out, field, 2);
  varint(out, b.length);
  for (let i = 0; i < b.length; i++) out.push(b[i]);
}

export function fieldString(out: Bytes, field: number, s: string): void {
  fieldBytes(out, field, new TextEncoder().encode(s));
}

/** A nested message: build its bytes with `build`. */
export function message(build: (o: Bytes) => void): Bytes {
  const o: Bytes = [];
  build(o);
  return o;
}
