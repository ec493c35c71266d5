/** Seed models: every entry builds, has the right output shape and the published parameter counts. */

import { describe, it, expect } from 'vitest';
import * as T from '../../src/index.js';
import { SEED_MODELS, buildSeed } from '../../src/models/seeds.js';
import { convLinearParams, weightsOf } from '../nn/helpers.js';

/** A suitable input shape (without the batch axis) and output count for each seed. */
const SHAPES: Record<string, { input: number[]; outputs: number; batch: number }> = {
  'tcn-mnist': { input: [28, 28], outputs: 10, batch: 2 },
  'tcn-ecg': { input: [1, 96], outputs: 2, batch: 2 },
  temponet: { input: [4, 256], outputs: 1, batch: 2 },
  'temponet-seed': { input: [4, 256], outputs: 1, batch: 2 },
  'cnn-small': { input: [1, 28, 28], outputs: 10, batch: 2 },
  'ds-cnn': { input: [1, 49, 10], outputs: 12, batch: 2 },
  'mini-resnet': { input: [3, 32, 32], outputs: 10, batch: 2 },
  resnet8: { input: [3, 32, 32], outputs: 10, batch: 2 },
  'mobilenet-v1-0.25': { input: [3, 96, 96], outputs: 2, batch: 2 },
};

describe('seed models', () => {
  it('the table above covers every SEED_MODELS entry', () => {
    expect(Object.keys(SHAPES).sort()).toEqual(Object.keys(SEED_MODELS).sort());
  });

  for (const name of Object.keys(SEED_MODELS)) {
    it(`${name} builds and maps a batch to [N, outputs] (train and eval)`, () => {
      const s = SHAPES[name];
      expect(SEED_MODELS[name].spatialDims).toBe(s.input.length - 1);
      const m = buildSeed(name, { inputShape: s.input, outputs: s.outputs, rng: new T.Rng(1) });
      const x = T.randn([s.batch, ...s.input], { rng: new T.Rng(2) });
      const yEval = T.noGrad(() => m.eval().call(x));
      expect(yEval.shape).toEqual([s.batch, s.outputs]);
      expect(yEval.toFlatArray().every(Number.isFinite)).toBe(true);
      const yTrain = T.noGrad(() => m.train().call(x));
      expect(yTrain.shape).toEqual([s.batch, s.outputs]);
    });
  }

  // Conv / linear weights and biases, BatchNorm parameters excluded (docs/design.md#reference-values).
  const counts: [string, number[], number, number][] = [
    ['mini-resnet', [3, 32, 32], 10, 72_762],
    ['ds-cnn', [1, 49, 10], 12, 22_604],
    ['mobilenet-v1-0.25', [3, 96, 96], 2, 208_114],
    // The PyTorch port's ResNet8 (no bias on convs that feed a BatchNorm directly).
    ['resnet8', [3, 32, 32], 10, 77_578],
  ];
  for (const [name, input, outputs, expected] of counts) {
    it(`${name} has ${expected.toLocaleString('en-US')} conv/linear parameters`, () => {
      const m = buildSeed(name, { inputShape: input, outputs, rng: new T.Rng(0) });
      expect(convLinearParams(m)).toBe(expected);
    });
  }

  it('temponet (4×256, 1 output) has ≈424,577 conv/linear parameters (exactly 424,577)', () => {
    const m = buildSeed('temponet', { inputShape: [4, 256], outputs: 1, rng: new T.Rng(0) });
    const n = convLinearParams(m);
    expect(Math.abs(n - 424_577) / 424_577).toBeLessThan(0.005);
    expect(n).toBe(424_577);
  });

  it('a wrong input shape gives an error naming the seed, the shape and the layout to use', () => {
    expect(() => buildSeed('tcn-ecg', { inputShape: [1, 28, 28], outputs: 2 })).toThrow(/seed model 'tcn-ecg' expects inputs of shape \[C, L\], got \[1, 28, 28\] \(use --layout sequence\)/);
    expect(() => buildSeed('mini-resnet', { inputShape: [3, 32], outputs: 10 })).toThrow(/seed model 'mini-resnet' expects inputs of shape \[C, H, W\], got \[3, 32\] \(use --layout image\)/);
    expect(() => buildSeed('nope', { inputShape: [3, 32, 32], outputs: 10 })).toThrow(/unknown model 'nope'; valid seed models: tcn-mnist, .*resnet8/);
  });

  it('a model built for one input shape rejects another at its first layer, naming it', () => {
    const m = buildSeed('tcn-ecg', { inputShape: [1, 96], outputs: 2, rng: new T.Rng(0) });
    expect(() => T.noGrad(() => m.call(T.zeros([2, 3, 96])))).toThrow(/Conv1d\(1→16, k=9.*\[2, 3, 96\]/);
    const r = buildSeed('resnet8', { inputShape: [3, 32, 32], outputs: 10, rng: new T.Rng(0) });
    expect(() => T.noGrad(() => r.eval().call(T.zeros([1, 3, 16, 16])))).toThrow(/AvgPool2d\(k=8\).*\[1, 64, 4, 4\]/);
  });

  it('the same Rng seed gives identical weights; another seed gives different ones', () => {
    for (const name of ['tcn-ecg', 'mini-resnet', 'temponet']) {
      const s = SHAPES[name];
      const a = weightsOf(buildSeed(name, { inputShape: s.input, outputs: s.outputs, rng: new T.Rng(42) }));
      const b = weightsOf(buildSeed(name, { inputShape: s.input, outputs: s.outputs, rng: new T.Rng(42) }));
      const c = weightsOf(buildSeed(name, { inputShape: s.input, outputs: s.outputs, rng: new T.Rng(43) }));
      expect(b).toEqual(a);
      const w = [...a.keys()].find((k) => k.endsWith('weight')) as string;
      expect(c.get(w)).not.toEqual(a.get(w));
    }
  });

  it('without an explicit Rng, manualSeed makes the build reproducible', () => {
    T.manualSeed(7);
    const a = weightsOf(buildSeed('cnn-small', { inputShape: [1, 28, 28], outputs: 10 }));
    T.manualSeed(7);
    const b = weightsOf(buildSeed('cnn-small', { inputShape: [1, 28, 28], outputs: 10 }));
    expect(b).toEqual(a);
  });

  it('the 1-D seeds build for any reasonable sequence length (the flatten size follows the input)', () => {
    for (const name of ['tcn-mnist', 'tcn-ecg', 'temponet', 'temponet-seed']) {
      for (const len of [96, 140, 200, 1250]) {
        const m = buildSeed(name, { inputShape: [2, len], outputs: 3, rng: new T.Rng(0) });
        expect(T.noGrad(() => m.eval().call(T.zeros([1, 2, len]))).shape).toEqual([1, 3]);
      }
    }
  });

  it('the TCN seeds use kernel sizes 2^n + 1', () => {
    for (const name of ['tcn-mnist', 'tcn-ecg', 'temponet-seed']) {
      const s = SHAPES[name];
      const m = buildSeed(name, { inputShape: s.input, outputs: s.outputs });
      const convs = m.namedModules().map(([, c]) => c).filter((c) => c.describe().startsWith('Conv1d'));
      expect(convs.length).toBeGreaterThan(0);
      for (const c of convs) {
        const k = (c as unknown as { kernelSize: number }).kernelSize;
        expect(Number.isInteger(Math.log2(k - 1))).toBe(true);
      }
    }
  });
});
