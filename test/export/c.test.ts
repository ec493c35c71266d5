/**
 * C export: the generated C99 library, compiled with gcc -std=c99 -Wall -Wextra -Werror and run
 * on random inputs, must agree bit for bit with the TS integer engine (IntegerModel.run): the
 * input codes of its quantize_input helper and every int32 output. Seeds at w8a8, w4a4, w2a8,
 * and mixed per-channel precisions with pruned channels. Skipped, with a message, without gcc.
 */

import { describe, expect, it } from 'vitest';
import { randn } from '../../src/tensor/create.js';
import { Rng } from '../../src/tensor/rng.js';
import { quantize } from '../../src/quant/convert.js';
import { calibrate } from '../../src/quant/calibrate.js';
import { integerize } from '../../src/quant/integer/engine.js';
import type { QuantPlan } from '../../src/quant/plan.js';
import { integerModelToC } from '../../src/io/c/index.js';
import { SEED_SHAPES, seedModel } from '../quant/helpers.js';
import { HAVE_GCC, compileAndRun, mixedPlan, pitExported } from './cHarness.js';
import type { Module } from '../../src/nn/module.js';

if (!HAVE_GCC) console.warn('C export tests skipped: gcc is not installed');


function agreement(name: string, precision: QuantPlan | { wBits: number; aBits: number }, samples = 8, given?: Module) {
  const shape = SEED_SHAPES[name];
  const q = quantize(given ?? seedModel(name), precision, { inputShape: shape });
  const rng = new Rng(11);
  calibrate(q, [randn([4, ...shape], { rng })], { method: 'max' });
  q.eval();
  const im = integerize(q);
  const x = randn([samples, ...shape], { rng });
  const want = im.run(x).values;
  const c = compileAndRun(integerModelToC(im, { inputShape: shape, name: name.replace(/[^a-z0-9]/g, '_') }), Float32Array.from(x.values()), samples);
  const count = (a: Int32Array, b: Int32Array) => a.reduce((n, v, i) => n + (v === b[i] ? 1 : 0), 0);
  return { codes: [count(c.codes, want[0].data), want[0].data.length], outputs: [count(c.outputs, want[im.outputNode].data), want[im.outputNode].data.length], sections: c.sections, dropsInputs: im.memory().some((m) => m.inputsKept < m.inputs) };
}

describe.skipIf(!HAVE_GCC)('C export vs the TS integer engine (bit-exact)', () => {
  const cases: [string, { wBits: number; aBits: number } | 'mixed'][] = [
    ['tcn-ecg', { wBits: 8, aBits: 8 }], ['tcn-ecg', 'mixed'], ['tcn-mnist', { wBits: 4, aBits: 4 }],
    ['temponet', { wBits: 8, aBits: 8 }], ['temponet-seed', 'mixed'], ['cnn-small', { wBits: 2, aBits: 8 }],
    ['ds-cnn', { wBits: 8, aBits: 8 }], ['mini-resnet', { wBits: 4, aBits: 8 }], ['mini-resnet', 'mixed'],
    ['resnet8', { wBits: 8, aBits: 8 }], ['mobilenet-v1-0.25', 'mixed'],
  ];
  for (const [name, p] of cases) {
    const label = p === 'mixed' ? 'mixed per-channel' : `w${p.wBits}a${p.aBits}`;
    it(`${name} ${label}`, () => {
      const r = agreement(name, p === 'mixed' ? mixedPlan(name) : p);
      console.log(`C ${name} ${label}: input codes ${r.codes[0]}/${r.codes[1]}, outputs ${r.outputs[0]}/${r.outputs[1]} identical; object ${JSON.stringify(r.sections)}`);
      expect(r.codes[0]).toBe(r.codes[1]);
      expect(r.outputs[0]).toBe(r.outputs[1]);
      // Mixed plans prune channels, so some layer reads only its live inputs through an index array.
      if (p === 'mixed') expect(r.dropsInputs).toBe(true);
    });
  }
  for (const name of ['tcn-ecg', 'resnet8']) {
    it(`a PIT-exported ${name} w4a8`, () => {
      const r = agreement(name, { wBits: 4, aBits: 8 }, 8, pitExported(name));
      console.log(`C PIT-exported ${name} w4a8: input codes ${r.codes[0]}/${r.codes[1]}, outputs ${r.outputs[0]}/${r.outputs[1]} identical`);
      expect(r.outputs[0]).toBe(r.outputs[1]);
    });
  }
});

describe('C export memory vs the hardware cost model (hw/memory.ts)', () => {
  const build = (name: string, wBits: number) => {
    const shape = SEED_SHAPES[name];
    const q = quantize(seedModel(name), { wBits, aBits: 8 }, { inputShape: shape });
    calibrate(q, [randn([2, ...shape], { rng: new Rng(1) })], { method: 'max' });
    return integerModelToC(integerize(q.eval()), { inputShape: shape }).memory;
  };
  it('a chain (TCN, TEMPONet) needs exactly the predicted peak RAM: pooling runs in place, buffers are placed largest first', () => {
    for (const name of ['tcn-ecg', 'temponet-seed', 'cnn-small']) {
      const m = build(name, 4);
      console.log(`C memory ${name} w4a8: arena ${m.arenaBytes} B vs cost model ${m.costModel.ramBytes} B; params ${m.weightBytes + m.biasBytes + m.requantBytes} B vs ${m.costModel.flashBytes} B`);
      expect(m.arenaBytes).toBe(m.costModel.ramBytes);
    }
  });
  it('with pruned channels (a mixed plan), flash = the cost model\'s up to the output layer\'s unneeded requantisation constants and each precision group\'s byte rounding', () => {
    for (const name of ['tcn-ecg', 'temponet-seed', 'mini-resnet']) {
      const shape = SEED_SHAPES[name];
      const q = quantize(seedModel(name), mixedPlan(name), { inputShape: shape });
      calibrate(q, [randn([2, ...shape], { rng: new Rng(1) })], { method: 'max' });
      const im = integerize(q.eval());
      const m = integerModelToC(im, { inputShape: shape }).memory;
      const mem = im.memory();
      expect(mem.some((l) => l.inputsKept < l.inputs)).toBe(true);
      expect(m.weightBytes).toBe(mem.reduce((a, l) => a + l.weightBytes, 0));
      const out = im.nodes[im.outputNode];
      const outChannels = out.kind === 'layer' ? out.weightShape[0] : 0;
      const groups = im.nodes.reduce((a, n) => a + (n.kind === 'layer' ? n.groups.length : 0), 0);
      const params = m.weightBytes + m.biasBytes + m.requantBytes;
      const predicted = m.costModel.flashBytes - 5 * outChannels;
      console.log(`C memory ${name} mixed: params ${params} B vs cost model ${m.costModel.flashBytes} B (− ${5 * outChannels} B output requantisation)`);
      expect(params - predicted).toBeGreaterThanOrEqual(0);
      expect(params - predicted).toBeLessThan(groups);
    }
  });
  it('a residual network needs more than the per-layer prediction (the shortcut stays alive across the body)', () => {
    const m = build('mini-resnet', 8);
    console.log(`C memory mini-resnet w8a8: arena ${m.arenaBytes} B vs cost model ${m.costModel.ramBytes} B`);
    expect(m.arenaBytes).toBeGreaterThan(m.costModel.ramBytes);
  });
});
