/** Mixed-precision search (EdMIPS-style, per layer and per channel; DESIGN.md §6). */
export { checkPrecisions, initialLogits } from './precisions.js';
export { PrecisionSelector, SAMPLING_MODES, type SamplingMode, type SelectionState } from './selector.js';
export { MixedActQuant } from './mixedAct.js';
export { MixedWeightQuant } from './mixedWeight.js';
export { MpsLayer, isQuantizable } from './mpsLayer.js';
export { sizeBytesCost, bitopsCost, weightBitsOf, MPS_COSTS } from './costs.js';
export { MpsModel, type MpsLayerRecord, type MpsLayerSummary } from './model.js';
export { mps, fixedPrecision, calibrateClips, type MpsOptions } from './convert.js';
export { bitHistogram } from './plan.js';
