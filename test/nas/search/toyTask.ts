/** A small two-class sequence task and a Conv → BN → ReLU seed for search tests that need no benchmark data. */

import * as T from '../../../src/index.js';
import { SEARCH_SCHEMA, type SearchConfig } from '../../../src/search/config.js';
import { resolveConfig } from '../../../src/util/schema.js';
import type { DatasetSplits } from '../../../src/data/types.js';

/** Two classes told apart by the sign of the mean of channel 0 (channel 1 is noise); 2 × 16 steps. */
export function toySplits(n: number, seed: number): DatasetSplits {
  const rng = new T.Rng(seed);
  const make = (name: string, m: number) => {
    const x = new Float32Array(m * 32);
    const y = new Int32Array(m);
    for (let i = 0; i < m; i++) {
      y[i] = i % 2;
      for (let t = 0; t < 16; t++) {
        x[i * 32 + t] = (y[i] === 1 ? 0.8 : -0.8) + rng.normal() * 0.5;
        x[i * 32 + 16 + t] = rng.normal();
      }
    }
    return T.makeDataset(name, x, [2, 16], y, 'classification', 2);
  };
  return { train: make('train', n), val: make('val', Math.max(8, n >> 2)), test: make('test', n >> 1), info: { name: 'toy', task: 'classification', numClasses: 2, sampleShape: [2, 16], metric: 'accuracy', source: 'test', notes: '' } };
}

export function seedNet(seed: number): T.Module {
  const rng = new T.Rng(seed);
  return new T.Sequential(
    new T.Sequential(new T.Conv1d(2, 16, 5, { padding: 'causal', rng }), new T.BatchNorm1d(16), new T.ReLU()),
    new T.Sequential(new T.Conv1d(16, 16, 5, { padding: 'causal', rng }), new T.BatchNorm1d(16), new T.ReLU()),
    new T.GlobalAvgPool(), new T.Flatten(), new T.Linear(16, 2, { rng }),
  );
}

/** SEARCH_SCHEMA defaults with `values` over them, validated as the CLI does. */
export const config = (values: Record<string, unknown>): SearchConfig => resolveConfig(SEARCH_SCHEMA, [{ values, where: 'test' }]);
