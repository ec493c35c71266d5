/** Optimisers, learning-rate schedulers and gradient clipping for training tsdnas models. */
export { Optimizer, buffer } from './optimizer.js';
export { SGD, SGD_SPEC, type SGDHyper, type SGDOptions } from './sgd.js';
export { Adam, AdamW, ADAM_SPEC, ADAMW_SPEC, type AdamHyper, type AdamOptions } from './adam.js';
export type { BaseHyper, OptimizerParamGroup, OptimizerSpec, ParamGroup, ParamState } from './types.js';
export {
  OPTIMIZER_STATE_FORMAT,
  type HyperValue,
  type OptimizerStateDict,
  type SavedParamGroup,
  type SavedParamState,
} from './stateDict.js';
export { optimizerStateFromTensors, optimizerStateToTensors, type OptimizerStateTensors, type StateTensor } from './stateTensors.js';
export {
  LRScheduler,
  SCHEDULER_STATE_FORMAT,
  type LRSchedulerStateDict,
  type SchedulableOptimizer,
  type Schedule,
} from './lrScheduler.js';
export {
  CosineAnnealingLR,
  LinearWarmup,
  MultiStepLR,
  StepLR,
  type CosineAnnealingLROptions,
  type LinearWarmupOptions,
  type MultiStepLROptions,
  type StepLROptions,
} from './schedulers.js';
export { clipGradNorm, clipGradValue, type ClipGradNormOptions } from './clip.js';
export type { FloatArray } from './params.js';
