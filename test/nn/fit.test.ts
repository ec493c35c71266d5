/** fit(): learning, best-epoch restore, early stopping, regression scaling, bit-exact determinism. */

import { describe, it, expect } from 'vitest';
import * as T from '../../src/index.js';
import { fit, type EpochRecord } from '../../src/search/train/fit.js';
import { evaluate, trainEpoch } from '../../src/search/train/epoch.js';
import { TRAIN_SCHEMA, type TrainConfig } from '../../src/nn/train/config.js';
import { resolveConfig } from '../../src/util/schema.js';
import { Linear } from '../../src/nn/layers/linear.js';
import { Conv1d } from '../../src/nn/layers/conv.js';
import { BatchNorm1d } from '../../src/nn/layers/batchnorm.js';
import { Dropout, Flatten, GlobalAvgPool, ReLU } from '../../src/nn/layers/simple.js';
import { Sequential } from '../../src/nn/layers/containers.js';
import { buildSeed } from '../../src/models/seeds.js';
import type { DatasetSplits } from '../../src/data/types.js';
import type { Module } from '../../src/nn/module.js';
import { arrayDataset, linearRegressionSplits, separableSplits, weightsOf } from './helpers.js';

function config(over: Partial<TrainConfig>): TrainConfig {
  return resolveConfig(TRAIN_SCHEMA, [{ values: over as Record<string, unknown>, where: 'test' }]);
}

function mlp(seed: number): Module {
  const r = new T.Rng(seed);
  return new Sequential(new Flatten(), new Linear(16, 8, { rng: r }), new ReLU(), new Dropout(0.2, r), new Linear(8, 2, { rng: r }));
}

/** Loss / metric columns of a history (not the wall-clock seconds). */
const numbers = (h: EpochRecord[]) => h.map(({ epoch, lr, trainLoss, trainMetric, valLoss, valMetric }) => [epoch, lr, trainLoss, trainMetric, valLoss, valMetric]);

describe('fit', () => {
  it('learns a separable classification problem to > 90% accuracy', () => {
    const splits = separableSplits(1);
    const model = mlp(1);
    const res = fit(model, splits, config({ epochs: 8, lr: 0.01, batchSize: 16, seed: 3 }));
    expect(res.history).toHaveLength(8);
    expect(res.history[0].lr).toBe(0.01);
    expect(res.history.at(-1)?.lr).toBeLessThan(0.01); // cosine schedule
    const best = res.history[res.bestEpoch - 1];
    expect(best.valMetric).toBeGreaterThan(0.9);
    const test = evaluate(model, splits.test, res.ctx);
    expect(test.metricName).toBe('accuracy');
    expect(test.metric).toBeGreaterThan(0.9);
    expect(test.macroF1).toBeGreaterThan(0.9);
    expect(test.outputs).toHaveLength(splits.test.length * 2);
    expect(model.training).toBe(true); // evaluate restores the mode
  });

  it('restores the weights of the best validation epoch', () => {
    // Validation labels are the training labels flipped: the better the fit, the worse the
    // validation accuracy, so the best epoch is an early one and the final weights differ.
    const splits = separableSplits(2);
    const flipped: DatasetSplits = { ...splits, val: { ...splits.val, y: Int32Array.from(splits.val.y, (v) => 1 - v) } };
    const model = mlp(2);
    const perEpoch: Map<string, number[]>[] = [];
    const res = fit(model, flipped, config({ epochs: 5, lr: 0.02, batchSize: 16, scheduler: 'none' }), {
      onEpoch: () => perEpoch.push(weightsOf(model)),
    });
    const scores = res.history.map((r) => r.valMetric);
    // The best epoch has the highest validation metric (how ties are broken is fit's choice).
    expect(scores[res.bestEpoch - 1]).toBe(Math.max(...scores));
    expect(res.bestEpoch).toBeLessThan(5);
    expect(weightsOf(model)).toEqual(perEpoch[res.bestEpoch - 1]);
    expect(weightsOf(model)).not.toEqual(perEpoch[4]);
  });

  it('patience stops training after that many epochs without improvement', () => {
    const splits = separableSplits(2);
    const flipped: DatasetSplits = { ...splits, val: { ...splits.val, y: Int32Array.from(splits.val.y, (v) => 1 - v) } };
    const res = fit(mlp(2), flipped, config({ epochs: 30, lr: 0.02, batchSize: 16, patience: 2 }));
    expect(res.history.length).toBe(res.bestEpoch + 2);
    expect(res.history.length).toBeLessThan(30);
  });

  it('regression with target scaling reaches a low MAE on a linear target', () => {
    const splits = linearRegressionSplits(4);
    const model = new Linear(4, 1, { rng: new T.Rng(4) });
    const res = fit(model, splits, config({ epochs: 25, lr: 0.05, batchSize: 16, weightDecay: 0, scheduler: 'none' }));
    expect(res.ctx.task).toBe('regression');
    expect(res.ctx.loss.loss).toBe('logcosh');
    expect(res.ctx.scaler?.mean).toBeGreaterThan(45);
    expect(res.ctx.scaler?.std).toBeGreaterThan(5);
    const test = evaluate(model, splits.test, res.ctx);
    expect(test.metricName).toBe('mae');
    // Targets have a std of ≈ 10 around 50: an MAE of 0.5 means the line was found.
    expect(test.metric).toBeLessThan(0.5);
    // The learnt weights, in target units, are the generating ones.
    const w = (model.weight.values() as Float32Array);
    const sd = res.ctx.scaler?.std as number;
    expect(Array.from(w, (v) => v * sd)).toEqual([5, -3, 8, 1].map((v) => expect.closeTo(v, 0) as unknown as number));
  });

  it('regression accepts mse, l1 and huber; classification rejects a regression loss', () => {
    const splits = linearRegressionSplits(5, 32, 16, 16);
    for (const loss of ['mse', 'l1', 'huber'] as const) {
      const res = fit(new Linear(4, 1, { rng: new T.Rng(5) }), splits, config({ epochs: 1, loss, batchSize: 8 }));
      expect(Number.isFinite(res.history[0].trainLoss)).toBe(true);
    }
    expect(() => fit(mlp(1), separableSplits(1, 16, 8, 8), config({ epochs: 1, loss: 'mse' }))).toThrow(/loss 'mse' does not fit a classification task/);
  });

  it('sgd / adamw / step schedule / gradient clipping / label smoothing all run', () => {
    const splits = separableSplits(6, 48, 16, 16);
    for (const over of [{ optimizer: 'sgd' }, { optimizer: 'adamw', scheduler: 'step', stepSize: 1, gamma: 0.5 }, { clipGradNorm: 0.1, labelSmoothing: 0.1 }] as Partial<TrainConfig>[]) {
      const res = fit(mlp(6), splits, config({ epochs: 2, batchSize: 16, lr: 0.01, ...over }));
      expect(res.history).toHaveLength(2);
      if (over.scheduler === 'step') expect(res.history[1].lr).toBeCloseTo(0.005, 12);
    }
  });

  it('a final batch of one sample is dropped in training (BatchNorm cannot normalise it)', () => {
    const splits = separableSplits(7, 33, 8, 8);
    const r = new T.Rng(7);
    const model = new Sequential(new Conv1d(2, 4, 3, { rng: r }), new BatchNorm1d(4), new ReLU(), new GlobalAvgPool(), new Linear(4, 2, { rng: r }));
    const ctx = { task: 'classification' as const, numClasses: 2, loss: { loss: 'cross-entropy' as const, labelSmoothing: 0, huberDelta: 1 }, scaler: null };
    const seen: number[] = [];
    const res = trainEpoch(model, splits.train, ctx, { batchSize: 16, rng: new T.Rng(1), optimizers: [], onBatch: (d, t) => seen.push(d * 100 + t) });
    expect(res.samples).toBe(32);
    expect(seen).toEqual([102, 202]);
  });

  it('epochs = 0 leaves the model untouched', () => {
    const model = mlp(8);
    const before = weightsOf(model);
    const res = fit(model, separableSplits(8, 16, 8, 8), config({ epochs: 0 }));
    expect(res.history).toEqual([]);
    expect(weightsOf(model)).toEqual(before);
  });
});

