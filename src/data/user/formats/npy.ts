/**
 * NumPy .npy reader (format versions 1, 2 and 3), a pure function over bytes.
 *
 * Layout: the magic "\x93NUMPY", major and minor version bytes, the header length (uint16 LE in
 * v1, uint32 LE in v2/v3), a Python-dict header `{'descr': '<f4', 'fortran_order': False,
 * 'shape': (n, c, l), }` (latin-1 in v1/v2, UTF-8 in v3), then the raw array. Numbers become
 * typed arrays (float16/32 → Float32Array; float64, int64, uint32/64 → Float64Array; the small
 * integers and bools → Int32Array), fixed-width text (`<U5` UTF-32, `|S5` bytes) becomes
 * string[]; Fortran-ordered arrays are transposed to C order so callers see one layout.
 * Object arrays hold pickles, which a data reader must never run: they are refused.
 */

import { MAX_VALUES } from '../table.js';
import { parsePyLiteral, type PyValue } from './pyLiteral.js';

export interface NpyArray {
  /** Kind and item size without the byte order: 'f4', 'f8', 'i8', 'u1', 'b1', 'U12', 'S3' … */
  dtype: string;
  /** C-order shape; [] for a scalar. */
  shape: number[];
  /** The values in C order. */
  data: Float64Array | Float32Array | Int32Array | string[];
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

const NUMERIC: Record<string, number[]> = { f: [2, 4, 8], i: [1, 2, 4, 8], u: [1, 2, 4, 8], b: [1] };

/** Parses a .npy file held in memory; `source` names it in every error. */
export function parseNpy(bytes: Uint8Array, source: string): NpyArray {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new Error(`${source}: not a NumPy .npy file (it does not start with "\\x93NUMPY"); save the array with numpy.save`);
  }
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (major < 1 || major > 3) throw new Error(`${source}: .npy format version ${major}.${bytes[7]} is not supported (only 1.x, 2.x and 3.x exist)`);
  const lenBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lenBytes) throw new Error(`${source}: truncated .npy header (${bytes.length} bytes)`);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = 8 + lenBytes;
  if (start + headerLen > bytes.length) {
    throw new Error(`${source}: the header claims ${headerLen} bytes at offset ${start} but the file has only ${bytes.length} bytes (truncated or corrupt)`);
  }
  const headerBytes = bytes.subarray(start, start + headerLen);
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(headerBytes);
  const { kind, size, little, fortran, shape, dtype } = readHeader(header, source);
  const count = shape.reduce((a, b) => a * b, 1);
  const offset = start + headerLen;
  if (count > MAX_VALUES) throw new Error(`${source}: shape (${shape.join(', ')}) claims ${count} values, more than the ${MAX_VALUES} a file may hold here`);
  const need = count * size;
  if (offset + need !== bytes.length) {
    const what = offset + need > bytes.length ? 'the file is truncated' : 'extra bytes follow the array; the file is corrupt';
    throw new Error(`${source}: shape (${shape.join(', ')}) of ${dtype} needs ${need} data bytes at offset ${offset}, but the file holds ${bytes.length - offset} (${what})`);
  }
  const data = decode(view, bytes, offset, count, kind, size, little, source);
  return { dtype, shape, data: fortran && shape.length > 1 ? toCOrder(data, shape) : data };
}

interface Header { kind: string; size: number; little: boolean; fortran: boolean; shape: number[]; dtype: string }

function readHeader(text: string, source: string): Header {
  const where = `${source}: .npy header`;
  const v = parsePyLiteral(text, where);
  if (v === null || typeof v !== 'object' || !('dict' in v)) throw new Error(`${where} is not a dict: ${JSON.stringify(text.slice(0, 80))}`);
  const get = (k: string): PyValue => {
    if (!v.dict.has(k)) throw new Error(`${where} has no '${k}' entry`);
    return v.dict.get(k)!;
  };
  const descr = get('descr');
  if (typeof descr !== 'string') {
    throw new Error(`${source}: structured arrays (descr ${shortRepr(descr)}) are not supported; save one plain numeric array per name (numpy.savez(x=..., y=...))`);
  }
  const fortran = get('fortran_order');
  if (typeof fortran !== 'boolean') throw new Error(`${where}: 'fortran_order' must be True or False, found ${shortRepr(fortran)}`);
  const s = get('shape');
  if (s === null || typeof s !== 'object' || !('tuple' in s)) throw new Error(`${where}: 'shape' must be a tuple, found ${shortRepr(s)}`);
  const shape = s.tuple.map((d) => {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) throw new Error(`${where}: shape entry ${shortRepr(d)} is not a non-negative integer`);
    return d;
  });
  return { ...readDescr(descr, source), fortran, shape };
}

