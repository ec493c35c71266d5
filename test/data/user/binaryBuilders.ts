/**
 * Builders of small binary files for the user-format tests: .npy (any version, dtype, byte
 * order), ZIP/.npz archives (stored / deflated members, optional ZIP64 form as NumPy writes it),
 * WFDB signal files (formats 16 / 212) and MIT annotation files. Written from the format
 * descriptions independently of the parsers, with node:zlib's crc32 as the reference CRC.
 */

import { crc32, deflateRawSync } from 'node:zlib';
import { concat } from '../builders.js';

export interface NpyOpts { version?: 1 | 2 | 3; fortran?: boolean; le?: boolean }

/** A .npy file from a header descr, a shape and the raw payload. */
export function npy(descr: string, shape: number[], payload: Uint8Array, o: NpyOpts = {}): Uint8Array {
  const version = o.version ?? 1;
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': ${o.fortran ? 'True' : 'False'}, 'shape': ${shapeText}, }`;
  const pre = version === 1 ? 10 : 12;
  const enc = new TextEncoder();
  while ((pre + enc.encode(header).length + 1) % 64 !== 0) header += ' ';
  header += '\n';
  const hb = enc.encode(header);
  const head = new Uint8Array(pre);
  head.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const dv = new DataView(head.buffer);
  if (version === 1) dv.setUint16(8, hb.length, true);
  else dv.setUint32(8, hb.length, true);
  return concat(head, hb, payload);
}

/** Values written with one of DataView's setters (size bytes each). */
export function packed(values: number[], kind: 'f' | 'i' | 'u', size: 1 | 2 | 4 | 8, le = true): Uint8Array {
  const out = new Uint8Array(values.length * size);
  const dv = new DataView(out.buffer);
  values.forEach((v, i) => {
    const at = i * size;
    if (kind === 'f') {
      if (size === 2) dv.setUint16(at, toHalf(v), le);
      else if (size === 4) dv.setFloat32(at, v, le);
      else dv.setFloat64(at, v, le);
    } else if (size === 8) {
      if (kind === 'i') dv.setBigInt64(at, BigInt(v), le);
      else dv.setBigUint64(at, BigInt(v), le);
    } else if (size === 1) dv[kind === 'i' ? 'setInt8' : 'setUint8'](at, v);
    else if (size === 2) dv[kind === 'i' ? 'setInt16' : 'setUint16'](at, v, le);
    else dv[kind === 'i' ? 'setInt32' : 'setUint32'](at, v, le);
  });
  return out;
}

/** Exact half-precision encodings of small test values (integers and halves). */
function toHalf(v: number): number {
  if (v === 0) return 0;
  const sign = v < 0 ? 0x8000 : 0;
  const a = Math.abs(v);
  const e = Math.floor(Math.log2(a));
  return sign | ((e + 15) << 10) | Math.round((a / 2 ** e - 1) * 1024);
}

/** Fixed-width UTF-32 strings (`<U{width}`). */
export function utf32(strings: string[], width: number, le = true): Uint8Array {
  const out = new Uint8Array(strings.length * width * 4);
  const dv = new DataView(out.buffer);
  strings.forEach((s, i) => [...s].forEach((ch, k) => dv.setUint32((i * width + k) * 4, ch.codePointAt(0)!, le)));
  return out;
}

export interface ZipMember { name: string; data: Uint8Array; deflate?: boolean; zip64?: boolean }

/** A ZIP archive; `zip64` members get NumPy's form: 0xFFFFFFFF sizes and a ZIP64 extra field in the local header. */
export function zip(members: ZipMember[]): Uint8Array {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const m of members) {
    const name = new TextEncoder().encode(m.name);
    const body = m.deflate ? new Uint8Array(deflateRawSync(m.data)) : m.data;
    const crc = crc32(m.data) >>> 0;
    const extra = new Uint8Array(m.zip64 ? 20 : 0);
    if (m.zip64) {
      const e = new DataView(extra.buffer);
      e.setUint16(0, 1, true);
      e.setUint16(2, 16, true);
      e.setBigUint64(4, BigInt(m.data.length), true);
      e.setBigUint64(12, BigInt(body.length), true);
    }
    const local = new Uint8Array(30);
    const l = new DataView(local.buffer);
    l.setUint32(0, 0x04034b50, true);
    l.setUint16(4, m.zip64 ? 45 : 20, true);
    l.setUint16(8, m.deflate ? 8 : 0, true);
    l.setUint32(14, crc, true);
    l.setUint32(18, m.zip64 ? 0xffffffff : body.length, true);
    l.setUint32(22, m.zip64 ? 0xffffffff : m.data.length, true);
    l.setUint16(26, name.length, true);
    l.setUint16(28, extra.length, true);
    parts.push(local, name, extra, body);
    const c = new Uint8Array(46);
    const cv = new DataView(c.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(4, 20, true);
    cv.setUint16(6, 20, true);
    cv.setUint16(10, m.deflate ? 8 : 0, true);
    cv.setUint32(16, crc, true);
    cv.setUint32(20, body.length, true);
    cv.setUint32(24, m.data.length, true);
    cv.setUint16(28, name.length, true);
    cv.setUint32(42, offset, true);
    central.push(c, name);
    offset += 30 + name.length + extra.length + body.length;
  }
  const cd = concat(...central);
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, members.length, true);
  ev.setUint16(10, members.length, true);
  ev.setUint32(12, cd.length, true);
  ev.setUint32(16, offset, true);
  return concat(...parts, cd, end);
}

/** Interleaved digital samples (frames × signals) in format 16 (int16 LE). */
export function fmt16(frames: number[][]): Uint8Array {
  return packed(frames.flat(), 'i', 2);
}

/** Interleaved digital samples in format 212: pairs of 12-bit values in 3 bytes. */
export function fmt212(frames: number[][]): Uint8Array {
  const flat = frames.flat();
  const out = new Uint8Array(Math.ceil(flat.length / 2) * 3);
  for (let k = 0; k < flat.length; k += 2) {
    const a = flat[k] & 0xfff;
    const b = (flat[k + 1] ?? 0) & 0xfff;
    const p = (k / 2) * 3;
    out[p] = a & 0xff;
    out[p + 1] = ((a >> 8) & 0x0f) | ((b >> 8) << 4);
    out[p + 2] = b & 0xff;
  }
  return out;
}

/** WFDB checksum of one signal's digital samples (16-bit, signed as headers write it). */
export function checksum(values: number[]): number {
  const s = values.reduce((a, b) => a + b, 0) & 0xffff;
  return s >= 0x8000 ? s - 0x10000 : s;
}

export type Ann = { sample: number; code: number; aux?: string; num?: number };

/** An MIT-format annotation file; intervals over 1023 samples are written with SKIP. */
export function annotations(list: Ann[], withEnd = true): Uint8Array {
  const bytes: number[] = [];
  const word = (w: number) => bytes.push(w & 0xff, w >> 8);
  let t = 0;
  for (const a of list) {
    const d = a.sample - t;
    if (d > 1023 || d < 0) {
      word(59 << 10);
      const hi = (d >>> 16) & 0xffff;
      const lo = d & 0xffff;
      word(hi);
      word(lo);
      word(a.code << 10);
    } else word((a.code << 10) | d);
    t = a.sample;
    if (a.num !== undefined) word((60 << 10) | a.num);
    if (a.aux !== undefined) {
      const b = new TextEncoder().encode(a.aux);
      word((63 << 10) | b.length);
      bytes.push(...b);
      if (b.length & 1) bytes.push(0);
    }
  }
  if (withEnd) word(0);
  return Uint8Array.from(bytes);
}
