/**
 * IDX reader (the MNIST / Fashion-MNIST container), plain or gzipped.
 *
 * Header: two zero bytes, a type code, the number of dimensions, then one big-endian uint32
 * per dimension; the values follow, big-endian. Images are type 0x08 (ubyte) with 3 dims
 * (magic 0x00000803), labels ubyte with 1 dim (0x00000801).
 */

import { asBytes, dataView, gunzip, isGzip, need } from './bytes.js';
import type { Zlib } from '../../platform/types.js';

export interface IdxArray {
  dims: number[];
  /** Type code: 0x08 ubyte, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64. */
  type: number;
  /** ubyte data stays bytes (no copy for the common case); other types become Float64Array. */
  data: Uint8Array | Float64Array;
}

const WIDTH: Record<number, number> = { 0x08: 1, 0x09: 1, 0x0b: 2, 0x0c: 4, 0x0d: 4, 0x0e: 8 };

/** Parses an IDX file held in memory; `source` names it in errors; a gzipped one needs `zlib`. */
export function parseIdx(buf: Uint8Array | ArrayBuffer, source = 'IDX', zlib?: Zlib): IdxArray {
  let bytes = asBytes(buf);
  if (isGzip(bytes)) bytes = gunzip(source, bytes, zlib);
  need(source, bytes, 0, 4, 'the IDX magic number');
  const type = bytes[2];
  const ndim = bytes[3];
  const width = WIDTH[type];
  if (bytes[0] !== 0 || bytes[1] !== 0 || width === undefined || ndim === 0) {
    const magic = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join('');
    throw new Error(`${source}: bad IDX magic 0x${magic}; expected 0x00000803 (images), 0x00000801 (labels) or another 0x0000TTDD IDX header`);
  }
  need(source, bytes, 4, 4 * ndim, `the ${ndim} dimension sizes`);
  const view = dataView(bytes);
  const dims: number[] = [];
  let count = 1;
  for (let i = 0; i < ndim; i++) {
    const d = view.getUint32(4 + 4 * i, false);
    dims.push(d);
    count *= d;
  }
  const start = 4 + 4 * ndim;
  const expected = count * width;
  if (bytes.length - start < expected) {
    throw new Error(`${source}: header says ${dims.join('×')} values (${expected} bytes) but only ${bytes.length - start} bytes follow; the file is truncated`);
  }
  if (type === 0x08) return { dims, type, data: bytes.subarray(start, start + expected) };
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const p = start + i * width;
    out[i] =
      type === 0x09 ? view.getInt8(p)
      : type === 0x0b ? view.getInt16(p, false)
      : type === 0x0c ? view.getInt32(p, false)
      : type === 0x0d ? view.getFloat32(p, false)
      : view.getFloat64(p, false);
  }
  return { dims, type, data: out };
}
