/**
 * Public entry point of tsdnas (Node): the engine, layers, seeds, data, cost models, PIT and the
 * search protocol, quantisation and mixed-precision search, checkpoints, ONNX / C export, and the
 * curated API of docs/api.md (the list is src/api/library.ts, which builder modules receive as
 * `lib`). `tsdnas/browser` exports the same minus file access.
 */
export * from './api/library.js';
