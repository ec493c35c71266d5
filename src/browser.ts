/**
 * Browser entry point of tsdnas: the engine (tensors, kernels, autograd, layers, seeds, PIT,
 * the search protocol, cost models) and the data-layer parts that work on bytes and arrays.
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
export * from './models/seeds.js';
export * from './nas/index.js';
export * from './hw/index.js';

export {
  plainRegularizer, multiComplexityRegularizer, hingeRegularizer, defaultMaskLr,
  type Regularizer, type CostValues, type MultiComplexityOptions, type HingeConstraint,
} from './nas/search/regularizers.js';
export { searchMasks, costValues, type SearchEpochRecord, type SearchHooks, type SearchPhaseResult } from './nas/search/protocol.js';
export { paretoFront, dominates, toCsv, type FrontPoint } from './nas/search/pareto.js';
export type { LayerState, SearchableModel } from './nas/search/types.js';

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

// Checkpoints and safetensors as bytes (a page downloads or uploads them; no file access here).
export * from './io/safetensors-codec.js';
export * from './io/checkpoint-codec.js';

export * from './platform/types.js';
export { useBrowserBackend, type BrowserBackendChoice, type BrowserBackendPreference } from './platform/browserBackend.js';
