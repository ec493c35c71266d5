/**
 * The integer engine against the fake-quant model in eval mode, on every seed network and on
 * random inputs.
 *
 * Stated relation (docs/quantization.md): given the same input codes every node agrees exactly,
 * except requantisations (a layer output, or codes moved to another quantiser's grid), which
 * may differ by one LSB when the exact value lies within float32 rounding of a floor boundary:
 * the fake-quant model computes the layer in float32 and divides by the output step, the engine
 * uses the exact int32 accumulator and a 31-bit multiplier. Such cases are rare (we bound them at
 * 0.1 % of the outputs), and end to end the outputs agree to float precision on these inputs.
 */

import { describe, expect, it } from 'vitest';
import { randn } from '../../src/tensor/create.js';
import { Rng } from '../../src/tensor/rng.js';
import { noGrad } from '../../src/autograd/graph.js';
import { quantize, quantLayerInfo } from '../../src/quant/convert.js';
import { calibrate } from '../../src/quant/calibrate.js';
import { integerize } from '../../src/quant/integer/engine.js';
import type { IntTensor } from '../../src/quant/integer/intOps.js';
import { packedBytes } from '../../src/quant/integer/pack.js';
import type { QuantPlan } from '../../src/quant/plan.js';
import { pit, ChannelMasker, TimeMasker } from '../../src/nas/index.js';
import type { Module } from '../../src/nn/module.js';
import { SEED_SHAPES, nodeStep, seedModel } from './helpers.js';

function codesOf(values: ArrayLike<number>, step: number): Int32Array {
  return Int32Array.from(values, (v) => Math.round(v / step));
}

/** Per node, with the fake-quant codes as inputs: number of codes differing, and the largest difference. */
function nodeAgreement(name: string, plan: QuantPlan | { wBits: number; aBits: number }, given?: Module) {
  const shape = SEED_SHAPES[name];
  const model = given ?? seedModel(name);
  const q = quantize(model, plan, { inputShape: shape });
  const rng = new Rng(5);
  calibrate(q, [randn([4, ...shape], { rng })], { method: 'max' });
  q.eval();
  const x = randn([3, ...shape], { rng });
  const fq = noGrad(() => q.runNodes(x));
  const im = integerize(q);
  // Fake-quant codes of every node that has them (a layer's fused quantiser gives the layer's codes).
  const fakeInts: (IntTensor | null)[] = q.nodes.map((_, i) => {
    const s = nodeStep(q, i);
    return s === null ? null : { data: codesOf(fq[i].values(), s), shape: [...fq[i].shape] };
  });
  const fused = new Map<number, number>();
  q.nodes.forEach((n, j) => { if (n.kind === 'quant' && n.fromAcc) fused.set(n.src, j); });
  let total = 0;
  let differing = 0;
  let maxDiff = 0;
  const inputs = fakeInts.map((t) => t as IntTensor);
  for (let i = 0; i < q.nodes.length; i++) {
    const n = q.nodes[i];
    if (n.kind === 'quant' && n.fromAcc) continue; // checked with its layer
    const target = n.kind === 'layer' ? fused.get(i) : i;
    const got = im.exec(i, inputs, x);
    if (target === undefined) {
      // The output layer: int32 accumulators times s_x·s_w[c] against the float fake-quant output.
      const f = fq[i].values();
      const sc = im.nodes[i].kind === 'layer' ? (im.nodes[i] as { accScale: Float64Array }).accScale : null;
      const c = fq[i].shape[1];
      const inner = got.data.length / (fq[i].shape[0] * c);
      got.data.forEach((a, k) => expect(Math.abs(a * (sc as Float64Array)[Math.floor(k / inner) % c] - f[k])).toBeLessThan(1e-4 * (1 + Math.abs(f[k]))));
      continue;
    }
    const want = fakeInts[target] as IntTensor;
    expect(got.shape, `${name} node ${i} (${n.kind}) shape`).toEqual(want.shape);
    for (let k = 0; k < want.data.length; k++) {
      const d = Math.abs(got.data[k] - want.data[k]);
      if (d > 0) differing++;
      maxDiff = Math.max(maxDiff, d);
    }
    total += want.data.length;
  }
  const end = im.run(x);
  const fo = fq[q.outputNode].values();
  let endDiff = 0;
  let scale = 0;
  for (let k = 0; k < fo.length; k++) {
    endDiff = Math.max(endDiff, Math.abs(end.output[k] - fo[k]));
    scale = Math.max(scale, Math.abs(fo[k]));
  }
  return { total, differing, maxDiff, endDiff, scale, im, q };
}