describe('training determinism', () => {
  /** Random ECG-like data: 40 training sequences of [1, 48]. */
  function randomSplits(): DatasetSplits {
    const rng = new T.Rng(123);
    const make = (n: number, name: string) => {
      const x = new Float32Array(n * 48).map(() => rng.normal());
      const y = Int32Array.from({ length: n }, () => rng.int(2));
      return arrayDataset(name, x, [1, 48], y, 'classification', 2);
    };
    return {
      train: make(40, 'r-train'), val: make(12, 'r-val'), test: make(12, 'r-test'),
      info: { name: 'random', task: 'classification', numClasses: 2, sampleShape: [1, 48], metric: 'accuracy', source: 'synthetic', notes: '' },
    };
  }

  function run(buildSeedValue: number, trainSeed: number) {
    const model = buildSeed('tcn-ecg', { inputShape: [1, 48], outputs: 2, rng: new T.Rng(buildSeedValue) });
    const res = fit(model, randomSplits(), config({ epochs: 2, batchSize: 16, lr: 0.01, seed: trainSeed }));
    return { history: numbers(res.history), weights: weightsOf(model), bestEpoch: res.bestEpoch };
  }

  it('the same seeds give bit-identical loss histories and final weights; another seed does not', () => {
    const a = run(1, 5);
    const b = run(1, 5);
    expect(b.history).toEqual(a.history);
    expect(b.weights).toEqual(a.weights);
    expect(b.bestEpoch).toBe(a.bestEpoch);
    const c = run(1, 6); // other shuffling
    expect(c.history).not.toEqual(a.history);
    const d = run(2, 5); // other initialisation
    expect(d.history).not.toEqual(a.history);
    expect(d.weights).not.toEqual(a.weights);
  });

  it('dropout masks come from the model Rng, so a model with dropout trains reproducibly too', () => {
    const go = () => {
      const model = mlp(9);
      const res = fit(model, separableSplits(9, 32, 8, 8), config({ epochs: 2, batchSize: 8, seed: 1 }));
      return { h: numbers(res.history), w: weightsOf(model) };
    };
    const a = go();
    T.manualSeed(999); // the global generator must not matter
    const b = go();
    expect(b).toEqual(a);
  });
});
