/**
 * The safetensors dtype names, their element sizes, and how tsdnas maps them to typed arrays.
 *
 * Kept apart from the codec so the policy (what we read, what we refuse and why) is in one
 * table. I64 is refused rather than read into a BigInt64Array: tsdnas has no 64-bit integer
 * tensors, and a bigint array would leak `number | bigint` into every consumer of
 * NamedArray.data. F16 and BF16 are read-only and widen exactly to float32.
 */

import type { PlainDtype } from './byteorder.js';

export interface ReadableDtype {
  /** Bytes per element in the file. */
  itemsize: number;
  /** The NamedArray dtype the elements are decoded into. */
  readAs: PlainDtype;
  /** How the bytes become elements: a straight little-endian copy, or a widening conversion. */
  decode: 'copy' | 'float16' | 'bfloat16';
}

export const READABLE_DTYPES: ReadonlyMap<string, ReadableDtype> = new Map([
  ['F64', { itemsize: 8, readAs: 'float64', decode: 'copy' }],
  ['F32', { itemsize: 4, readAs: 'float32', decode: 'copy' }],
  ['I32', { itemsize: 4, readAs: 'int32', decode: 'copy' }],
  ['I8', { itemsize: 1, readAs: 'int8', decode: 'copy' }],
  ['U8', { itemsize: 1, readAs: 'uint8', decode: 'copy' }],
  ['F16', { itemsize: 2, readAs: 'float32', decode: 'float16' }],
  ['BF16', { itemsize: 2, readAs: 'float32', decode: 'bfloat16' }],
]);

/** Dtypes the safetensors spec defines that tsdnas cannot hold; named so errors can say so. */
export const SPEC_ONLY_DTYPES: ReadonlySet<string> = new Set([
  'BOOL', 'F4', 'F6_E2M3', 'F6_E3M2', 'F8_E5M2', 'F8_E4M3', 'F8_E8M0',
  'I16', 'U16', 'U32', 'I64', 'U64', 'C64',
]);

export interface WritableDtype {
  name: string;
  itemsize: number;
  /**
   * Position in the reference implementation's dtype enum. Writers sort tensors by descending
   * rank (then name) so that every tensor starts at a multiple of its own element size, and so
   * our files are byte-identical to those of the reference writer.
   */
  rank: number;
}

export const WRITABLE_DTYPES: Readonly<Record<PlainDtype, WritableDtype>> = {
  uint8: { name: 'U8', itemsize: 1, rank: 0 },
  int8: { name: 'I8', itemsize: 1, rank: 1 },
  int32: { name: 'I32', itemsize: 4, rank: 2 },
  float32: { name: 'F32', itemsize: 4, rank: 3 },
  float64: { name: 'F64', itemsize: 8, rank: 4 },
};

export function isPlainDtype(value: unknown): value is PlainDtype {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(WRITABLE_DTYPES, value);
}
