/**
 * Float ONNX export: every seed network (random BatchNorm statistics, eval mode) exported by
 * moduleToOnnx, run by onnxruntime-node, and compared with tsdnas's own forward pass (≤ 1e-4,
 * absolute on outputs of order one). Also: folded BatchNorm, the geometry corner cases
 * (dilation, groups, asymmetric / causal padding, ReLU6, ConstantPad1d, Flatten inside a
 * rank-3 Linear) and the error for a module ONNX export cannot express.
 */

import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { randn } from '../../src/tensor/create.js';
import { Rng } from '../../src/tensor/rng.js';
import { noGrad } from '../../src/autograd/graph.js';
import { Module } from '../../src/nn/module.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { mul } from '../../src/autograd/ops/elementwise.js';
import { Sequential } from '../../src/nn/layers/containers.js';
import { Conv1d, Conv2d } from '../../src/nn/layers/conv.js';
import { Linear } from '../../src/nn/layers/linear.js';
import { AvgPool2d, ConstantPad1d, Flatten, GlobalAvgPool, MaxPool1d, ReLU6, Tanh } from '../../src/nn/layers/simple.js';
import { encodeOnnxModel, moduleToOnnx } from '../../src/io/onnx/index.js';
import { SEED_SHAPES, seedModel } from '../quant/helpers.js';
import { pitExported } from './cHarness.js';

async function maxDiff(model: Module, shape: number[], fold = false, batch = 2): Promise<number> {
  const bytes = encodeOnnxModel(moduleToOnnx(model, { inputShape: shape, foldBatchNorm: fold }));
  const session = await ort.InferenceSession.create(bytes);
  const x = randn([batch, ...shape], { rng: new Rng(7) });
  const want = noGrad(() => model.eval().forward(x)).values();
  const xs = Float32Array.from(x.values());
  const res = await session.run({ input: new ort.Tensor('float32', xs, [batch, ...shape]) });
  const got = res.output.data as Float32Array;
  expect(got.length).toBe(want.length);
  let d = 0;
  for (let i = 0; i < got.length; i++) d = Math.max(d, Math.abs(got[i] - want[i]));
  return d;
}

describe('float ONNX export vs onnxruntime', () => {
  for (const name of Object.keys(SEED_SHAPES)) {
    it(`${name} agrees with tsdnas within 1e-4`, async () => {
      const d = await maxDiff(seedModel(name), SEED_SHAPES[name]);
      console.log(`onnx ${name}: max |Δ| = ${d.toExponential(2)}`);
      expect(d).toBeLessThanOrEqual(1e-4);
    });
  }

  for (const name of ['tcn-ecg', 'temponet-seed', 'resnet8']) {
    it(`a PIT-exported ${name} (pruned channels, shortened / dilated kernels) agrees within 1e-4`, async () => {
      const d = await maxDiff(pitExported(name), SEED_SHAPES[name]);
      console.log(`onnx PIT-exported ${name}: max |Δ| = ${d.toExponential(2)}`);
      expect(d).toBeLessThanOrEqual(1e-4);
    });
  }

  it('folded BatchNorm agrees too (tcn-ecg, mini-resnet)', async () => {
    for (const name of ['tcn-ecg', 'mini-resnet']) expect(await maxDiff(seedModel(name), SEED_SHAPES[name], true)).toBeLessThanOrEqual(1e-4);
  });

  it('geometry corner cases: dilation, groups, asymmetric/causal padding, ReLU6, Tanh, Pad, rank-3 Linear, avg pool', async () => {
    const r = new Rng(3);
    const net1d = new Sequential(
      new Conv1d(4, 8, 3, { dilation: 3, padding: 'causal', rng: r }), new ReLU6(),
      new ConstantPad1d(2, 1), new Conv1d(8, 8, 5, { groups: 4, stride: 2, padding: [3, 0], rng: r }), new Tanh(),
      new MaxPool1d({ kernel: 3, stride: 2, padding: 1 }),
      new Linear(8, 5, { rng: r }),
    );
    expect(await maxDiff(net1d, [4, 30])).toBeLessThanOrEqual(1e-5);
    const net2d = new Sequential(
      new Conv2d(3, 6, [3, 2], { dilation: [2, 1], padding: [1, 2, 0, 1], groups: 3, rng: r }),
      new AvgPool2d({ kernel: 2, padding: 1 }), new Conv2d(6, 6, 3, { padding: 'same', groups: 6, bias: false, rng: r }),
      new GlobalAvgPool(), new Linear(6, 3, { rng: r }),
    );
    expect(await maxDiff(net2d, [3, 9, 8])).toBeLessThanOrEqual(1e-5);
    const flat = new Sequential(new Conv1d(2, 3, 3, { rng: r }), new Flatten(), new Linear(3 * 6, 2, { rng: r }));
    expect(await maxDiff(flat, [2, 8])).toBeLessThanOrEqual(1e-5);
  });

  it('names the module and lists the supported ones when a module has no ONNX mapping', () => {
    class Square extends Module {
      forward(x: Tensor): Tensor { return mul(x, x); }
    }
    const bad = new Sequential(new Conv1d(1, 2, 3), new Square());
    expect(() => moduleToOnnx(bad, { inputShape: [1, 8] })).toThrow(/onnx export: module '1' \(Square\) has no ONNX mapping; supported: Conv1d/);
  });
});
