/**
 * MATLAB v5 / v7 MAT-file reader (the format of the TROIKA / SPC2015 PPG recordings).
 *
 * Walks the 128-byte header and the data elements, inflating miCOMPRESSED variables with zlib,
 * and returns every numeric (and char / logical) miMATRIX as a Float64Array in MATLAB's
 * column-major order together with its shape. Cells, structs, objects and sparse matrices are
 * listed as skipped rather than half-read. v7.3 files are HDF5 and are rejected with a hint.
 */

import { ascii, asBytes, dataView, inflate, need } from './bytes.js';
import type { Zlib } from '../../platform/types.js';

export interface MatArray {
  name: string;
  /** MATLAB class: 'double', 'single', 'int8' … 'uint64', 'char'. */
  className: string;
  /** MATLAB dimensions, e.g. [6, 37937] for a 6×N matrix. */
  shape: number[];
  /** Real part, column-major (element (r, c) of a 2-D matrix is data[r + c * shape[0]]). */
  data: Float64Array;
  /** Imaginary part when the array is complex. */
  imag?: Float64Array;
  logical: boolean;
}

export interface MatFile {
  /** The descriptive text of the header ("MATLAB 5.0 MAT-file, Platform: …"). */
  header: string;
  littleEndian: boolean;
  variables: Map<string, MatArray>;
  /** Variables that exist but are not numeric arrays. */
  skipped: { name: string; className: string }[];
}

// Data-element types (MATLAB "MAT-File Format", table 1-1).
const MI_INT8 = 1;
const MI_UINT32 = 6;
const MI_INT32 = 5;
const MI_MATRIX = 14;
const MI_COMPRESSED = 15;

const ELEMENT_SIZE: Record<number, number> = {
  1: 1, 2: 1, 3: 2, 4: 2, 5: 4, 6: 4, 7: 4, 9: 8, 12: 8, 13: 8, 16: 1, 17: 2, 18: 4,
};
const TYPE_NAME: Record<number, string> = {
  1: 'miINT8', 2: 'miUINT8', 3: 'miINT16', 4: 'miUINT16', 5: 'miINT32', 6: 'miUINT32', 7: 'miSINGLE',
  9: 'miDOUBLE', 12: 'miINT64', 13: 'miUINT64', 14: 'miMATRIX', 15: 'miCOMPRESSED', 16: 'miUTF8',
  17: 'miUTF16', 18: 'miUTF32',
};
const CLASS_NAME: Record<number, string> = {
  1: 'cell', 2: 'struct', 3: 'object', 4: 'char', 5: 'sparse', 6: 'double', 7: 'single', 8: 'int8',
  9: 'uint8', 10: 'int16', 11: 'uint16', 12: 'int32', 13: 'uint32', 14: 'int64', 15: 'uint64',
  16: 'function', 17: 'opaque',
};
const NUMERIC_CLASSES = new Set(['char', 'double', 'single', 'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64']);

interface Tag {
  type: number;
  size: number;
  dataOffset: number;
  /** Offset of the next element (after 8-byte padding). */
  next: number;
}

interface Ctx {
  source: string;
  le: boolean;
  zlib: Zlib | undefined;
}

function readTag(ctx: Ctx, bytes: Uint8Array, view: DataView, off: number, end: number, what: string): Tag {
  need(ctx.source, bytes, off, 4, `the tag of ${what}`);
  const first = view.getUint32(off, ctx.le);
  const small = first >>> 16;
  if (small !== 0) {
    // Small data element: size and type share the first word, up to 4 bytes of data follow.
    if (small > 4) throw new Error(`${ctx.source}: ${what} at offset ${off}: small data element claims ${small} bytes (max 4); the file is corrupt`);
    need(ctx.source, bytes, off, 8, what);
    return { type: first & 0xffff, size: small, dataOffset: off + 4, next: off + 8 };
  }
  need(ctx.source, bytes, off, 8, `the tag of ${what}`);
  const size = view.getUint32(off + 4, ctx.le);
  if (off + 8 + size > end) {
    throw new Error(
      `${ctx.source}: ${what} at offset ${off} declares ${size} bytes but only ${Math.max(0, end - off - 8)} remain ` +
        `(the file is truncated or the size field is corrupt)`,
    );
  }
  const padded = first === MI_COMPRESSED ? size : (size + 7) & ~7;
  return { type: first, size, dataOffset: off + 8, next: off + 8 + padded };
}

