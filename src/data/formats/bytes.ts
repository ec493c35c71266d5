/**
 * Shared helpers for the binary format readers: a bounds-checked view over a byte buffer and
 * gzip/zlib wrappers whose failures say which file is broken. The decompressor itself is the
 * caller's (a `Zlib` adapter passed explicitly; Node's is src/platform/node.ts `nodeZlib`), so
 * the readers load in a browser too.
 *
 * Every reader checks a size field against the bytes actually present before allocating or
 * reading, so a truncated or corrupt file ends in a clear Error instead of a RangeError deep
 * inside a DataView or a multi-gigabyte allocation.
 */

import type { Zlib } from '../../platform/types.js';

/** Bytes as a Uint8Array without copying (Buffer is already one). */
export function asBytes(buf: Uint8Array | ArrayBuffer): Uint8Array {
  return buf instanceof Uint8Array ? buf : new Uint8Array(buf);
}

export function dataView(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Throws `source: what needs N bytes at offset O but the data has only M` when out of range. */
export function need(source: string, bytes: Uint8Array, offset: number, count: number, what: string): void {
  if (offset < 0 || count < 0 || offset + count > bytes.length) {
    throw new Error(
      `${source}: ${what} needs ${count} bytes at offset ${offset} but the data has only ` +
        `${bytes.length} bytes (the file is truncated or a size field is corrupt)`,
    );
  }
}

export function ascii(bytes: Uint8Array, offset: number, length: number): string {
  let s = '';
  for (let i = offset; i < offset + length && i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
  return s;
}

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

function zlibMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function needZlib(source: string, what: string, zlib: Zlib | undefined): Zlib {
  if (zlib === undefined) {
    throw new Error(`${source}: ${what} and no Zlib adapter was given; pass one (in Node: nodeZlib from src/platform/node.ts)`);
  }
  return zlib;
}

/** gunzip with an error that names the file and says what to do. */
export function gunzip(source: string, bytes: Uint8Array, zlib: Zlib | undefined): Uint8Array {
  const z = needZlib(source, 'the data is gzip-compressed', zlib);
  try {
    return z.gunzip(bytes);
  } catch (e) {
    throw new Error(
      `${source}: gzip decompression failed (${zlibMessage(e)}); the file is truncated or corrupt — download it again`,
    );
  }
}

/** zlib inflate (MATLAB's miCOMPRESSED) with an error that names the file and the variable. */
export function inflate(source: string, bytes: Uint8Array, what: string, zlib: Zlib | undefined): Uint8Array {
  const z = needZlib(source, `${what} is compressed (miCOMPRESSED)`, zlib);
  try {
    return z.inflate(bytes);
  } catch (e) {
    throw new Error(
      `${source}: zlib decompression of ${what} failed (${zlibMessage(e)}); the file is truncated or corrupt`,
    );
  }
}
