/** Hardware cost models: pure functions of layer specs and effective sizes (DESIGN.md §7). */
export * from './spec.js';
export * from './basic.js';
export * from './rounding.js';
export * from './memory.js';
export * from './targets/index.js';
