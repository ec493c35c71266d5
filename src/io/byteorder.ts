/**
 * Moves typed-array elements to and from little-endian bytes, whatever the host byte order.
 *
 * Binary formats here (safetensors) are little-endian by definition. On little-endian hosts,
 * which is every mainstream Node target, a plain byte copy is exact and fast; on a big-endian
 * host each element's bytes are reversed instead. Byte reversal (rather than DataView number
 * round trips) keeps every bit, including NaN payloads. Reads always return fresh arrays, so
 * the result is aligned even when the source bytes sit at an odd file offset.
 */

import { allocate, arrayClassOf, type DType, type TypedArray } from '../tensor/dtype.js';

export const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The tensor dtypes and their arrays, under the names the io code uses. */
export type PlainDtype = DType;
export type PlainArray = TypedArray;
export { arrayClassOf };

function bytesOf(array: ArrayBufferView): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

function copyReversingElements(src: Uint8Array, dst: Uint8Array, itemsize: number): void {
  for (let base = 0; base < src.length; base += itemsize) {
    for (let j = 0; j < itemsize; j++) dst[base + j] = src[base + itemsize - 1 - j]!;
  }
}

/**
 * Reads `count` elements of `dtype` from little-endian `bytes` (exactly count × itemsize long)
 * into a new array. `hostLittleEndian` exists so tests can exercise the big-endian path.
 */
export function readLittleEndian(
  dtype: PlainDtype,
  bytes: Uint8Array,
  count: number,
  hostLittleEndian = HOST_IS_LITTLE_ENDIAN,
): PlainArray {
  const out = allocate(dtype, count);
  const itemsize = out.BYTES_PER_ELEMENT;
  if (bytes.length !== count * itemsize) {
    throw new RangeError(`readLittleEndian: ${count} ${dtype} elements need ${count * itemsize} bytes, got ${bytes.length}`);
  }
  if (hostLittleEndian || itemsize === 1) bytesOf(out).set(bytes);
  else copyReversingElements(bytes, bytesOf(out), itemsize);
  return out;
}

/** Writes `array`'s elements as little-endian bytes into `target` (exactly array.byteLength long). */
export function writeLittleEndian(
  array: PlainArray,
  target: Uint8Array,
  hostLittleEndian = HOST_IS_LITTLE_ENDIAN,
): void {
  if (target.length !== array.byteLength) {
    throw new RangeError(`writeLittleEndian: target has ${target.length} bytes, array needs ${array.byteLength}`);
  }
  if (hostLittleEndian || array.BYTES_PER_ELEMENT === 1) target.set(bytesOf(array));
  else copyReversingElements(bytesOf(array), target, array.BYTES_PER_ELEMENT);
}

function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >>> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24; // zero and subnormals
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** Widens little-endian IEEE half floats to float32; exact, since every half is a float32. */
export function readFloat16AsFloat32(bytes: Uint8Array, count: number): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, count * 2);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = halfToNumber(view.getUint16(2 * i, true));
  return out;
}

/** Widens little-endian bfloat16 to float32; exact, since bfloat16 is float32's top half. */
export function readBfloat16AsFloat32(bytes: Uint8Array, count: number): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, count * 2);
  const out = new Float32Array(count);
  // Writing through a native-order uint32 view of the float32 storage is host-order safe.
  const bits = new Uint32Array(out.buffer);
  for (let i = 0; i < count; i++) bits[i] = view.getUint16(2 * i, true) << 16;
  return out;
}
