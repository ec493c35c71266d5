/**
 * The search layer (docs/design.md#search-layer): the one resumable epoch loop, the training loop
 * and the mask search over it, the sweep driver and its checkpoints, configuration, regularisers,
 * PIT's whole sweeps, budgets and Pareto fronts.
 */
export { SEARCH_SCHEMA, SEARCH_LOOP_SCHEMA, COST_CHOICES, type SearchConfig, type MaskSearchConfig, type SearchTrainingConfig } from './config.js';
export { runEpochs, checkEpochFinite, type EpochLoop, type EpochOutcome, type LoopState, type LoopResult } from './loop.js';
export {
  runSweepDriver, runPhaseOnce, runSearchedOnce, fitPhase, searchPhase,
  type SweepSpec, type SweepPointHooks, type RunCheckpoints, type PointCheckpoints, type FitPhaseHooks,
} from './sweep.js';
export {
  plainRegularizer, multiComplexityRegularizer, hingeRegularizer, withHingeConstraints, defaultMaskLr,
  type Regularizer, type CostValues, type MultiComplexityOptions, type HingeConstraint, type HingeOptions,
} from './regularizers.js';
export { searchMasks, costValues, type SearchEpochRecord, type SearchHooks, type SearchPhaseResult, type SearchProgress, type SearchPartial } from './protocol.js';
export {
  runSweep, runSweepShare, warmUp, searchPoint, makeRegularizer, cloneModel, fronts,
  type Converter, type PointResult, type SeedResult, type SweepHooks, type SweepResult, type SweepCheckpoints, type PhaseCheckpoint, type Finished, type Searched,
} from './run.js';
export { paretoFront, dominates, costFronts, toCsv, type FrontPoint } from './pareto.js';
export { parseBytes, memoryBudgets, checkBudgets, formatBytes, describeChecks, type MemoryBudget, type BudgetCheck } from './constraints.js';
export type { LayerState, SearchableModel } from './types.js';
