/**
 * The one-call protocol functions: pitSweep / pitSearch / mpsSearch with tiny settings return
 * the front and the models; options are validated before any work, naming the option at fault.
 */

import { describe, expect, it } from 'vitest';
import {
  Rng, buildSeed, evaluateModel, loadDataset, manualSeed, mpsSearch, pitSearch, pitSweep, makeSplits, makeDataset,
  SEARCH_DEFAULTS, MPS_DEFAULTS, SEARCH_SCHEMA, MPS_SCHEMA,
} from '../../src/index.js';

const data = loadDataset('mnist', { layout: 'sequence', limit: 300 });
const shape = data.info.sampleShape;
const small = { val: { ...data.val, x: data.val.x.slice(0, 200 * 784), y: data.val.y.slice(0, 200), length: 200 }, test: { ...data.test, x: data.test.x.slice(0, 300 * 784), y: data.test.y.slice(0, 300), length: 300 } };
const splits = { ...data, ...small };
const seed = () => {
  manualSeed(0);
  return buildSeed('tcn-mnist', { inputShape: shape, outputs: 10, rng: new Rng(0) });
};

describe('defaults', () => {
  it('are the CLI schemas\' defaults, frozen', () => {
    for (const [k, f] of Object.entries(SEARCH_SCHEMA)) expect(SEARCH_DEFAULTS[k as keyof typeof SEARCH_DEFAULTS]).toEqual((f as { default?: unknown }).default);
    for (const [k, f] of Object.entries(MPS_SCHEMA)) expect(MPS_DEFAULTS[k as keyof typeof MPS_DEFAULTS]).toEqual((f as { default?: unknown }).default);
    expect(Object.isFrozen(SEARCH_DEFAULTS)).toBe(true);
  });
});

describe('pitSweep / pitSearch', () => {
  it('returns one exported model per strength, the front among them, and the warm seed', () => {
    const model = seed();
    const r = pitSweep(model, splits, { warmupEpochs: 1, searchEpochs: 2, finetuneEpochs: 1, maskLr: 0.1, strengths: [0, 1e-3] });
    expect(r.points.map((p) => p.strength)).toEqual([0, 1e-3]);
    expect(r.warm.model).toBe(model);
    expect(r.front.length).toBeGreaterThan(0);
    for (const p of r.front) expect(r.points).toContain(p);
    for (const p of r.points) {
      expect(evaluateModel(p.model, splits.test).metric).toBeCloseTo(p.testMetric, 10);
    }
    // params counts conv / linear weights (the search's cost); numParameters adds BatchNorm's.
    expect(r.points[1].params).toBeLessThan(r.warm.params);
    expect(r.points[1].model.numParameters()).toBeLessThan(model.numParameters());
    expect(r.config.lr).toBe(SEARCH_DEFAULTS.lr);
  }, 120_000);

  it('pitSearch takes arrays as { train, val, test } and runs one point at lambda', () => {
    const ds = (d: typeof splits.train) => makeDataset('digits', d.x, d.sampleShape, d.y, 'classification', 10);
    const r = pitSearch(seed(), { train: ds(splits.train), val: ds(splits.val), test: ds(splits.test) }, { warmupEpochs: 0, searchEpochs: 1, finetuneEpochs: 0, lambda: 1e-5 });
    expect(r.points).toHaveLength(1);
    expect(r.points[0].strength).toBe(1e-5);
  }, 60_000);

  it('refuses bad options before any training, naming the option', () => {
    const m = seed();
    expect(() => pitSweep(m, splits, { lambdaa: 1 } as never)).toThrow(/pitSweep options: unknown key 'lambdaa' \(did you mean 'lambda'\?\)/);
    expect(() => pitSearch(m, splits, { searchEpochs: 0 })).toThrow(/'searchEpochs' = 0 is not allowed; expected an integer ≥ 1/);
    expect(() => pitSearch(m, splits, { cost: 'latency' })).toThrow(/cost 'latency' is not computed here.*add target: 'gap8'/);
    expect(() => pitSearch(m, splits, { maxFlash: '64KB' })).toThrow(/maxFlash 'flash' is not computed/);
    expect(() => pitSweep(m, splits, { strengths: [] })).toThrow(/strengths must be a non-empty list/);
    expect(() => pitSearch(m, { train: splits.train } as never)).toThrow(/'val' must be an ArrayDataset/);
    expect(() => mpsSearch(m, splits, { checkpoint: 'x' } as never)).toThrow(/load the model with loadModel/);
    expect(() => mpsSearch(m, splits, { cost: 'latency' })).toThrow(/cost 'latency' is not computed here/);
    expect(() => mpsSearch(m, splits, { precisions: [0] })).toThrow(/precisions/);
  });

  it('a hardware target by name adds its costs', () => {
    const r = pitSearch(seed(), splits, { warmupEpochs: 0, searchEpochs: 1, finetuneEpochs: 0, target: 'gap8', cost: 'latency', lambda: 1 });
    expect(r.points[0].costs.latency).toBeGreaterThan(0);
  }, 60_000);
});

describe('mpsSearch', () => {
  it('returns fake-quant models with their float sources and the fronts', () => {
    const r = mpsSearch(seed(), splits, { warmupEpochs: 1, searchEpochs: 1, finetuneEpochs: 1, baselines: [8], strengths: [1e-4], valLimit: 100, testLimit: 100 });
    expect(r.points.map((p) => p.kind)).toEqual(['uniform', 'mps-channel']);
    expect(r.front.length).toBeGreaterThan(0);
    for (const p of r.points) expect(p.sizeBytes).toBeGreaterThan(0);
    expect(r.warm.testMetric).toBeGreaterThan(0.1);
  }, 120_000);
});

describe('makeSplits', () => {
  it('derives the info and refuses splits that disagree', () => {
    const a = makeDataset('a', new Float32Array(8), [2, 2], Int32Array.from([0, 1]), 'classification');
    const b = makeDataset('b', new Float32Array(6), [3], Int32Array.from([0, 2]), 'classification');
    expect(makeSplits({ train: a, val: a, test: a }).info).toMatchObject({ task: 'classification', numClasses: 2, metric: 'accuracy', sampleShape: [2, 2] });
    expect(() => makeSplits({ train: a, val: b, test: a })).toThrow(/'val' has samples of shape \[3\] but 'train' has \[2, 2\]/);
  });
});
