/** Public entry point of tsdnas: re-exports the library's stable API. */
export * from './tensor/index.js';
export * from './kernels/index.js';
export * from './autograd/index.js';
export * from './nn/index.js';
export * from './models/seeds.js';
export * from './data/index.js';
export * from './hw/index.js';
export * from './nas/index.js';
export * from './quant/index.js';
export * as mps from './quant/mps/index.js';
export * as onnx from './io/onnx/index.js';
export * as cExport from './io/c/index.js';
export * as report from './report/index.js';
