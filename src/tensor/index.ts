/** The tensor layer: storage, shapes, dtypes, creation and the seeded generator. */
export * from './dtype.js';
export * from './shape.js';
export * from './rng.js';
export * from './tensor.js';
export * from './create.js';
export { copyStrided, writeStrided, isContiguousLayout } from './strided.js';
