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
import { integerModelToC, inputQ16Requant, outputQ16, outputQ16Requant, quantizeInputQ16, toQ16, type CExport } from '../../src/io/c/index.js';
import type { IntegerModel } from '../../src/quant/integer/engine.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { SEED_SHAPES, seedModel } from '../quant/helpers.js';
import { HAVE_GCC, compileAndRun, entryPoints, mixedPlan, pitExported } from './cHarness.js';
import type { Module } from '../../src/nn/module.js';

if (!HAVE_GCC) console.warn('C export tests skipped: gcc is not installed');


/** The C library's results on `x` against the TS engine and the TS mirrors of its fixed-point helpers. */
export function compareWithEngine(im: IntegerModel, e: CExport, x: Tensor, samples: number) {
  const want = im.run(x).values;
  const input = im.nodes[0];
  if (input.kind !== 'input') throw new Error('no input node');
  const floats = Float32Array.from(x.values());
  const q16 = Int32Array.from(floats, (v) => toQ16(v));
  const c = compileAndRun(e, { codes: Int32Array.from(want[0].data), q16, floats: entryPoints(e).float ? floats : undefined }, samples);
  const out = Int32Array.from(want[im.outputNode].data);
  const scales = typeof im.outputScale === 'number' ? [im.outputScale] : Array.from(im.outputScale);
  const outShape = want[im.outputNode].shape.slice(1);
  const outq = outputQ16(out, outputQ16Requant(scales), outShape.slice(1).reduce((a, b) => a * b, 1));
  const qcodes = quantizeInputQ16(q16, inputQ16Requant(input.scale), input.qmin, input.qmax);
  const count = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((n, v, i) => n + (v === b[i] ? 1 : 0), 0);
  const perSample = out.length / samples;
  const argmax = Array.from({ length: samples }, (_, s) => { let best = 0; for (let k = 1; k < perSample; k++) if (outq[s * perSample + k] > outq[s * perSample + best]) best = k; return best; });
  return {
    outputs: [count(c.outputs, out), out.length],
    outputsQ16: [count(c.outputsQ16, outq), outq.length],
    q16Codes: [count(c.q16Codes, qcodes), qcodes.length],
    q16VsFloat: [count(qcodes, want[0].data), qcodes.length],
    floatCodes: c.floatCodes === null ? null : [count(c.floatCodes, want[0].data), want[0].data.length],
    predictions: entryPoints(e).predict ? [count(c.predictions, argmax), samples] : null,
    sections: c.sections,
  };
}

