import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { randn } from '../../src/tensor/create.js';
import { Rng } from '../../src/tensor/rng.js';
import { noGrad } from '../../src/autograd/graph.js';
import { Conv1d } from '../../src/nn/layers/conv.js';
import { Linear } from '../../src/nn/layers/linear.js';
import { BatchNorm1d } from '../../src/nn/layers/batchnorm.js';
import { Flatten, ReLU, Sigmoid } from '../../src/nn/layers/simple.js';
import { Residual, Sequential } from '../../src/nn/layers/containers.js';
import { foldBatchNorm } from '../../src/quant/bnFold.js';
import { quantize, quantLayerInfo } from '../../src/quant/convert.js';
import { calibrate } from '../../src/quant/calibrate.js';
import { checkCandidates, uniformPlan, type QuantPlan } from '../../src/quant/plan.js';
import { loadQuantCheckpoint, saveQuantCheckpoint } from '../../src/io/quant-checkpoint.js';
import { conv1d } from '../../src/autograd/ops/conv.js';
import { tensor } from '../../src/tensor/create.js';
import { SEED_SHAPES, randomizeBatchNorms, seedModel } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'tsdnas-quant-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

describe('BatchNorm folding', () => {
  it('conv + BN (eval) equals the folded conv', () => {
    const rng = new Rng(3);
    const conv = new Conv1d(3, 6, 5, { padding: 'causal', rng });
    const bn = new BatchNorm1d(6);
    const net = new Sequential(conv, bn);
    randomizeBatchNorms(net, rng);
    net.eval();
    const x = randn([2, 3, 20], { rng });
    const f = foldBatchNorm(conv.weight, conv.bias, bn);
    const y = conv1d(x, tensor(Float32Array.from(f.weight), [6, 3, 5]), tensor(Float32Array.from(f.bias), [6]), { padding: 'causal' });
    expect(maxAbsDiff(y.values(), net.forward(x).values())).toBeLessThan(1e-5);
  });
});

