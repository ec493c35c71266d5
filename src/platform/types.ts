/**
 * The host services the engine's data layer may need, as small interfaces. The core never
 * imports a host module: callers pass an implementation explicitly (Node: src/platform/node.ts;
 * a browser page passes its own or none). Nothing is registered by importing a module.
 */

/** Synchronous decompression: gzip (IDX files) and zlib streams (MATLAB v7 miCOMPRESSED elements). */
export interface Zlib {
  gunzip(bytes: Uint8Array): Uint8Array;
  inflate(bytes: Uint8Array): Uint8Array;
  /**
   * Raw deflate (no zlib header), as in ZIP members (.npz). Optional: hosts without it can
   * still read stored (uncompressed) archives. `maxOutputLength` is the size the archive
   * declares, so a corrupt member cannot make the host allocate without bound.
   */
  inflateRaw?(bytes: Uint8Array, maxOutputLength?: number): Uint8Array;
}
