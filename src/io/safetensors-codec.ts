/**
 * The safetensors format as bytes (encode / decode; no file access, so it also runs in a
 * browser), byte-compatible with the reference writer. File reading and writing: safetensors.ts.
 *
 * Layout: an 8-byte little-endian header length N, N bytes of UTF-8 JSON (padded with spaces to
 * a multiple of 8), then the tensors' little-endian bytes packed back to back. Like the
 * reference writer we put "__metadata__" first and order tensors by descending dtype size,
 * then name, so each tensor is aligned to its element size and our output matches
 * Python's `safetensors.numpy.save_file` byte for byte. Omitted or empty metadata is left out.
 *
 * Reading copies every tensor into a fresh typed array (never aliasing the file buffer, whose
 * offsets may be unaligned); F16/BF16 are widened to float32; I64 and other dtypes tsdnas
 * cannot hold are refused with an error naming the tensor (see safetensors-dtypes.ts).
 */

import {
  arrayClassOf,
  readBfloat16AsFloat32,
  readFloat16AsFloat32,
  readLittleEndian,
  writeLittleEndian,
  type PlainArray,
  type PlainDtype,
} from './byteorder.js';
import { isPlainDtype, WRITABLE_DTYPES, type WritableDtype } from './safetensors-dtypes.js';
import { METADATA_KEY, parseHeader, SafetensorsError, setOwn, type HeaderEntry } from './safetensors-header.js';

export { SafetensorsError } from './safetensors-header.js';

export interface NamedArray {
  dtype: 'float32' | 'float64' | 'int32' | 'int8' | 'uint8';
  shape: number[];
  data: Float32Array | Float64Array | Int32Array | Int8Array | Uint8Array;
}

export interface SafetensorsContents {
  tensors: Record<string, NamedArray>;
  metadata: Record<string, string>;
}

interface PreparedTensor {
  name: string;
  file: WritableDtype;
  shape: number[];
  data: PlainArray;
}

// JSON can carry lone surrogates as escapes, but the reference reader rejects them and UTF-8
// cannot represent them, so they are refused at write time.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function checkText(where: string, what: string, text: string): void {
  if (LONE_SURROGATE.test(text)) {
    throw new SafetensorsError(`${where}: ${what} ${JSON.stringify(text)} contains an unpaired UTF-16 surrogate, which UTF-8 cannot store`);
  }
}

function prepareTensor(where: string, name: string, tensor: NamedArray): PreparedTensor {
  const at = `${where}: tensor ${JSON.stringify(name)}`;
  if (name === METADATA_KEY) throw new SafetensorsError(`${at}: the name is reserved for metadata; rename the tensor`);
  checkText(where, 'tensor name', name);
  if (typeof tensor !== 'object' || tensor === null) {
    throw new SafetensorsError(`${at}: expected { dtype, shape, data }, got ${tensor === null ? 'null' : typeof tensor}`);
  }
  const { dtype, shape, data } = tensor;
  if (!isPlainDtype(dtype)) {
    throw new SafetensorsError(`${at}: dtype ${JSON.stringify(dtype)} cannot be written; use one of ${Object.keys(WRITABLE_DTYPES).join(', ')}`);
  }
  const expected = arrayClassOf(dtype as PlainDtype);
  if (!(data instanceof expected)) {
    const got = (data as object | undefined)?.constructor?.name ?? typeof data;
    throw new SafetensorsError(`${at}: dtype is ${dtype} so data must be a ${expected.name}, got ${got}`);
  }
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new SafetensorsError(`${at}: shape must be a list of non-negative integers, got ${JSON.stringify(shape)}`);
  }
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) {
    throw new SafetensorsError(`${at}: shape ${JSON.stringify(shape)} has ${count} elements but data has ${data.length}`);
  }
  return { name, file: WRITABLE_DTYPES[dtype as PlainDtype], shape: [...shape], data };
}