describe('quantize', () => {
  it('w8a8 of every seed stays close to the float model after calibration', () => {
    for (const name of ['tcn-ecg', 'cnn-small', 'ds-cnn', 'resnet8']) {
      const m = seedModel(name);
      const shape = SEED_SHAPES[name];
      const q = quantize(m, { wBits: 8, aBits: 8 }, { inputShape: shape });
      const x = randn([4, ...shape], { rng: new Rng(9) });
      calibrate(q, [x], { method: 'max' });
      q.eval();
      const y = noGrad(() => q.forward(x)).values();
      const yf = noGrad(() => m.forward(x)).values();
      const num = Array.from(y).reduce((s, v, i) => s + (v - yf[i]) ** 2, 0);
      const den = Array.from(yf).reduce((s, v) => s + v * v, 0);
      expect(Math.sqrt(num / den), name).toBeLessThan(0.1);
    }
  });

  it('finds the layers, the output layer and shares one quantiser between the branches of an add', () => {
    const m = seedModel('resnet8');
    const info = quantLayerInfo(m, SEED_SHAPES.resnet8);
    expect(info.length).toBe(10);
    expect(info.filter((l) => l.isOutput).map((l) => l.path)).toEqual(['8']);
    const q = quantize(m, { wBits: 8, aBits: 8 }, { inputShape: SEED_SHAPES.resnet8 });
    for (const n of q.nodes) {
      if (n.kind !== 'add') continue;
      for (const s of n.srcs) {
        const src = q.nodes[s];
        expect(src.kind === 'quant' && src.quant === n.quant, 'both add inputs are on the shared quantiser').toBe(true);
      }
    }
    // 3 blocks × (1 shared add quantiser + 1 PACT after the add) + stem PACT + 3 body PACTs + input.
    expect(q.quantizers().length).toBe(1 + 1 + 3 + 3 * 2);
  });

  it('rejects bad plans with errors naming the layer', () => {
    const m = seedModel('tcn-ecg');
    const info = quantLayerInfo(m, SEED_SHAPES['tcn-ecg']);
    const good = uniformPlan(info, 8, 8);
    const bad = (edit: (p: QuantPlan) => void): QuantPlan => {
      const p = structuredClone(good);
      edit(p);
      return p;
    };
    const q = (p: QuantPlan) => () => quantize(m, p, { inputShape: SEED_SHAPES['tcn-ecg'] });
    expect(q(bad((p) => { p.layers['0.0'].wBits = [8, 8]; }))).toThrow(/layer '0\.0': wBits has 2 entries but the layer has 16 output channels/);
    expect(q(bad((p) => { p.layers['0.0'].wBits[3] = 5.5; }))).toThrow(/layer '0\.0' channel 3: unknown weight precision 5\.5/);
    expect(q(bad((p) => { p.layers['2.0'].aBits = 1; }))).toThrow(/layer '2\.0' aBits: unknown activation precision 1/);
    expect(q(bad((p) => { p.layers['7'].wBits[0] = 0; }))).toThrow(/layer '7' produces the network output; its channels cannot be pruned/);
    expect(q(bad((p) => { delete p.layers['4.0']; }))).toThrow(/layer '4\.0' has no entry/);
    expect(q(bad((p) => { p.layers['nope'] = { wBits: [8], aBits: 8 }; }))).toThrow(/layer 'nope' is not a quantisable layer/);
    expect(q(bad((p) => { p.inputBits = 12; }))).toThrow(/inputBits: unknown activation precision 12/);
    expect(() => checkCandidates('mps', [], 'weight')).toThrow(/candidate weight precision set is empty/);
    expect(() => checkCandidates('mps', [2, 16], 'weight')).toThrow(/unknown weight precision 16 bits/);
  });

  it('refuses graphs it cannot quantise, naming the module', () => {
    const rng = new Rng(1);
    const sig = new Sequential(new Conv1d(1, 4, 3, { rng }), new Sigmoid(), new Flatten(), new Linear(4 * 8, 2, { rng }));
    expect(() => quantize(sig, { wBits: 8, aBits: 8 }, { inputShape: [1, 10] })).toThrow(/module '1' \(Sigmoid\) has no quantised counterpart/);
    const lonelyBn = new Sequential(new BatchNorm1d(1), new Conv1d(1, 4, 3, { rng }), new Flatten(), new Linear(32, 2, { rng }));
    expect(() => quantize(lonelyBn, { wBits: 8, aBits: 8 }, { inputShape: [1, 10] })).toThrow(/module '0' \(BatchNorm1d\(1\)\) does not directly follow a conv/);
    const res = new Sequential(new Conv1d(1, 4, 3, { padding: 'same', rng }), new ReLU(), new Residual(new Conv1d(4, 4, 3, { padding: 'same', rng }), new Conv1d(4, 4, 1, { rng }), new ReLU()), new Flatten(), new Linear(40, 2, { rng }));
    const info = quantLayerInfo(res, [1, 10]);
    const plan = uniformPlan(info, 8, 8);
    plan.layers['2.shortcut'].aBits = 4;
    expect(() => quantize(res, plan, { inputShape: [1, 10] })).toThrow(/different activation precisions \('2\.body' 8b, '2\.shortcut' 4b\)/);
  });

  it('calibration: max and percentile clips; bad method rejected', () => {
    const m = seedModel('cnn-small');
    const shape = SEED_SHAPES['cnn-small'];
    const x = randn([4, ...shape], { rng: new Rng(2) });
    const q = quantize(m, { wBits: 8, aBits: 8 }, { inputShape: shape });
    const byMax = calibrate(q, [x], { method: 'max' });
    const xmax = Math.max(...Array.from(x.values(), Math.abs));
    expect(byMax[0].alpha).toBeCloseTo(xmax, 6); // the signed input quantiser sees |x|
    const byPct = calibrate(q, [x], { method: 99 });
    byPct.forEach((p, i) => expect(p.alpha).toBeLessThanOrEqual(byMax[i].alpha));
    expect(byPct[0].alpha).toBeLessThan(byMax[0].alpha);
    expect(() => calibrate(q, [x], { method: 0 })).toThrow(/percentile in \(0, 100\]/);
    expect(() => calibrate(q, [], { method: 'max' })).toThrow(/no batches/);
  });

  it('quantised checkpoints reload to the same outputs', () => {
    const m = seedModel('mini-resnet');
    const shape = SEED_SHAPES['mini-resnet'];
    const q = quantize(m, { wBits: 4, aBits: 8 }, { inputShape: shape });
    const x = randn([2, ...shape], { rng: new Rng(4) });
    calibrate(q, [x], { method: 'max' });
    q.eval();
    const path = join(tmp, 'q.safetensors');
    saveQuantCheckpoint(path, q, m, { model: 'mini-resnet', inputShape: shape, outputs: 5 });
    const back = loadQuantCheckpoint(path).model.eval();
    expect(Array.from(noGrad(() => back.forward(x)).values())).toEqual(Array.from(noGrad(() => q.forward(x)).values()));
  });
});
