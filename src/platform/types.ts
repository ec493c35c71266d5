/**
 * The host services the engine's data layer may need, as small interfaces. The core never
 * imports a host module: callers pass an implementation explicitly (Node: src/platform/node.ts;
 * a browser page passes its own or none). Nothing is registered by importing a module.
 */

/** Synchronous decompression: gzip (IDX files) and zlib streams (MATLAB v7 miCOMPRESSED elements). */
export interface Zlib {
  gunzip(bytes: Uint8Array): Uint8Array;
  inflate(bytes: Uint8Array): Uint8Array;
}
