/**
 * Quantisation-aware training is the ordinary training loop on the fake-quant model: the loss
 * falls, weights and PACT clips move (the clip through PACT's gradient), and the result still
 * integerises within one LSB.
 */

import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/tensor/rng.js';
import type { ArrayDataset, DatasetSplits } from '../../src/data/types.js';
import { TRAIN_SCHEMA, type TrainConfig } from '../../src/nn/train/config.js';
import { resolveConfig } from '../../src/util/schema.js';
import { fit } from '../../src/search/train/fit.js';
import { Conv1d } from '../../src/nn/layers/conv.js';
import { Linear } from '../../src/nn/layers/linear.js';
import { BatchNorm1d } from '../../src/nn/layers/batchnorm.js';
import { Flatten, MaxPool1d, ReLU } from '../../src/nn/layers/simple.js';
import { Sequential } from '../../src/nn/layers/containers.js';
import { quantize } from '../../src/quant/convert.js';
import { calibrate } from '../../src/quant/calibrate.js';
import { integerize } from '../../src/quant/integer/engine.js';
import { evaluateInteger } from '../../src/quant/evaluate.js';
import { tensor } from '../../src/tensor/create.js';

/** Two classes: a bump early or late in a noisy 1×16 sequence. */
function toySplit(n: number, rng: Rng, name: string): ArrayDataset {
  const x = new Float32Array(n * 16);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 2;
    for (let t = 0; t < 16; t++) x[i * 16 + t] = 0.3 * (rng.next() - 0.5) + (Math.abs(t - (y[i] === 0 ? 4 : 11)) < 2 ? 1 : 0);
  }
  return { name, x, y, sampleShape: [1, 16], length: n, task: 'classification', numClasses: 2 };
}

describe('QAT with the training loop', () => {
  it('w4a4: the fake-quant model trains, the PACT clips learn, and the integer model matches it', () => {
    const rng = new Rng(1);
    const splits: DatasetSplits = {
      train: toySplit(96, rng, 'train'), val: toySplit(32, rng, 'val'), test: toySplit(32, rng, 'test'),
      info: { name: 'toy', task: 'classification', numClasses: 2, sampleShape: [1, 16], metric: 'accuracy', source: 'test', notes: '' },
    };
    const model = new Sequential(new Conv1d(1, 6, 3, { padding: 'same', rng }), new BatchNorm1d(6), new ReLU(), new MaxPool1d({ kernel: 2 }), new Flatten(), new Linear(48, 2, { rng }));
    const q = quantize(model, { wBits: 4, aBits: 4 }, { inputShape: [1, 16] });
    calibrate(q, [tensor(splits.train.x.slice(0, 32 * 16), [32, 1, 16])], { method: 'max' });
    const alphas0 = q.quantizers().map((a) => a.alpha.item());
    const w0 = q.layers()[0].weight.toFlatArray();
    const cfg: TrainConfig = resolveConfig(TRAIN_SCHEMA, []);
    const r = fit(q, splits, { ...cfg, epochs: 8, batchSize: 16, lr: 0.01, select: 'last' });
    expect(r.history[r.history.length - 1].trainLoss).toBeLessThan(r.history[0].trainLoss);
    expect(r.history[r.history.length - 1].valMetric).toBeGreaterThanOrEqual(0.9);
    expect(q.layers()[0].weight.toFlatArray()).not.toEqual(w0);
    expect(q.quantizers().map((a) => a.alpha.item())).not.toEqual(alphas0);
    const ev = evaluateInteger(integerize(q), q, splits.test, { task: 'classification', numClasses: 2, scaler: null });
    expect(ev.agreement).toBe(1);
    expect(ev.metric).toBeGreaterThanOrEqual(0.9);
  });
});
