/**
 * The curated library API above the methods (docs/api.md): a PLiNIO-style loop's optimiser, the
 * PIT and mixed-precision protocols in one call each, checkpoints as bytes, evaluation and
 * prediction, splits from arrays. Browser-safe: the file functions are in ./node.ts.
 */
export { searchOptimizers, loopMaskLr, LOOP_MASK_LR, type SearchOptimizerOptions } from './optimizers.js';
export { SEARCH_DEFAULTS, MPS_DEFAULTS, TRAIN_DEFAULTS } from './options.js';
export { pitSearch, pitSweep, type PitProtocolOptions, type PitProtocolResult } from './search.js';
export { mpsSearch, jointSearch, searchKindsOf, type MpsSearchOptions, type MpsSearchResult } from './mps.js';
export { encodeModel, decodeModel, encodeQuantModel, decodeQuantModel, modelMeta, type ModelInfo } from './checkpoint.js';
export {
  evaluateModel, predict, type EvaluateOptions, type EvaluationReport, type ClassificationReport, type RegressionReport,
  type PredictOptions, type Prediction, type ClassPrediction, type ValuePrediction,
} from './evaluate.js';
export { makeSplits, splitDataset, type SplitsInput, type SplitOptions } from './data.js';
