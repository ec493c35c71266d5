/**
 * Builders of small synthetic files (MAT v5, WAV, IDX, UCR) for the reader tests, so that
 * each reader is exercised on known bytes, including truncated and corrupt variants.
 */

import { deflateSync } from 'node:zlib';

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function words(values: number[], bytesEach: 2 | 4, le: boolean, signed = false): Uint8Array {
  const out = new Uint8Array(values.length * bytesEach);
  const v = new DataView(out.buffer);
  values.forEach((x, i) => {
    if (bytesEach === 2) signed ? v.setInt16(2 * i, x, le) : v.setUint16(2 * i, x, le);
    else signed ? v.setInt32(4 * i, x, le) : v.setUint32(4 * i, x, le);
  });
  return out;
}

// ---------------------------------------------------------------- MAT v5

export const MI = { INT8: 1, UINT8: 2, INT16: 3, UINT16: 4, INT32: 5, UINT32: 6, SINGLE: 7, DOUBLE: 9, MATRIX: 14, COMPRESSED: 15 };
export const MX = { CELL: 1, STRUCT: 2, CHAR: 4, DOUBLE: 6, SINGLE: 7, UINT8: 9, INT16: 10 };

export function matHeader(le = true, text = 'MATLAB 5.0 MAT-file, Platform: test, Created by: tsdnas tests'): Uint8Array {
  const h = new Uint8Array(128).fill(0x20);
  for (let i = 0; i < text.length; i++) h[i] = text.charCodeAt(i);
  h.fill(0, 116, 124);
  new DataView(h.buffer).setUint16(124, 0x0100, le);
  const mark = le ? 'IM' : 'MI';
  h[126] = mark.charCodeAt(0);
  h[127] = mark.charCodeAt(1);
  return h;
}

/** A data element; small format (type and size in one word) when `small` and it fits in 4 bytes. */
export function matElement(type: number, data: Uint8Array, le = true, small = true): Uint8Array {
  if (small && data.length > 0 && data.length <= 4) {
    const out = new Uint8Array(8);
    new DataView(out.buffer).setUint32(0, (data.length << 16) | type, le);
    out.set(data, 4);
    return out;
  }
  const padded = type === MI.COMPRESSED ? data.length : (data.length + 7) & ~7;
  const out = new Uint8Array(8 + padded);
  const v = new DataView(out.buffer);
  v.setUint32(0, type, le);
  v.setUint32(4, data.length, le);
  out.set(data, 8);
  return out;
}

export function numbers(type: number, values: number[], le = true): Uint8Array {
  const width = { 1: 1, 2: 1, 3: 2, 4: 2, 5: 4, 6: 4, 7: 4, 9: 8 }[type as 1]!;
  const out = new Uint8Array(values.length * width);
  const v = new DataView(out.buffer);
  values.forEach((x, i) => {
    const o = i * width;
    if (type === 1) v.setInt8(o, x);
    else if (type === 2) v.setUint8(o, x);
    else if (type === 3) v.setInt16(o, x, le);
    else if (type === 4) v.setUint16(o, x, le);
    else if (type === 5) v.setInt32(o, x, le);
    else if (type === 6) v.setUint32(o, x, le);
    else if (type === 7) v.setFloat32(o, x, le);
    else v.setFloat64(o, x, le);
  });
  return out;
}

export interface MatVarSpec {
  name: string;
  classCode: number;
  dims: number[];
  /** Column-major values. */
  real: number[];
  /** Storage type of the real part (MATLAB stores doubles compactly when it can). */
  storage?: number;
  imag?: number[];
  logical?: boolean;
  compress?: boolean;
}

export function matVariable(spec: MatVarSpec, le = true): Uint8Array {
  const flags = (spec.classCode & 0xff) | (spec.imag ? 0x0800 : 0) | (spec.logical ? 0x0200 : 0);
  const storage = spec.storage ?? MI.DOUBLE;
  const body = concat(
    matElement(MI.UINT32, words([flags, 0], 4, le), le, false),
    matElement(MI.INT32, words(spec.dims, 4, le, true), le, false),
    matElement(MI.INT8, new TextEncoder().encode(spec.name), le),
    matElement(storage, numbers(storage, spec.real, le), le),
    ...(spec.imag ? [matElement(storage, numbers(storage, spec.imag, le), le)] : []),
  );
  const matrix = matElement(MI.MATRIX, body, le, false);
  return spec.compress ? matElement(MI.COMPRESSED, deflateSync(matrix), le, false) : matrix;
}

/** A struct-class matrix element (readers should skip it, not half-read it). */
export function matStruct(name: string, le = true): Uint8Array {
  const body = concat(
    matElement(MI.UINT32, words([MX.STRUCT, 0], 4, le), le, false),
    matElement(MI.INT32, words([1, 1], 4, le, true), le, false),
    matElement(MI.INT8, new TextEncoder().encode(name), le),
    matElement(MI.INT32, words([32], 4, le, true), le), // field name length
    matElement(MI.INT8, new Uint8Array(0), le, false),
  );
  return matElement(MI.MATRIX, body, le, false);
}

// ---------------------------------------------------------------- WAV

export function wavChunk(id: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + data.length + (data.length & 1));
  for (let i = 0; i < 4; i++) out[i] = id.charCodeAt(i);
  new DataView(out.buffer).setUint32(4, data.length, true);
  out.set(data, 8);
  return out;
}

export function wavFmt(format: number, channels: number, rate: number, bits: number): Uint8Array {
  const b = new Uint8Array(16);
  const v = new DataView(b.buffer);
  v.setUint16(0, format, true);
  v.setUint16(2, channels, true);
  v.setUint32(4, rate, true);
  v.setUint32(8, (rate * channels * bits) / 8, true);
  v.setUint16(12, (channels * bits) / 8, true);
  v.setUint16(14, bits, true);
  return b;
}

export function riff(...chunks: Uint8Array[]): Uint8Array {
  const body = concat(new TextEncoder().encode('WAVE'), ...chunks);
  return wavChunk('RIFF', body);
}

export function int16Samples(values: number[]): Uint8Array {
  return words(values, 2, true, true);
}

// ---------------------------------------------------------------- IDX

export function idx(type: number, dims: number[], payload: Uint8Array): Uint8Array {
  const h = new Uint8Array(4 + 4 * dims.length);
  h[2] = type;
  h[3] = dims.length;
  dims.forEach((d, i) => new DataView(h.buffer).setUint32(4 + 4 * i, d, false));
  return concat(h, payload);
}
