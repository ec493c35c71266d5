/** Quantisation: fake quantisers, quantisation plans, the fake-quant model, calibration and the integer engine. */
export * from './quantizers.js';
export * from './plan.js';
export { fakeQuantCodes, type ChannelQuantSpec, type QuantizedValues } from './fakeQuantCodes.js';
export { ActQuant, DEFAULT_ALPHA } from './actQuant.js';
export { foldBatchNorm, type FoldedParams } from './bnFold.js';
export { QLayer, biasCodes, type QLayerGeometry } from './qlayer.js';
export { QuantModel, type QNode } from './qmodel.js';
export { quantize, quantLayerInfo, type QuantizeOptions, type UniformPrecision } from './convert.js';
export { calibrate, type CalibrationOptions } from './calibrate.js';
export { integerize, IntegerModel, type IntNode, type IntRun, type LayerMemory, type WeightGroup } from './integer/engine.js';
export { packWeights, unpackWeights, packedBytes, containerBits } from './integer/pack.js';
export { requantMultiplier, mulShiftFloor, type Requant } from './integer/requant.js';
