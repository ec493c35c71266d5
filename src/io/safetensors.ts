/**
 * Safetensors files (Node): the encoding is safetensors-codec.ts; here the bytes are written
 * atomically (no partial file is ever visible) and read with errors that name the path.
 */

import { readFileSync } from 'node:fs';
import { writeFileAtomic } from './atomic.js';
import { decodeSafetensors, encodeWithSource, SafetensorsError, type NamedArray, type SafetensorsContents } from './safetensors-codec.js';

export { SafetensorsError, decodeSafetensors, encodeSafetensors, type NamedArray, type SafetensorsContents } from './safetensors-codec.js';

/** Validates and encodes first, then writes `path` atomically: no partial file is ever visible. */
export function saveSafetensors(path: string, tensors: Record<string, NamedArray>, metadata?: Record<string, string>): void {
  writeFileAtomic(path, encodeWithSource(path, tensors, metadata));
}

/** Reads and validates a safetensors file; errors name `path` and the offending tensor. */
export function loadSafetensors(path: string): SafetensorsContents {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw new SafetensorsError(`${path}: cannot read safetensors file (${detail}); check the path`, { cause: err });
  }
  return decodeSafetensors(bytes, path);
}
