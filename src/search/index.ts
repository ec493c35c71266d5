/** The search protocol (docs/design.md#search-protocol): configuration, regularisers, the mask-search phase, whole sweeps, budgets and Pareto fronts. */
export { SEARCH_SCHEMA, COST_CHOICES, type SearchConfig } from './config.js';
export {
  plainRegularizer, multiComplexityRegularizer, hingeRegularizer, withHingeConstraints, defaultMaskLr,
  type Regularizer, type CostValues, type MultiComplexityOptions, type HingeConstraint, type HingeOptions,
} from './regularizers.js';
export { searchMasks, costValues, type SearchEpochRecord, type SearchHooks, type SearchPhaseResult, type SearchProgress } from './protocol.js';
export {
  runSweep, warmUp, searchPoint, makeRegularizer, cloneModel, fronts,
  type Converter, type PointResult, type SeedResult, type SweepHooks, type SweepResult, type SweepCheckpoints, type PhaseCheckpoint, type Finished,
} from './run.js';
export { paretoFront, dominates, toCsv, type FrontPoint } from './pareto.js';
export { parseBytes, memoryBudgets, checkBudgets, formatBytes, describeChecks, type MemoryBudget, type BudgetCheck } from './constraints.js';
export type { LayerState, SearchableModel } from './types.js';
