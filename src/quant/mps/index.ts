/** Mixed-precision search (EdMIPS-style, per layer and per channel; docs/design.md#mixed-precision-search). */
export { checkPrecisions, initialLogits } from './precisions.js';
export { PrecisionSelector, softTheta, annealTemperature, SAMPLING_MODES, type SamplingMode, type SelectionState } from './selector.js';
export { MixedActQuant, mixActivation } from './mixedAct.js';
export { MixedWeightQuant, mixWeight } from './mixedWeight.js';
export { MpsLayer, isQuantizable } from './mpsLayer.js';
export { sizeBytesCost, bitopsCost, weightBitsOf, MPS_COSTS } from './costs.js';
export { MpsModel, type MpsLayerRecord, type MpsLayerSummary } from './model.js';
export { mps, fixedPrecision, calibrateClips, type MpsOptions } from './convert.js';
export { ActivationGroups, calibrateQuantizers, readsNonNegative, selectionState, type SelectionOptions } from './activationGroups.js';
export { bitHistogram } from './plan.js';
export { MPS_SCHEMA, type MpsConfig } from './config.js';
export { runMps, runMpsShare, mpsPointCount, searchOne, granularityKind, type PrecisionSearchKind, type PrecisionSearchTarget, uniformBaseline, trainPlan, compareChannelToLayer, mpsFronts, calibrationBatch, type MpsPoint, type MpsSweepResult, type MpsHooks, type Granularity, type ChannelVsLayer } from './run.js';
