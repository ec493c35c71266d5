/** The kernel layer: contracts, the js reference backend, the wasm backend and the dispatcher. */
export * from './contracts.js';
export * from './dispatch.js';
export { jsBackend, jsKernels } from './js/index.js';
export { roundHalfEven } from './js/elementwise.js';
export { wasmBackend, wasmKernels, wasmAvailable, wasmInfo, setWasmThreads, setWasmIsa, type WasmIsaRequest, THREAD_MIN_MACS, WAKE_MIN_MACS, setWasmConvPath, convPath, type ConvPath } from './wasm/index.js';
export {
  setWasmConvPathPolicy, wasmConvPathPolicy, wasmConvPathChoices, wasmConvPathTimings, loadWasmConvPathChoices, clearWasmConvPathChoices,
  convGeomKey, type ConvPathPolicy,
} from './wasm/pathChoice.js';
export { registerWasmBackend, useFastestBackend, useFastestBackendWithThreads, type BackendChoice } from './select.js';
export { createGpujsBackend, GPUJS_BACKEND, type GpujsBackend, type GpujsMode } from './gpujs/index.js';
