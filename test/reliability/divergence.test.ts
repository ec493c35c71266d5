/**
 * NaN / Inf stops training: the error names the epoch, the batch and the layer, and the model
 * is rolled back to the weights of the last finished epoch (what the CLI saves).
 */

import { describe, it, expect } from 'vitest';
import * as T from '../../src/index.js';
import { fit, snapshot } from '../../src/search/train/fit.js';
import { TRAIN_SCHEMA, type TrainConfig } from '../../src/nn/train/config.js';
import { TrainingDivergedError, checkGradients, locateNonFinite } from '../../src/nn/train/divergence.js';
import { resolveConfig } from '../../src/util/schema.js';
import { Linear } from '../../src/nn/layers/linear.js';
import { Flatten, ReLU } from '../../src/nn/layers/simple.js';
import { Sequential } from '../../src/nn/layers/containers.js';
import { separableSplits } from '../nn/helpers.js';
import type { Module } from '../../src/nn/module.js';

function config(over: Partial<TrainConfig>): TrainConfig {
  return resolveConfig(TRAIN_SCHEMA, [{ values: over as Record<string, unknown>, where: 'test' }]);
}

function mlp(seed: number): Module {
  const r = new T.Rng(seed);
  return new Sequential(new Flatten(), new Linear(16, 8, { rng: r }), new ReLU(), new Linear(8, 2, { rng: r }));
}

function allFinite(m: Module): boolean {
  return [...m.stateDict().values()].every((t) => t.values().every((v) => Number.isFinite(v)));
}

function catchDiverged(f: () => unknown): TrainingDivergedError {
  try {
    f();
  } catch (e) {
    if (e instanceof TrainingDivergedError) return e;
    throw e;
  }
  throw new Error('expected training to diverge');
}

describe('divergence stop', () => {
  it('a poisoned weight: names epoch, batch and the module, rolls back to the last finished epoch', () => {
    const model = mlp(1);
    const splits = separableSplits(1);
    const layer3 = model.namedParameters().find(([k]) => k === '3.weight')![1];
    let atEpoch1End: Map<string, Float32Array | Float64Array> | null = null;
    const err = catchDiverged(() => fit(model, splits, config({ epochs: 4, lr: 0.01, batchSize: 16, seed: 2 }), {
      onEpoch: (r) => { if (r.epoch === 1) atEpoch1End = snapshot(model); },
      // After batch 2 of epoch 2 a weight of the last layer becomes Inf: batch 3 must fail there.
      onBatch: (epoch, done) => { if (epoch === 2 && done === 2) layer3.data[5] = Infinity; },
    }));
    expect(err.step).toEqual({ epoch: 2, batch: 3, batches: 6 });
    expect(err.what).toBe('loss');
    expect(err.layer).toBe('3');
    expect(err.message).toMatch(/epoch 2, batch 3\/6.*module '3'/);
    expect(err.lastGoodEpoch).toBe(1);
    expect(err.history).toHaveLength(1);
    expect(allFinite(model)).toBe(true);
    expect(snapshot(model)).toEqual(atEpoch1End);
  });

  it('a deliberately exploding config (SGD, lr 1e6) stops with a named step and layer and finite weights', () => {
    const model = mlp(3);
    const err = catchDiverged(() => fit(model, separableSplits(3), config({ epochs: 20, lr: 1e6, momentum: 0.99, optimizer: 'sgd', scheduler: 'none', batchSize: 8, seed: 1 })));
    expect(err.message).toMatch(/^training diverged at epoch \d+, batch \d+\/\d+: /);
    const modules = model.namedModules().map(([k]) => k);
    expect(err.layer === '(loss)' || modules.includes(err.layer), `layer '${err.layer}'`).toBe(true);
    expect(allFinite(model)).toBe(true);
  });

  it('checkGradients names the parameter and its module; locateNonFinite finds the first bad op', () => {
    const p = T.tensor([1, 2, 3], [3]);
    p.grad = T.tensor([0, NaN, 1], [3]);
    expect(() => checkGradients([['block.conv.weight', p]], { epoch: 3, batch: 7, batches: 9 }))
      .toThrow(/epoch 3, batch 7\/9: gradient of 'block.conv.weight' is NaN at element 1/);
    try {
      checkGradients([['block.conv.weight', p]], { epoch: 3, batch: 7, batches: 9 });
    } catch (e) {
      expect((e as TrainingDivergedError).layer).toBe('block.conv');
    }
    const x = T.tensor([1, 0], [2]);
    x.requiresGrad = true;
    const y = T.withScope('head', () => T.log(x));
    const z = T.sum(y);
    const src = locateNonFinite(z);
    expect(src).toMatchObject({ op: 'log', scope: 'head', value: -Infinity });
  });
});

describe('fit resume (in process)', () => {
  it('resuming from the epoch-3 progress gives the same history and weights as the uninterrupted run (adam, cosine, dropout on the global rng)', async () => {
    const { Dropout } = await import('../../src/nn/layers/simple.js');
    const { getRng } = await import('../../src/tensor/rng.js');
    const build = () => {
      const r = new T.Rng(5);
      return new Sequential(new Flatten(), new Linear(16, 8, { rng: r }), new ReLU(), new Dropout(0.3), new Linear(8, 2, { rng: r }));
    };
    const cfg = config({ epochs: 6, lr: 0.01, batchSize: 16, seed: 4, augNoise: 0.1 });
    const splits = separableSplits(2);
    getRng().setState(new T.Rng(1).getState());
    const a = build();
    let at3: import('../../src/search/train/fit.js').FitProgress | null = null;
    let w3: Map<string, Float32Array | Float64Array> | null = null;
    const ra = fit(a, splits, cfg, { onEpochEnd: (p) => { if (p.epoch === 3) { at3 = p; w3 = snapshot(a); } } });
    getRng().setState(new T.Rng(77).getState()); // the resumed process starts with another global state
    const b = build();
    const { restore } = await import('../../src/search/train/fit.js');
    restore(b, w3!);
    const rb = fit(b, splits, cfg, {}, at3!);
    const strip = (h: { seconds: number }[]) => h.map(({ seconds: _s, ...r }) => r);
    expect(strip(rb.history)).toEqual(strip(ra.history));
    expect(rb.bestEpoch).toBe(ra.bestEpoch);
    expect(snapshot(b)).toEqual(snapshot(a));
  });
});