// Code-point order equals UTF-8 byte order, which is how the reference writer sorts names.
function compareNames(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function metadataJson(where: string, metadata: Record<string, string> | undefined): string | undefined {
  if (metadata === undefined) return undefined;
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    throw new SafetensorsError(`${where}: metadata must be an object of string values`);
  }
  const keys = Object.keys(metadata).sort(compareNames);
  if (keys.length === 0) return undefined;
  const parts = keys.map((key) => {
    const value = metadata[key];
    checkText(where, 'metadata key', key);
    if (typeof value !== 'string') {
      throw new SafetensorsError(`${where}: metadata key ${JSON.stringify(key)} must map to a string, got ${typeof value}; stringify it first`);
    }
    checkText(where, `metadata value of ${JSON.stringify(key)}:`, value);
    return `${JSON.stringify(key)}:${JSON.stringify(value)}`;
  });
  return `{${parts.join(',')}}`;
}

// Built by hand, not via JSON.stringify of an object, because JavaScript would move
// integer-like tensor names ("0", "1") to the front and break the required order.
function headerBytes(prepared: PreparedTensor[], offsets: number[], meta: string | undefined): Uint8Array {
  const parts: string[] = [];
  if (meta !== undefined) parts.push(`${JSON.stringify(METADATA_KEY)}:${meta}`);
  prepared.forEach((t, i) => {
    const info = { dtype: t.file.name, shape: t.shape, data_offsets: [offsets[i]!, offsets[i + 1]!] };
    parts.push(`${JSON.stringify(t.name)}:${JSON.stringify(info)}`);
  });
  const json = Buffer.from(`{${parts.join(',')}}`, 'utf8');
  const padded = Buffer.alloc(Math.ceil(json.length / 8) * 8, 0x20);
  json.copy(padded);
  return padded;
}

/** encodeSafetensors with `where` (a path or a caller's name) in its errors. */
export function encodeWithSource(
  where: string,
  tensors: Record<string, NamedArray>,
  metadata: Record<string, string> | undefined,
): Uint8Array {
  if (typeof tensors !== 'object' || tensors === null) {
    throw new SafetensorsError(`${where}: tensors must be an object mapping names to { dtype, shape, data }`);
  }
  const prepared = Object.keys(tensors).map((name) => prepareTensor(where, name, tensors[name]!));
  prepared.sort((a, b) => b.file.rank - a.file.rank || compareNames(a.name, b.name));
  const offsets = [0];
  for (const t of prepared) offsets.push(offsets[offsets.length - 1]! + t.data.byteLength);
  const header = headerBytes(prepared, offsets, metadataJson(where, metadata));
  const total = 8 + header.length + offsets[offsets.length - 1]!;
  let out: Uint8Array;
  try {
    out = new Uint8Array(total);
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw new SafetensorsError(`${where}: the file would be ${total} bytes, more than this runtime can hold in one buffer (${detail}); save fewer tensors per file`, { cause: err });
  }
  new DataView(out.buffer).setBigUint64(0, BigInt(header.length), true);
  out.set(header, 8);
  const dataStart = 8 + header.length;
  prepared.forEach((t, i) => {
    writeLittleEndian(t.data, out.subarray(dataStart + offsets[i]!, dataStart + offsets[i + 1]!));
  });
  return out;
}

/** Serialises named arrays (and optional string metadata) to safetensors bytes. */
export function encodeSafetensors(tensors: Record<string, NamedArray>, metadata?: Record<string, string>): Uint8Array {
  return encodeWithSource('encodeSafetensors', tensors, metadata);
}

function readEntry(bytes: Uint8Array, dataStart: number, entry: HeaderEntry): NamedArray {
  const slice = bytes.subarray(dataStart + entry.begin, dataStart + entry.end);
  const { dtype, count, shape } = entry;
  let data: PlainArray;
  if (dtype.decode === 'float16') data = readFloat16AsFloat32(slice, count);
  else if (dtype.decode === 'bfloat16') data = readBfloat16AsFloat32(slice, count);
  else data = readLittleEndian(dtype.readAs, slice, count);
  return { dtype: dtype.readAs, shape, data };
}

/**
 * Parses a whole safetensors file held in memory. `source` names the file in error messages.
 * Tensors come back in file order, each in its own freshly allocated typed array.
 */
export function decodeSafetensors(bytes: Uint8Array, source = 'safetensors data'): SafetensorsContents {
  const { dataStart, entries, metadata } = parseHeader(bytes, source);
  const tensors: Record<string, NamedArray> = {};
  for (const entry of entries) setOwn(tensors, entry.name, readEntry(bytes, dataStart, entry));
  return { tensors, metadata };
}
