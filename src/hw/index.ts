/** Hardware cost models: pure functions of layer specs and effective sizes (docs/design.md#hardware-cost-models). */
export * from './spec.js';
export * from './basic.js';
export * from './rounding.js';
export * from './memory.js';
export * from './targets/index.js';
export * from './costed.js';
