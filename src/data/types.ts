/**
 * The shapes the data layer hands to the rest of tsdnas: plain typed arrays, no Tensor class,
 * so that loaders, tests and the browser demo can use them without the engine.
 */

import type { Preprocessing } from './user/preprocess.js';

export type Task = 'classification' | 'regression';

/** `length` samples, each `sampleShape` values (channels-first), stored contiguously in `x`. */
export interface ArrayDataset {
  name: string;
  x: Float32Array;
  sampleShape: number[];
  /** Class indices 0..numClasses-1 (classification) or targets (regression). */
  y: Int32Array | Float32Array;
  length: number;
  task: Task;
  numClasses?: number;
}

export interface DatasetInfo {
  name: string;
  task: Task;
  numClasses?: number;
  sampleShape: number[];
  metric: 'accuracy' | 'mae';
  /** Where the data came from (file paths or package). */
  source: string;
  /** Preprocessing and split choices, in words, for reports. */
  notes: string;
  /** Unit of a regression target, for messages ('BPM'); none for classification. */
  unit?: string;
  /**
   * The preprocessing of a user's dataset (src/data/user/preprocess.ts), saved with the model so
   * that new recordings are prepared the same way. Plain JSON.
   */
  preprocessing?: Preprocessing;
}

export interface DatasetSplits {
  train: ArrayDataset;
  val: ArrayDataset;
  test: ArrayDataset;
  info: DatasetInfo;
}

export interface LoadOptions {
  /** Data directory; else TSDNAS_DATA_DIR, else ../shared/data (see resolveDataDir). */
  dataDir?: string;
  /** Seed of the validation split (and of `limit`'s subset); default 0. */
  seed?: number;
  /** Images: 'image' → [1, 28, 28]; 'sequence' → [28, 28] = 28 channels (pixel columns) × 28 steps (rows). FSDD MFCC: 'sequence' → [10, 49], 'image' → [1, 49, 10]. */
  layout?: 'image' | 'sequence';
  /** FSDD only: 'mfcc' (default) or 'raw' audio. */
  features?: 'mfcc' | 'raw';
  /** Optional cap on the training split size, for quick tests (validation and test are untouched). */
  limit?: number;
}

export function sampleSize(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
