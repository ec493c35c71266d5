/** The autograd layer: differentiable ops, the graph, backward, custom ops and gradcheck. */
export * from './ops/elementwise.js';
export * from './ops/movement.js';
export * from './ops/reduce.js';
export * from './ops/matmul.js';
export * from './ops/conv.js';
export * from './ops/pool.js';
export * from './ops/softmax.js';
export * from './ops/batchnorm.js';
export { asTensor, type TensorLike } from './ops/util.js';
export { noGrad, enableGrad, isGradEnabled, withScope, currentScope, type Node } from './graph.js';
export { backward, zeroGrad, type BackwardOptions } from './backward.js';
export { customOp, straightThrough, type CustomOpSpec } from './custom.js';
export { gradcheck, assertGradcheck, type GradcheckOptions, type GradcheckResult } from './gradcheck.js';
export { gradRules, sumTo } from './rules.js';
export type { Prim, PrimAttrs } from './prims.js';