function agreement(name: string, precision: QuantPlan | { wBits: number; aBits: number }, samples = 8, given?: Module, float = false) {
  const shape = SEED_SHAPES[name];
  const q = quantize(given ?? seedModel(name), precision, { inputShape: shape });
  const rng = new Rng(11);
  calibrate(q, [randn([4, ...shape], { rng })], { method: 'max' });
  q.eval();
  const im = integerize(q);
  const x = randn([samples, ...shape], { rng });
  const e = integerModelToC(im, { inputShape: shape, name: name.replace(/[^a-z0-9]/g, '_'), float, about: { task: 'classification' } });
  return { ...compareWithEngine(im, e, x, samples), dropsInputs: im.memory().some((m) => m.inputsKept < m.inputs) };
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
      // Every other case also carries the float helpers, whose codes must be the engine's exactly.
      const float = cases.findIndex((c) => c[0] === name && c[1] === p) % 2 === 1;
      const r = agreement(name, p === 'mixed' ? mixedPlan(name) : p, 8, undefined, float);
      console.log(`C ${name} ${label}: outputs ${r.outputs[0]}/${r.outputs[1]}, Q16.16 outputs ${r.outputsQ16[0]}/${r.outputsQ16[1]}, Q16.16 input codes ${r.q16Codes[0]}/${r.q16Codes[1]} identical to the TS mirrors (${r.q16VsFloat[0]}/${r.q16VsFloat[1]} equal to the float quantiser's)${r.floatCodes === null ? '' : `, float input codes ${r.floatCodes[0]}/${r.floatCodes[1]}`}; object ${JSON.stringify(r.sections)}`);
      expect(r.outputs[0]).toBe(r.outputs[1]);
      expect(r.outputsQ16[0]).toBe(r.outputsQ16[1]);
      expect(r.q16Codes[0]).toBe(r.q16Codes[1]);
      if (r.floatCodes !== null) expect(r.floatCodes[0]).toBe(r.floatCodes[1]);
      if (r.predictions !== null) expect(r.predictions[0]).toBe(r.predictions[1]);
      // Mixed plans prune channels, so some layer reads only its live inputs through an index array.
      if (p === 'mixed') expect(r.dropsInputs).toBe(true);
    });
  }
  for (const name of ['tcn-ecg', 'resnet8']) {
    it(`a PIT-exported ${name} w4a8`, () => {
      const r = agreement(name, { wBits: 4, aBits: 8 }, 8, pitExported(name));
      console.log(`C PIT-exported ${name} w4a8: outputs ${r.outputs[0]}/${r.outputs[1]} identical`);
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
  it('with pruned channels (a mixed plan), flash = the cost model\'s up to the output layer\'s unneeded requantisation constants and each row\'s padding to whole 32-bit words', () => {
    for (const name of ['tcn-ecg', 'temponet-seed', 'mini-resnet']) {
      const shape = SEED_SHAPES[name];
      const q = quantize(seedModel(name), mixedPlan(name), { inputShape: shape });
      calibrate(q, [randn([2, ...shape], { rng: new Rng(1) })], { method: 'max' });
      const im = integerize(q.eval());
      const m = integerModelToC(im, { inputShape: shape }).memory;
      const mem = im.memory();
      expect(mem.some((l) => l.inputsKept < l.inputs)).toBe(true);
      // Each weight row (one per kept channel) is padded to whole 32-bit words for the SMLAD loops: < 4 B per row.
      const rows = im.nodes.reduce((a, n) => a + (n.kind === 'layer' ? n.groups.reduce((b, g) => b + g.channels.length, 0) : 0), 0);
      const packed = mem.reduce((a, l) => a + l.weightBytes, 0);
      expect(m.weightBytes - packed).toBeGreaterThanOrEqual(0);
      expect(m.weightBytes - packed).toBeLessThan(4 * rows);
      const out = im.nodes[im.outputNode];
      const outChannels = out.kind === 'layer' ? out.weightShape[0] : 0;
      const params = m.weightBytes + m.biasBytes + m.requantBytes;
      const predicted = m.costModel.flashBytes - 5 * outChannels;
      console.log(`C memory ${name} mixed: params ${params} B (weights ${m.weightBytes} B, ${packed} B unpadded) vs cost model ${m.costModel.flashBytes} B (− ${5 * outChannels} B output requantisation)`);
      expect(params - predicted).toBeGreaterThanOrEqual(0);
      expect(params - predicted).toBeLessThan(4 * rows);
    }
  });
  it('a residual network needs more than the per-layer prediction (the shortcut stays alive across the body)', () => {
    const m = build('mini-resnet', 8);
    console.log(`C memory mini-resnet w8a8: arena ${m.arenaBytes} B vs cost model ${m.costModel.ramBytes} B`);
    expect(m.arenaBytes).toBeGreaterThan(m.costModel.ramBytes);
  });
});

describe('C export is integer-only by default', () => {
  const stripComments = (c: string) => c.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  const exportOf = (name: string, float: boolean) => {
    const shape = SEED_SHAPES[name];
    const q = quantize(seedModel(name), name === 'tcn-ecg' ? mixedPlan(name) : { wBits: 8, aBits: 8 }, { inputShape: shape });
    calibrate(q, [randn([2, ...shape], { rng: new Rng(1) })], { method: 'max' });
    return integerModelToC(integerize(q.eval()), { inputShape: shape, float });
  };
  it('no float or double anywhere in the generated header or source (comments aside), and no division in the kernels\' element loops', () => {
    for (const name of ['tcn-ecg', 'cnn-small', 'ds-cnn', 'mini-resnet', 'mobilenet-v1-0.25']) {
      const e = exportOf(name, false);
      const code = stripComments(e.header + e.source);
      expect(code, name).not.toMatch(/\b(float|double|long double|_Float\d+)\b/);
      expect(code.replace(/\b0x[0-9a-f]+u?\b/gi, ''), name).not.toMatch(/\d\.\d|\b\d+e[+-]?\d/i); // no floating literals either
      // Divisions left: per layer call (L->cin / L->groups …), never inside a loop body over elements.
      const divisions = code.split('\n').filter((l) => /[^/*]\/[^/*=]/.test(l.replace(/"[^"]*"/g, '')) && !/#include/.test(l));
      for (const l of divisions) expect(l, `${name}: ${l}`).toMatch(/L->cin \/ L->groups|L->g\[n\]\.ch\[i\] \/ coutG/);
    }
  });
  it('the float helpers come only when asked for (--c-float)', () => {
    const e = exportOf('tcn-ecg', true);
    expect(stripComments(e.source)).toMatch(/\bdouble\b/);
    expect(e.header).toContain('_quantize_input(const float *x');
  });
  it('the header documents the preprocessing and the output\'s meaning', () => {
    const shape = SEED_SHAPES['tcn-ecg'];
    const q = quantize(seedModel('tcn-ecg'), { wBits: 8, aBits: 8 }, { inputShape: shape });
    calibrate(q, [randn([2, ...shape], { rng: new Rng(1) })], { method: 'max' });
    const im = integerize(q.eval());
    const preprocessing = { format: 'tsdnas.preprocessing/1' as const, task: 'classification' as const, classes: ['normal', 'ischemia'], channels: 1, length: shape[1], lengthPolicy: 'pad' as const, pad: 'last' as const, missing: 'interpolate' as const, normalize: 'channel' as const, stats: [{ mean: 0.25, std: 1.5 }], sampleShape: [...shape] };
    const h = integerModelToC(im, { inputShape: shape, about: { dataset: 'my-ecg.csv', task: 'classification', preprocessing, classes: preprocessing.classes } }).header;
    expect(h).toContain(`[${shape[0]} channels][${shape[1]} steps]`);
    expect(h).toContain('Trained on: my-ecg.csv (classification)');
    expect(h).toContain('channel 0: mean 0.25, std 1.5');
    expect(h).toContain('Classes in output order: 0 = "normal", 1 = "ischemia"');
    expect(h).toMatch(/int tsdnas_model_predict\(const int32_t \*output\)/);
    const r = integerModelToC(im, { inputShape: shape, about: { dataset: 'ppg', task: 'regression', scaler: { mean: 80, std: 12 }, unit: 'BPM' } }).header;
    expect(r).toContain('target = value * 12 + 80 (BPM)');
    expect(r).not.toContain('_predict(');
  });
});
