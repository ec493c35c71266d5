/**
 * Node implementations of the host adapters (src/platform/types.ts). Imported by Node-only code
 * (the file readers, the CLI) and passed explicitly; the browser entry never reaches this file.
 */

import { gunzipSync, inflateSync } from 'node:zlib';
import type { Zlib } from './types.js';

export const nodeZlib: Zlib = {
  gunzip: (bytes) => gunzipSync(bytes),
  inflate: (bytes) => inflateSync(bytes),
};
