/** Joint search of architecture (PIT masks) and precision (per-channel weight bits, per-layer activation bits) in one differentiable search (docs/design.md#joint-search). */
export { joint, type JointOptions } from './convert.js';
export { JointModel, type JointLayerRecord } from './model.js';
export { jointSearchKind, jointTarget, type JointSearchSpace } from './search.js';
