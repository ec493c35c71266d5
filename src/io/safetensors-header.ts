/**
 * Parses and validates a safetensors header, treating the file as hostile.
 *
 * Every claim in the header is checked before anything is allocated from it: the header
 * length against the file size (and a 100 MB cap, as in the reference reader), the JSON
 * shape, each entry's dtype, shape and offsets, and finally that the tensors tile the data
 * buffer exactly — no overlaps, no gaps, no trailing bytes. Entries are ordered by offset,
 * not by header key order, because JSON object order is not reliable (JavaScript itself
 * reorders integer-like keys) and the reference reader sorts by offset too.
 */

import { READABLE_DTYPES, SPEC_ONLY_DTYPES, type ReadableDtype } from './safetensors-dtypes.js';

/** Thrown for any malformed safetensors input or unencodable tensor. */
export class SafetensorsError extends Error {
  override name = 'SafetensorsError';
}

export const MAX_HEADER_BYTES = 100_000_000;
export const METADATA_KEY = '__metadata__';

export interface HeaderEntry {
  name: string;
  fileDtype: string;
  dtype: ReadableDtype;
  shape: number[];
  count: number;
  begin: number;
  end: number;
}

export interface ParsedHeader {
  /** Absolute file offset where the data buffer starts (8 + header length). */
  dataStart: number;
  /** Tensor entries in data-buffer order. */
  entries: HeaderEntry[];
  metadata: Record<string, string>;
}

/** Defines an own property, so hostile names like "__proto__" stay plain data. */
export function setOwn<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'array' : typeof value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

const SUPPORTED_LIST = [...READABLE_DTYPES.keys()].join(', ');

function lookupDtype(fail: (msg: string) => never, dtype: unknown): ReadableDtype {
  if (typeof dtype !== 'string') fail(`dtype must be a string such as "F32", got ${describe(dtype)}`);
  const known = READABLE_DTYPES.get(dtype);
  if (known !== undefined) return known;
  if (dtype === 'I64') {
    fail(
      'dtype I64 is not supported: tsdnas has no 64-bit integer tensors. Convert it before saving ' +
        '(e.g. tensor.to(torch.int32)) or drop it (e.g. BatchNorm num_batches_tracked)',
    );
  }
  if (SPEC_ONLY_DTYPES.has(dtype)) {
    fail(`dtype ${dtype} is valid safetensors but not supported by tsdnas; convert it to one of ${SUPPORTED_LIST}`);
  }
  return fail(`unknown dtype ${describe(dtype)}; expected one of ${SUPPORTED_LIST}`);
}

function elementCount(fail: (msg: string) => never, shape: number[]): number {
  let count = 1;
  for (const dim of shape) count *= dim;
  if (!Number.isSafeInteger(count)) fail(`shape ${describe(shape)} has too many elements to address`);
  return count;
}

function parseEntry(source: string, name: string, raw: unknown, bufferLength: number): HeaderEntry {
  const fail = (msg: string): never => {
    throw new SafetensorsError(`${source}: tensor ${JSON.stringify(name)}: ${msg}`);
  };
  if (!isPlainObject(raw)) fail(`entry must be an object with dtype, shape and data_offsets, got ${kindOf(raw)}`);
  const entry = raw as Record<string, unknown>;
  const dtype = lookupDtype(fail, entry['dtype']);
  const shape = entry['shape'];
  if (!Array.isArray(shape) || !shape.every(isCount)) {
    fail(`shape must be a list of non-negative integers, got ${describe(shape)}`);
  }
  const offsets = entry['data_offsets'];
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount)) {
    fail(`data_offsets must be [begin, end] with non-negative integers, got ${describe(offsets)}`);
  }
  const [begin, end] = offsets as [number, number];
  if (end < begin) fail(`data_offsets [${begin}, ${end}] end before they begin`);
  const count = elementCount(fail, shape as number[]);
  const needed = count * dtype.itemsize;
  if (needed !== end - begin) {
    fail(`shape ${describe(shape)} needs ${needed} bytes but data_offsets span ${end - begin}`);
  }
  if (end > bufferLength) {
    fail(`data_offsets [${begin}, ${end}] run past the end of the ${bufferLength}-byte data buffer; the file is truncated`);
  }
  return { name, fileDtype: entry['dtype'] as string, dtype, shape: [...(shape as number[])], count, begin, end };
}

