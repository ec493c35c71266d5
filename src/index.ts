/** Public entry point of tsdnas: re-exports the library's stable API. */
export * from './tensor/index.js';
export * from './kernels/index.js';
export * from './autograd/index.js';
export * from './nn/index.js';
export * from './models/seeds.js';
