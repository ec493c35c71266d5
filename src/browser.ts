/**
 * Browser entry point of tsdnas: the same concepts as the Node entry (src/index.ts) — engine,
 * layers, seeds, PIT and the search protocol, cost models, quantisation and mixed-precision
 * search, ONNX / C export, the curated API of docs/api.md — minus what needs files: checkpoints
 * and safetensors as bytes here (encodeModel / decodeModel, …), the data layer's parsers over
 * bytes and arrays instead of its file-reading loaders.
 *
 * Nothing reachable from here imports a Node built-in (test/browser/entry.test.ts walks the
 * import graph to prove it). File reading, gzip / zlib and worker threads live behind the
 * adapters in src/platform; the Node implementations are in src/platform/node.ts, which the
 * Node entry (src/index.ts) and the CLI use and this file never imports.
 */

export * from './tensor/index.js';
export * from './kernels/index.js';
export * from './autograd/index.js';
export * from './nn/index.js';
// The training loop (search layer: it reads batches from data/).
export * from './search/train/fit.js';
export * from './search/train/epoch.js';
export { describeArchitecture, buildFromArchitecture, type ArchNode } from './nn/serialize.js';
export * from './models/seeds.js';
export * from './models/userModel.js';
// The graph layer below the search methods: tracing, sharing groups, layer kinds, parameter roles.
export * from './graph/index.js';
export * from './nas/index.js';
export * from './hw/index.js';
export * from './quant/index.js';
// The joint search of architecture and precision.
export * from './joint/index.js';
export * as mps from './quant/mps/index.js';
export { MPS_SCHEMA, runMps, type MpsConfig, type MpsPoint, type MpsSweepResult, type MpsHooks, type Granularity } from './quant/mps/index.js';

export * from './data/types.js';
export * from './data/split.js';
export * from './data/batches.js';
export { imagesToSequences } from './data/datasets/common.js';
export { parseMnistDigitJson, MNIST_PIXELS } from './data/formats/mnistParse.js';
// Pure format parsers over bytes (compressed IDX / MAT data need a Zlib adapter passed in).
export * from './data/formats/idx.js';
export * from './data/formats/mat.js';
export * from './data/formats/wav.js';
export * from './data/formats/ucr.js';
export * from './data/features/fft.js';
export * from './data/features/resample.js';
export * from './data/features/standardize.js';
export * from './data/features/mfcc.js';
export * from './data/augment.js';
// A user's own data: readers over bytes, preprocessing records, splits, descriptions.
export * from './data/user/index.js';

// Checkpoints and safetensors as bytes (a page downloads or uploads them; no file access here).
export * from './io/safetensors-codec.js';
export * from './io/checkpoint-codec.js';
export { decodeQuantCheckpoint, encodeQuantCheckpoint, quantMeta, restoreQuantModel, type QuantMeta } from './io/quant-checkpoint-codec.js';
export * as onnx from './io/onnx/index.js';
export * as cExport from './io/c/index.js';

export * from './api/index.js';
// Multi-seed runs: aggregating fronts over seeds and comparing two fronts seed by seed (no files).
export * from './search/multiSeed.js';

export * from './platform/types.js';
export { useBrowserBackend, type BrowserBackendChoice, type BrowserBackendPreference } from './platform/browserBackend.js';