function parseMetadata(source: string, raw: unknown): Record<string, string> {
  if (!isPlainObject(raw)) {
    throw new SafetensorsError(`${source}: "${METADATA_KEY}" must be an object of string values, got ${kindOf(raw)}`);
  }
  const metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (typeof value !== 'string') {
      throw new SafetensorsError(
        `${source}: "${METADATA_KEY}" key ${JSON.stringify(key)} must map to a string, got ${kindOf(value)}`,
      );
    }
    setOwn(metadata, key, value);
  }
  return metadata;
}

function readHeaderText(bytes: Uint8Array, source: string): { text: string; dataStart: number } {
  if (bytes.length < 8) {
    throw new SafetensorsError(
      `${source}: file is ${bytes.length} bytes, too short for the 8-byte header length; it is truncated or not a safetensors file`,
    );
  }
  const declared = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (declared > BigInt(MAX_HEADER_BYTES)) {
    throw new SafetensorsError(
      `${source}: header length ${declared} exceeds the ${MAX_HEADER_BYTES}-byte limit; the file is corrupt or not a safetensors file`,
    );
  }
  const length = Number(declared);
  if (length > bytes.length - 8) {
    throw new SafetensorsError(
      `${source}: header length ${length} is larger than the ${bytes.length - 8} bytes that follow it; the file is truncated`,
    );
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + length));
  } catch {
    throw new SafetensorsError(`${source}: header is not valid UTF-8; the file is corrupt`);
  }
  return { text, dataStart: 8 + length };
}

function parseJsonObject(text: string, source: string): Record<string, unknown> {
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw new SafetensorsError(`${source}: header is not valid JSON (${detail}); the file is corrupt`);
  }
  if (!isPlainObject(header)) {
    throw new SafetensorsError(`${source}: header must be a JSON object, got ${kindOf(header)}`);
  }
  return header;
}

function byOffset(a: HeaderEntry, b: HeaderEntry): number {
  return a.begin - b.begin || a.end - b.end || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

// The spec requires the tensors to tile the buffer: each starts where the previous ended.
function checkTiling(source: string, entries: HeaderEntry[], bufferLength: number): void {
  let covered = 0;
  let previous: HeaderEntry | undefined;
  for (const entry of entries) {
    const where = `${source}: tensor ${JSON.stringify(entry.name)}`;
    if (previous !== undefined && entry.begin < covered) {
      throw new SafetensorsError(
        `${where}: data_offsets [${entry.begin}, ${entry.end}] overlap tensor ${JSON.stringify(previous.name)} [${previous.begin}, ${previous.end}]`,
      );
    }
    if (entry.begin > covered) {
      const after = previous === undefined ? 'the start of the data buffer' : `tensor ${JSON.stringify(previous.name)} (ends at ${covered})`;
      throw new SafetensorsError(
        `${where}: gap of ${entry.begin - covered} bytes between ${after} and this tensor (begins at ${entry.begin}); safetensors requires tensors to be packed without gaps`,
      );
    }
    covered = entry.end;
    previous = entry;
  }
  if (covered < bufferLength) {
    throw new SafetensorsError(
      `${source}: ${bufferLength - covered} bytes of trailing data after the last tensor (tensors end at ${covered}, data buffer is ${bufferLength} bytes); the file is corrupt or was appended to`,
    );
  }
}

/** Validates the header of a whole safetensors file held in `bytes`. */
export function parseHeader(bytes: Uint8Array, source: string): ParsedHeader {
  const { text, dataStart } = readHeaderText(bytes, source);
  const header = parseJsonObject(text, source);
  const bufferLength = bytes.length - dataStart;
  let metadata: Record<string, string> = {};
  const entries: HeaderEntry[] = [];
  for (const [name, raw] of Object.entries(header)) {
    if (name === METADATA_KEY) metadata = parseMetadata(source, raw);
    else entries.push(parseEntry(source, name, raw, bufferLength));
  }
  entries.sort(byOffset);
  checkTiling(source, entries, bufferLength);
  return { dataStart, entries, metadata };
}