function readDescr(descr: string, source: string): { kind: string; size: number; little: boolean; dtype: string } {
  if (/^[|<>=]?O\d*$/.test(descr)) {
    throw new Error(`${source}: object array (dtype '${descr}') holds Python pickles, which are never loaded; convert it before saving (labels: y.astype(str); numbers: x.astype(np.float32)) and save with allow_pickle=False`);
  }
  const m = /^([|<>=]?)([a-zA-Z])(\d+)$/.exec(descr);
  if (!m) throw new Error(`${source}: dtype '${descr}' is not supported; use float32/float64, (u)int8–64, bool, or str ('<U…') arrays`);
  const [, order, kind, n] = m;
  const width = Number(n);
  const dtype = `${kind}${width}`;
  if (kind === 'U' || kind === 'S') {
    if (width < 1 || width > 1 << 16) throw new Error(`${source}: string dtype '${descr}' has an item width of ${width} characters; expected 1–65536`);
    return { kind, size: kind === 'U' ? 4 * width : width, little: order !== '>', dtype };
  }
  if (!NUMERIC[kind]?.includes(width)) {
    throw new Error(`${source}: dtype '${descr}' is not supported; use float16/32/64, int8–64, uint8–64, bool or str ('<U…') arrays (complex, datetime and void are refused)`);
  }
  return { kind, size: width, little: order !== '>', dtype };
}

function shortRepr(v: PyValue): string {
  const s = JSON.stringify(v, (_k, x) => (x instanceof Map ? Object.fromEntries(x) : x));
  return s === undefined ? String(v) : s.length > 60 ? s.slice(0, 60) + '…' : s;
}

function decode(view: DataView, bytes: Uint8Array, o: number, n: number, kind: string, size: number, le: boolean, source: string): NpyArray['data'] {
  if (kind === 'U' || kind === 'S') return decodeStrings(view, bytes, o, n, kind, size, le);
  if (kind === 'f') {
    if (size === 8) { const out = new Float64Array(n); for (let i = 0; i < n; i++) out[i] = view.getFloat64(o + 8 * i, le); return out; }
    const out = new Float32Array(n);
    if (size === 4) for (let i = 0; i < n; i++) out[i] = view.getFloat32(o + 4 * i, le);
    else for (let i = 0; i < n; i++) out[i] = half(view.getUint16(o + 2 * i, le));
    return out;
  }
  if (size === 8) {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const v = kind === 'i' ? view.getBigInt64(o + 8 * i, le) : view.getBigUint64(o + 8 * i, le);
      if (v > 9007199254740992n || v < -9007199254740992n) {
        throw new Error(`${source}: value ${v} at index ${i} (byte offset ${o + 8 * i}) is beyond ±2^53 and would lose precision as a number; convert the array to float64 or smaller integers`);
      }
      out[i] = Number(v);
    }
    return out;
  }
  if (kind === 'u' && size === 4) { const out = new Float64Array(n); for (let i = 0; i < n; i++) out[i] = view.getUint32(o + 4 * i, le); return out; }
  const out = new Int32Array(n);
  if (size === 4) for (let i = 0; i < n; i++) out[i] = view.getInt32(o + 4 * i, le);
  else if (size === 2) for (let i = 0; i < n; i++) out[i] = kind === 'i' ? view.getInt16(o + 2 * i, le) : view.getUint16(o + 2 * i, le);
  else if (kind === 'i') for (let i = 0; i < n; i++) out[i] = view.getInt8(o + i);
  else if (kind === 'b') for (let i = 0; i < n; i++) out[i] = bytes[o + i] === 0 ? 0 : 1;
  else for (let i = 0; i < n; i++) out[i] = bytes[o + i];
  return out;
}

/** Fixed-width text: NumPy pads with NULs, which are not part of the value. */
function decodeStrings(view: DataView, bytes: Uint8Array, o: number, n: number, kind: string, size: number, le: boolean): string[] {
  const out: string[] = new Array(n);
  for (let i = 0; i < n; i++) {
    let s = '';
    const at = o + i * size;
    if (kind === 'S') {
      for (let k = 0; k < size && bytes[at + k] !== 0; k++) s += String.fromCharCode(bytes[at + k]);
    } else {
      for (let k = 0; k < size; k += 4) {
        const cp = view.getUint32(at + k, le);
        if (cp === 0) break;
        // Code points beyond Unicode (a corrupt file) become U+FFFD instead of a RangeError.
        s += cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff) ? String.fromCodePoint(cp) : '\ufffd';
      }
    }
    out[i] = s;
  }
  return out;
}

/** IEEE binary16 → number. */
function half(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** Fortran (column-major) data → C (row-major) order. */
function toCOrder<T extends NpyArray['data']>(data: T, shape: number[]): T {
  const n = data.length;
  const out = (Array.isArray(data) ? new Array<string>(n) : new (data.constructor as new (n: number) => Float64Array)(n)) as T;
  const k = shape.length;
  const fStride: number[] = [];
  for (let d = 0, s = 1; d < k; d++) { fStride.push(s); s *= shape[d]; }
  const idx = new Array<number>(k).fill(0);
  let src = 0;
  for (let i = 0; i < n; i++) {
    (out as unknown as { [j: number]: unknown })[i] = (data as unknown as { [j: number]: unknown })[src];
    // Advance the C-order multi-index (last axis fastest) and track the Fortran offset with it.
    for (let d = k - 1; d >= 0; d--) {
      idx[d]++;
      src += fStride[d];
      if (idx[d] < shape[d]) break;
      src -= fStride[d] * shape[d];
      idx[d] = 0;
    }
  }
  return out;
}
