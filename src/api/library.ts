/**
 * The whole library as one module (Node): the engine, layers, seeds, data, cost models, PIT and
 * the search protocol, quantisation and mixed-precision search, checkpoints, ONNX / C export, and
 * the curated API of docs/api.md. The entry point (src/index.ts) re-exports it; a user's builder
 * module receives it as `lib` (userModelFiles.ts), which is why it lives in this layer.
 */
export * from '../tensor/index.js';
export * from '../kernels/index.js';
export * from '../autograd/index.js';
export * from '../nn/index.js';
// The training loop (search layer: it reads batches from data/).
export * from '../search/train/fit.js';
export * from '../search/train/epoch.js';
export { describeArchitecture, buildFromArchitecture, type ArchNode } from '../nn/serialize.js';
export * from '../models/seeds.js';
// The user's own model: architecture files (validated, checked against the data) and builder modules.
export * from '../models/userModel.js';
export { resolveModel, resolveModelAsync, loadModelFile } from './userModelFiles.js';
export * from '../data/index.js';
export { imagesToSequences } from '../data/datasets/common.js';
export { parseMnistDigitJson, MNIST_PIXELS } from '../data/formats/mnistParse.js';
export * from '../hw/index.js';
// The graph layer below the search methods: tracing, sharing groups, layer kinds, parameter roles.
export * from '../graph/index.js';
export * from '../nas/index.js';
export * from '../quant/index.js';
// The joint search of architecture and precision.
export * from '../joint/index.js';
// The mixed-precision search: one call (mpsSearch) at the top level, its parts in the `mps`
// namespace (kept from before, since `mps` is also the name of its conversion function).
export * as mps from '../quant/mps/index.js';
export { MPS_SCHEMA, runMps, type MpsConfig, type MpsPoint, type MpsSweepResult, type MpsHooks, type Granularity } from '../quant/mps/index.js';
// Checkpoints and safetensors: bytes and files.
export * from '../io/safetensors-codec.js';
export { saveSafetensors, loadSafetensors } from '../io/safetensors.js';
export * from '../io/checkpoint.js';
export * from '../io/quant-checkpoint.js';
export * as onnx from '../io/onnx/index.js';
export * as cExport from '../io/c/index.js';
export * as report from '../report/index.js';
// Multi-seed runs: the aggregate front and the seed-paired comparison (pure), and their files.
export * from '../search/multiSeed.js';
export { writeSeedsFront, readSeedsFront, readRunFront } from '../io/seeds-front.js';
export { readFrontSet } from '../io/front-set.js';
export * from './index.js';
export * from './node.js';