/** Converts `count` elements of a numeric data type to float64. */
function readNumbers(ctx: Ctx, view: DataView, tag: Tag, what: string): Float64Array {
  const width = ELEMENT_SIZE[tag.type];
  if (width === undefined || tag.type === MI_MATRIX) {
    throw new Error(`${ctx.source}: ${what} has data type ${TYPE_NAME[tag.type] ?? tag.type}, expected a numeric type`);
  }
  if (tag.size % width !== 0) {
    throw new Error(`${ctx.source}: ${what} has ${tag.size} bytes, not a multiple of the ${width}-byte ${TYPE_NAME[tag.type]}`);
  }
  const n = tag.size / width;
  const out = new Float64Array(n);
  const o = tag.dataOffset;
  const le = ctx.le;
  switch (tag.type) {
    case 1: for (let i = 0; i < n; i++) out[i] = view.getInt8(o + i); break;
    case 2: case 16: for (let i = 0; i < n; i++) out[i] = view.getUint8(o + i); break;
    case 3: for (let i = 0; i < n; i++) out[i] = view.getInt16(o + 2 * i, le); break;
    case 4: case 17: for (let i = 0; i < n; i++) out[i] = view.getUint16(o + 2 * i, le); break;
    case 5: for (let i = 0; i < n; i++) out[i] = view.getInt32(o + 4 * i, le); break;
    case 6: case 18: for (let i = 0; i < n; i++) out[i] = view.getUint32(o + 4 * i, le); break;
    case 7: for (let i = 0; i < n; i++) out[i] = view.getFloat32(o + 4 * i, le); break;
    case 9: for (let i = 0; i < n; i++) out[i] = view.getFloat64(o + 8 * i, le); break;
    case 12: for (let i = 0; i < n; i++) out[i] = Number(view.getBigInt64(o + 8 * i, le)); break;
    case 13: for (let i = 0; i < n; i++) out[i] = Number(view.getBigUint64(o + 8 * i, le)); break;
  }
  return out;
}

type Parsed = { kind: 'array'; array: MatArray } | { kind: 'skipped'; name: string; className: string };

function parseMatrix(ctx: Ctx, bytes: Uint8Array, view: DataView, tag: Tag): Parsed {
  const end = tag.dataOffset + tag.size;
  if (tag.size === 0) return { kind: 'skipped', name: '', className: 'empty' };
  const flags = readTag(ctx, bytes, view, tag.dataOffset, end, 'array flags');
  if (flags.type !== MI_UINT32 || flags.size !== 8) {
    throw new Error(`${ctx.source}: miMATRIX at offset ${tag.dataOffset - 8}: expected an 8-byte miUINT32 array-flags element, found ${TYPE_NAME[flags.type] ?? flags.type} of ${flags.size} bytes`);
  }
  const flagWord = view.getUint32(flags.dataOffset, ctx.le);
  const classCode = flagWord & 0xff;
  const className = CLASS_NAME[classCode] ?? `class ${classCode}`;
  const complex = (flagWord & 0x0800) !== 0;
  const logical = (flagWord & 0x0200) !== 0;

  const dimsTag = readTag(ctx, bytes, view, flags.next, end, 'dimensions');
  if (dimsTag.type !== MI_INT32 || dimsTag.size % 4 !== 0 || dimsTag.size < 8) {
    throw new Error(`${ctx.source}: miMATRIX dimensions: expected miINT32 with at least 2 values, found ${TYPE_NAME[dimsTag.type] ?? dimsTag.type} of ${dimsTag.size} bytes`);
  }
  const shape: number[] = [];
  for (let i = 0; i < dimsTag.size / 4; i++) {
    const d = view.getInt32(dimsTag.dataOffset + 4 * i, ctx.le);
    if (d < 0) throw new Error(`${ctx.source}: miMATRIX has a negative dimension ${d}`);
    shape.push(d);
  }
  const nameTag = readTag(ctx, bytes, view, dimsTag.next, end, 'array name');
  if (nameTag.type !== MI_INT8 && nameTag.type !== 2) {
    throw new Error(`${ctx.source}: miMATRIX array name: expected miINT8, found ${TYPE_NAME[nameTag.type] ?? nameTag.type}`);
  }
  const name = ascii(bytes, nameTag.dataOffset, nameTag.size);
  if (!NUMERIC_CLASSES.has(className)) return { kind: 'skipped', name, className };

  const what = `variable '${name}'`;
  const count = shape.reduce((a, b) => a * b, 1);
  const realTag = readTag(ctx, bytes, view, nameTag.next, end, `the real part of ${what}`);
  const data = readNumbers(ctx, view, realTag, `the real part of ${what}`);
  if (data.length !== count) {
    throw new Error(`${ctx.source}: ${what} has shape [${shape.join('×')}] = ${count} elements but its real part holds ${data.length}`);
  }
  const array: MatArray = { name, className, shape, data, logical };
  if (complex) {
    const imagTag = readTag(ctx, bytes, view, realTag.next, end, `the imaginary part of ${what}`);
    const imag = readNumbers(ctx, view, imagTag, `the imaginary part of ${what}`);
    if (imag.length !== count) throw new Error(`${ctx.source}: ${what}: imaginary part holds ${imag.length} elements, expected ${count}`);
    array.imag = imag;
  }
  return { kind: 'array', array };
}

