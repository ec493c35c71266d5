/** The kernel layer: contracts, the js reference backend and the dispatcher. */
export * from './contracts.js';
export * from './dispatch.js';
export { jsBackend, jsKernels } from './js/index.js';
export { roundHalfEven } from './js/elementwise.js';
