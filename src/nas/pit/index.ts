/** PIT (Pruning In Time): mask-based DNAS of channels, receptive field and dilation (docs/design.md#pit-masks). */
export { heavisideSte, MASK_THRESHOLD } from './ste.js';
export { ChannelMasker, ConcatMask, ConstantMask, OutMaskedModule, applyChannelMask, type ChannelMaskSource, type ParamTransform } from './channelMask.js';
export { TimeMasker, dilationGates, v2, type TimeMaskOptions } from './timeMask.js';
export { PitConv1d, PitConv2d, foldChannelMask } from './pitConv.js';
export { PitLinear } from './pitLinear.js';
export { MaskedLayer } from './maskedLayer.js';
export type { PitLayerOptions, PitConv1dOptions } from './options.js';
// The graph machinery PIT is built on lives in src/graph; re-exported here, where it was first offered.
export { traceModel, type Trace, type TraceUnit } from '../../graph/trace.js';
export { analyseGroups, classifyUnit, type Group, type GroupAnalysis, type UnitRole } from '../../graph/groups.js';
export { pit, pitConverter, type PitOptions, type PitSearchOptions, type ModuleClass } from './convert.js';
export { PitModel, type LayerRecord, type LayerSummary, type GroupSummary } from './model.js';
export { exportDense, gather, type ExportPlan, type LayerPlan as ExportLayerPlan } from './export.js';
export { swapChild, patchFields } from '../../graph/swap.js';
export type { PitDensePlan, PitFromPlainOptions, PitModuleKind } from './kinds.js';
