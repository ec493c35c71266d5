/**
 * A user's own data, the browser-safe part: the SeriesTable every reader produces, the pure
 * parsers (.ts, .arff, UCR .tsv, CSV, .npy / .npz, WFDB, WAV clips), the preprocessing record
 * that travels with a model, leak-free splits and the dataset description. The Node part
 * (reading paths and description files) is ./node.ts.
 */

export { type SeriesTable, checkTable, rowName, MAX_VALUES } from './table.js';
export * from './formats/text.js';
export * from './formats/binary.js';
export {
  PREPROCESSING_FORMAT, fitPreprocessing, applyPreprocessing, checkPreprocessing, describePreprocessing, classOrder, selectRows,
  type Preprocessing, type FitOptions, type Prepared, type SourceFeatures, type LengthPolicy, type Normalize, type Missing,
} from './preprocess.js';
export { splitRows, type SplitBy } from './splits.js';
export { DATASET_SPEC_FORMAT, READERS, checkDatasetSpec, type DatasetSpec, type ReaderKind, type CsvSpec, type ArraysSpec, type WavSpec, type WfdbSpec } from './spec.js';
export { assembleSplits, heldOutTest, type AssembleOptions, type AssembledData } from './assemble.js';
