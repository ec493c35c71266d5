/**
 * Node implementations of the host adapters (src/platform/types.ts). Imported by Node-only code
 * (the file readers, the CLI) and passed explicitly; the browser entry never reaches this file.
 */

import { gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';
import type { Zlib } from './types.js';

export const nodeZlib: Zlib = {
  gunzip: (bytes) => gunzipSync(bytes),
  inflate: (bytes) => inflateSync(bytes),
  // Node refuses a zero limit, and an empty member needs no room anyway.
  inflateRaw: (bytes, maxOutputLength) => inflateRawSync(bytes, maxOutputLength === undefined ? {} : { maxOutputLength: Math.max(1, maxOutputLength) }),
};
