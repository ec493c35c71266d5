/** ONNX export: the protobuf writer (model.ts) and the float Module-tree exporter (fromModule.ts). */

export { encodeOnnxModel, ONNX_TYPE, type OnnxAttr, type OnnxElemType, type OnnxGraph, type OnnxNode, type OnnxTensor, type OnnxValueInfo } from './model.js';
export { moduleToOnnx, ONNX_SUPPORTED, type OnnxExportOptions } from './fromModule.js';
export { integerModelToOnnx } from './fromInteger.js';