function walk(ctx: Ctx, bytes: Uint8Array, start: number, out: MatFile, depth: number): void {
  const view = dataView(bytes);
  let off = start;
  while (off < bytes.length) {
    // Some writers do not pad the last element; a few trailing pad bytes are not an element.
    if (bytes.length - off < 8 && bytes.subarray(off).every((b) => b === 0)) break;
    const tag = readTag(ctx, bytes, view, off, bytes.length, `data element`);
    if (tag.type === MI_COMPRESSED) {
      if (depth > 0) throw new Error(`${ctx.source}: nested miCOMPRESSED element at offset ${off}; the file is corrupt`);
      const inflated = inflate(ctx.source, bytes.subarray(tag.dataOffset, tag.dataOffset + tag.size), `the element at offset ${off}`, ctx.zlib);
      walk(ctx, inflated, 0, out, depth + 1);
    } else if (tag.type === MI_MATRIX) {
      const parsed = parseMatrix(ctx, bytes, view, tag);
      if (parsed.kind === 'array') out.variables.set(parsed.array.name, parsed.array);
      else out.skipped.push({ name: parsed.name, className: parsed.className });
    }
    off = tag.next;
  }
}

/** Parses a MAT-file held in memory; `source` names it in errors; compressed (v7) variables need `zlib`. */
export function parseMat(buf: Uint8Array | ArrayBuffer, source = 'MAT-file', zlib?: Zlib): MatFile {
  const bytes = asBytes(buf);
  need(source, bytes, 0, 128, 'the 128-byte MAT-file header');
  const header = ascii(bytes, 0, 116).replace(/[\s\0]+$/, '');
  if (header.startsWith('MATLAB 7.3')) {
    throw new Error(`${source}: MATLAB v7.3 (HDF5) files are not supported; re-save the file in MATLAB with save(..., '-v7')`);
  }
  const endian = ascii(bytes, 126, 2);
  if (!header.startsWith('MATLAB') || (endian !== 'IM' && endian !== 'MI')) {
    throw new Error(`${source}: not a MATLAB v5/v7 MAT-file (expected a header starting with 'MATLAB' and the endian mark 'IM' or 'MI' at byte 126, found '${endian}')`);
  }
  const out: MatFile = { header, littleEndian: endian === 'IM', variables: new Map(), skipped: [] };
  walk({ source, le: out.littleEndian, zlib }, bytes, 128, out, 0);
  return out;
}

/** The named variable, or an error listing the variables the file has. */
export function matVariable(file: MatFile, name: string, source = 'MAT-file'): MatArray {
  const v = file.variables.get(name);
  if (v) return v;
  const skipped = file.skipped.find((s) => s.name === name);
  if (skipped) throw new Error(`${source}: variable '${name}' is a ${skipped.className}; only numeric arrays are read`);
  const names = [...file.variables.keys()];
  throw new Error(`${source}: no variable '${name}'; the file has ${names.length ? names.map((n) => `'${n}'`).join(', ') : 'no numeric variables'}`);
}

/** Row `i` of a 2-D matrix (MATLAB stores columns contiguously, so rows are strided). */
export function matRow(arr: MatArray, i: number): Float64Array {
  if (arr.shape.length !== 2) throw new Error(`matRow: '${arr.name}' has shape [${arr.shape.join('×')}], expected a 2-D matrix`);
  const [rows, cols] = arr.shape;
  if (!Number.isInteger(i) || i < 0 || i >= rows) throw new Error(`matRow: row ${i} out of range for '${arr.name}' with ${rows} rows`);
  const out = new Float64Array(cols);
  for (let c = 0; c < cols; c++) out[c] = arr.data[i + c * rows];
  return out;
}