describe('integer engine vs fake-quant model (eval), every seed network, random inputs', () => {
  for (const name of Object.keys(SEED_SHAPES)) {
    it(`${name}: w8a8 nodes agree within one LSB (≤ 0.1 % of codes off by one)`, () => {
      const r = nodeAgreement(name, { wBits: 8, aBits: 8 });
      expect(r.maxDiff).toBeLessThanOrEqual(1);
      expect(r.differing).toBeLessThanOrEqual(Math.ceil(1e-3 * r.total));
      expect(r.total).toBeGreaterThan(0);
    });
  }

  it('mixed per-channel precisions with pruned channels (w 8/4/2/0, a4): per-precision sub-convs restore the channel order', () => {
    const name = 'mini-resnet';
    const layers = quantLayerInfo(seedModel(name), SEED_SHAPES[name]);
    const cycle = [8, 4, 2, 0, 3];
    const plan: QuantPlan = {
      inputBits: 8,
      layers: Object.fromEntries(layers.map((l) => [l.path, { wBits: Array.from({ length: l.outChannels }, (_, c) => (l.isOutput ? 8 : cycle[c % cycle.length])), aBits: 4 }])),
    };
    const r = nodeAgreement(name, plan);
    expect(r.maxDiff).toBeLessThanOrEqual(1);
    expect(r.differing).toBeLessThanOrEqual(Math.ceil(1e-3 * r.total));
    // Memory from the packed buffers: one group per precision, container-rounded, over the kept (not known-zero) inputs.
    for (const mem of r.im.memory()) {
      const layer = r.q.layers().find((l) => l.sourcePath === mem.path)!;
      const fan = (layer.weight.size / layer.outChannels / mem.inputs) * mem.inputsKept;
      const want = [...new Set(layer.wBits)].reduce((s, b) => s + packedBytes(layer.wBits.filter((x) => x === b).length * fan, b), 0);
      expect(mem.weightBytes).toBe(want);
      expect(mem.biasBytes).toBe(4 * layer.wBits.filter((b) => b !== 0).length);
    }
    const stem = r.im.memory()[0];
    expect(stem.channelsPerBits).toEqual({ 8: 4, 4: 3, 2: 3, 0: 3, 3: 3 });
  });

  for (const name of ['tcn-ecg', 'resnet8']) {
    it(`a PIT-exported ${name} (random masks: pruned channels, shorter receptive fields) quantises and integerises within one LSB`, () => {
      const p = pit(seedModel(name), { inputShape: SEED_SHAPES[name] });
      const rng = new Rng(7);
      for (const [, m] of p.model.namedModules()) {
        if (m instanceof ChannelMasker) for (let i = 0; i < m.size; i++) m.alpha.data[i] = rng.next();
        if (m instanceof TimeMasker && m.beta) for (let i = 0; i < m.beta.size; i++) m.beta.data[i] = rng.next() * 0.4;
      }
      const exported = p.export().eval();
      const r = nodeAgreement(name, { wBits: 4, aBits: 8 }, exported);
      expect(r.maxDiff).toBeLessThanOrEqual(1);
      expect(r.differing).toBeLessThanOrEqual(Math.ceil(1e-3 * r.total));
    });
  }

  it('ends with the same outputs as the fake-quant model (seeds without rare LSB flips: bit-exact codes up to the float output)', () => {
    for (const name of ['tcn-ecg', 'cnn-small', 'ds-cnn']) {
      const r = nodeAgreement(name, { wBits: 8, aBits: 8 });
      if (r.differing === 0) expect(r.endDiff).toBeLessThan(1e-5 * (1 + r.scale));
    }
  });
});
