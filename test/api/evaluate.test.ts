/** evaluateModel and predict: hand-checked metrics on a fixed linear model, both tasks. */

import { describe, expect, it } from 'vitest';
import { Linear, Sequential, Flatten, evaluateModel, predict, makeDataset, tensor, confusionMatrix, perClassScores } from '../../src/index.js';

/** A linear layer whose weights are set so that output = input (identity on 3 features). */
function identity(k: number): Sequential {
  const lin = new Linear(k, k);
  lin.weight.data.fill(0);
  for (let i = 0; i < k; i++) lin.weight.data[i * k + i] = 1;
  lin.bias?.data.fill(0);
  return new Sequential(new Flatten(), lin);
}

describe('evaluateModel', () => {
  it('classification: accuracy, confusion matrix, per-class scores', () => {
    // Samples whose argmax is 0, 1, 1, 2 with labels 0, 1, 2, 2.
    const x = Float32Array.from([1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 1]);
    const ds = makeDataset('t', x, [3], Int32Array.from([0, 1, 2, 2]), 'classification', 3);
    const r = evaluateModel(identity(3), ds);
    if (r.task !== 'classification') throw new Error('task');
    expect(r.accuracy).toBe(0.75);
    expect(r.confusion).toEqual([[1, 0, 0], [0, 1, 0], [0, 1, 1]]);
    expect(r.perClass[1]).toMatchObject({ precision: 0.5, recall: 1, support: 1 });
    expect(r.perClass[2].recall).toBe(0.5);
    expect(r.macroF1).toBeCloseTo((1 + 2 / 3 + 2 / 3) / 3, 12);
    expect(r.loss).toBeGreaterThan(0);
  });

  it('regression: MAE and RMSE in target units through the scaler', () => {
    const ds = makeDataset('r', Float32Array.from([0, 1, -1]), [1], Float32Array.from([10, 11, 9]), 'regression');
    const r = evaluateModel(identity(1), ds, { scaler: { mean: 10, std: 1 } });
    if (r.task !== 'regression') throw new Error('task');
    expect(r.mae).toBeCloseTo(0, 6);
    expect(r.rmse).toBeCloseTo(0, 6);
    const off = evaluateModel(identity(1), ds, { scaler: { mean: 11, std: 1 } });
    if (off.task !== 'regression') throw new Error('task');
    expect(off.mae).toBeCloseTo(1, 6);
    expect(off.rmse).toBeCloseTo(1, 6);
  });

  it('refuses a regression task on a multi-output model', () => {
    const ds = makeDataset('t', new Float32Array(3), [3], Float32Array.from([1]), 'regression');
    expect(() => evaluateModel(identity(3), ds)).toThrow(/task 'regression' needs one output per sample but the model gives 3/);
  });
});

describe('predict', () => {
  it('classes and softmax probabilities from raw values', () => {
    const p = predict(identity(3), Float32Array.from([0, 2, 0, 5, 0, 0]), [3]);
    if (p.task !== 'classification') throw new Error('task');
    expect(Array.from(p.classes)).toEqual([1, 0]);
    const e = Math.exp(2);
    expect(p.probabilities[1]).toBeCloseTo(e / (e + 2), 6);
    expect(p.numClasses).toBe(3);
  });

  it('values in target units for a one-output model; batch size does not matter', () => {
    const x = Float32Array.from([0, 1, 2, 3, 4]);
    const p = predict(identity(1), x, [1], { scaler: { mean: 100, std: 10 }, batchSize: 2 });
    expect(p).toEqual({ task: 'regression', values: Float32Array.from([100, 110, 120, 130, 140]) });
  });

  it('names what is wrong with the input', () => {
    expect(() => predict(identity(3), new Float32Array(4), [3])).toThrow(/4 values do not make whole samples of shape \[3\]/);
    expect(() => predict(identity(3), new Float32Array(3))).toThrow(/give sampleShape/);
  });

  it('metrics helpers agree with a hand count', () => {
    const m = confusionMatrix([0, 1, 1], [0, 0, 1], 2);
    expect(m).toEqual([[1, 1], [0, 1]]);
    expect(perClassScores(m).map((s) => s.f1)).toEqual([2 / 3, 2 / 3]);
    expect(tensor([1]).shape).toEqual([1]);
  });
});
