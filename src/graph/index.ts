/**
 * The graph layer, below every search method: tracing a model into a dataflow graph of layer
 * units, channel-sharing groups, cost-model specs of layer calls, the registry of layer kinds,
 * swapping layers in place, and the mask threshold (docs/design.md#graph-layer).
 */
export { traceModel, type Trace, type TraceUnit } from './trace.js';
export { analyseGroups, classifyUnit, type Group, type GroupAnalysis, type GroupOptions, type UnitRole } from './groups.js';
export { specOf } from './spec.js';
export { swapChild, swapAt, splitPath, patchFields } from './swap.js';
export { MASK_THRESHOLD } from './threshold.js';
export {
  kindOf, registerModuleKind, isSearchableKind, geometryOf, isDepthwise, isLayerModule, isSearchOnly, searchedParameters,
  conv1dGeometry, conv2dGeometry, linearGeometry,
  type ModuleKind, type SearchableModuleKind, type SearchParameter, type LayerGeometry, type ChannelPass,
} from './kinds.js';
export { parameterRole, parametersByRole, type ParameterRole } from '../nn/module.js';
