/**
 * The C export on Cortex-M cores under QEMU: trained models on real test samples (ECG200 from the
 * benchmark data; MNIST digits, an image model, from the package's embedded data) are exported,
 * cross-compiled with arm-none-eabi-gcc (-std=c99 -Wall -Wextra -Werror -pedantic -Wconversion)
 * for Cortex-M4 and M7 (MPS2 AN386 / AN500), M3 (AN385, no DSP extension) and M0 (micro:bit) where
 * the model fits its 16 KB of RAM, run with semihosting, and every output is compared with the TS
 * integer engine. Flash / RAM from arm-none-eabi-size are set beside the hardware cost model, and
 * the instructions QEMU counts (-icount) beside the STM32H7 latency model's cycles.
 * Skipped with the reason when the toolchain or QEMU is absent (.ci/run installs them).
 */

import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/data/index.js';
import type { DatasetSplits } from '../../src/data/types.js';
import { buildSeed } from '../../src/models/seeds.js';
import { fit } from '../../src/search/train/fit.js';
import { TRAIN_DEFAULTS } from '../../src/api/options.js';
import { tensor } from '../../src/tensor/create.js';
import { Rng } from '../../src/tensor/rng.js';
import { quantize, quantLayerInfo } from '../../src/quant/convert.js';
import { calibrate } from '../../src/quant/calibrate.js';
import { integerize, type IntegerModel } from '../../src/quant/integer/engine.js';
import type { QuantPlan } from '../../src/quant/plan.js';
import { costModelCycles, inputQ16Requant, integerModelToC, outputQ16, outputQ16Requant, planMemory, quantizeInputQ16, toQ16, type CExport } from '../../src/io/c/index.js';
import { BUILTIN_TARGETS } from '../../src/hw/targets/index.js';
import { useFastestBackend } from '../../src/kernels/index.js';
import { hasBenchmarkData } from '../benchmarkData.js';
import { BOARDS, cortexMSkipReason, runOnCortexM, type Core, type CortexMRun } from './cortexmHarness.js';

const skip = cortexMSkipReason();
// Under CI=true (.ci/run installs the toolchain) a missing tool is a failure, not a skip.
const IN_CI = process.env.CI === 'true';
if (skip !== null && !IN_CI) console.warn(`Cortex-M tests skipped: ${skip}`);
if (skip !== null && IN_CI) it('the Cortex-M toolchain is installed (CI=true requires it)', () => { throw new Error(skip); });

/** Per-channel precisions 8 / 4 / 2 and a pruned channel every seventh, the output layer at 8: every dot-product kernel runs. */
function mixedPlanOf(model: Parameters<typeof quantLayerInfo>[0], shape: number[]): QuantPlan {
  const cycle = [8, 4, 2, 8, 4, 2, 0];
  return {
    inputBits: 8,
    layers: Object.fromEntries(quantLayerInfo(model, shape).map((l, k) => [l.path, {
      wBits: Array.from({ length: l.outChannels }, (_, c) => (l.isOutput ? 8 : cycle[(c + k) % cycle.length])),
      aBits: 8,
    }])),
  };
}

interface Deployed { name: string; im: IntegerModel; c: CExport; shape: number[]; x: Float32Array; labels: Int32Array; samples: number; accuracy: number }

/** Train a seed briefly, quantise it (uniform w8a8 or the mixed plan), calibrate on training data, and export the first `samples` test samples. */
function deploy(name: string, splits: DatasetSplits, model: string, epochs: number, precision: 'w8a8' | 'mixed', samples: number): Deployed {
  useFastestBackend();
  const shape = splits.info.sampleShape;
  const net = buildSeed(model, { inputShape: shape, outputs: splits.info.numClasses as number, rng: new Rng(0) });
  fit(net, splits, { ...TRAIN_DEFAULTS, epochs, seed: 0 });
  net.eval();
  const q = quantize(net, precision === 'w8a8' ? { wBits: 8, aBits: 8 } : mixedPlanOf(net, shape), { inputShape: shape });
  const per = shape.reduce((a, b) => a * b, 1);
  const calib = Math.min(200, splits.train.length);
  calibrate(q, [tensor(splits.train.x.subarray(0, calib * per), [calib, ...shape])], { method: 'max' });
  const im = integerize(q.eval());
  const n = Math.min(samples, splits.test.length);
  const x = splits.test.x.slice(0, n * per);
  const out = im.run(tensor(x, [n, ...shape]));
  const k = out.output.length / n;
  let right = 0;
  for (let s = 0; s < n; s++) {
    let best = 0;
    for (let j = 1; j < k; j++) if (out.output[s * k + j] > out.output[s * k + best]) best = j;
    if (best === splits.test.y[s]) right++;
  }
  const c = integerModelToC(im, { inputShape: shape, name: name.replace(/[^A-Za-z0-9]/g, '_'), about: { dataset: splits.info.name, task: 'classification' } });
  return { name, im, c, shape, x, labels: Int32Array.from(splits.test.y.subarray(0, n)), samples: n, accuracy: right / n };
}

interface Checked { run: CortexMRun; same: number; total: number }

/** Run the first `n` samples on a core and compare every output (int32, Q16.16, the predicted class) with the TS engine and the TS mirrors. */
function check(d: Deployed, core: Core, withQ16: boolean, n = d.samples, icount = true): Checked {
  const x = d.x.subarray(0, n * (d.x.length / d.samples));
  const run = d.im.run(tensor(x, [n, ...d.shape])).values;
  const codes = Int32Array.from(run[0].data);
  const q16 = Int32Array.from(x, (v) => toQ16(v));
  const r = runOnCortexM(d.c, core, codes, n, { q16: withQ16 ? q16 : undefined, profile: core === 'm4' && icount, icount });
  const want = Int32Array.from(run[d.im.outputNode].data);
  const same = want.reduce((s, v, i) => s + (v === r.outputs[i] ? 1 : 0), 0);
  const scales = typeof d.im.outputScale === 'number' ? [d.im.outputScale] : Array.from(d.im.outputScale);
  const outq = outputQ16(want, outputQ16Requant(scales), 1);
  expect(Array.from(r.outputsQ16)).toEqual(Array.from(outq));
  const k = want.length / n;
  const argmax = Array.from({ length: n }, (_, s) => { let b = 0; for (let j = 1; j < k; j++) if (outq[s * k + j] > outq[s * k + b]) b = j; return b; });
  expect(Array.from(r.predictions)).toEqual(argmax);
  if (withQ16) {
    const input = d.im.nodes[0];
    if (input.kind !== 'input') throw new Error('no input node');
    expect(Array.from(r.q16Codes as Int32Array)).toEqual(Array.from(quantizeInputQ16(q16, inputQ16Requant(input.scale), input.qmin, input.qmax)));
  }
  return { run: r, same, total: want.length };
}

const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const kb = (b: number): string => `${(b / 1024).toFixed(1)} KB`;

function report(d: Deployed, results: Partial<Record<Core, Checked>>, m0: string, counted: number): void {
  const plan = planMemory(d.im, d.shape);
  const cm = d.c.memory.costModel;
  const cycles = costModelCycles(d.im, plan, BUILTIN_TARGETS.stm32h7);
  const rows = (Object.entries(results) as [Core, Checked][]).map(([core, r]) => {
    const m = r.run.model;
    return `| ${core.toUpperCase()} (${BOARDS[core].machine}) | ${r.same}/${r.total} | ${m.text + m.data} B | ${cm.flashBytes} B | ${m.data + m.bss} B | ${cm.ramBytes} B + im2col ${d.c.memory.scratchBytes} B | ${median(r.run.instructions).toFixed(0)} |`;
  });
  console.log([
    `Cortex-M ${d.name}: ${counted} test samples counted, integer-engine accuracy on ${d.samples} ${(d.accuracy * 100).toFixed(1)}%; STM32H7 latency model: ${cycles.toFixed(0)} cycles per inference`,
    '| core | outputs identical | flash (text+data of the model .o) | cost model flash | RAM (data+bss) | cost model RAM | instructions / inference (median) |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    `M0: ${m0}`,
  ].join('\n'));
  const m4 = results.m4?.run.perNode;
  if (m4) console.log(`per node on M4 (instructions): ${[...m4].map(([n, v]) => `${n}: ${v.toFixed(0)}`).join(', ')}`);
}

/**
 * Run every core on the first `counted` samples with instruction counting; M0 only when the model's
 * static RAM leaves room for the harness in the micro:bit's 16 KB. With more samples than that,
 * the M4 also runs all of them without -icount (faster), to compare every test sample.
 */
function allCores(d: Deployed, counted = d.samples): void {
  const results: Partial<Record<Core, Checked>> = {};
  if (counted < d.samples) {
    const all = check(d, 'm4', false, d.samples, false);
    console.log(`Cortex-M ${d.name}: all ${d.samples} test samples on the M4: ${all.same}/${all.total} outputs identical`);
    expect(all.same).toBe(all.total);
  }
  for (const core of ['m4', 'm7', 'm3'] as const) {
    results[core] = check(d, core, core !== 'm3', counted);
    expect(results[core]?.same, `${d.name} on ${core}`).toBe(results[core]?.total);
  }
  const ram = d.c.memory.arenaBytes + d.c.memory.scratchBytes;
  let m0: string;
  if (ram <= BOARDS.m0.ram - 6 * 1024) {
    const r = check(d, 'm0', false, counted);
    results.m0 = r;
    expect(r.same).toBe(r.total);
    m0 = `ran on the micro:bit (nRF51, 16 KB RAM): ${r.same}/${r.total} outputs identical`;
  } else {
    m0 = `does not fit the micro:bit's 16 KB of RAM (arena ${d.c.memory.arenaBytes} B + im2col ${d.c.memory.scratchBytes} B = ${kb(ram)}, plus the harness); not run`;
  }
  report(d, results, m0, counted);
  // The DSP path is what the M4 build runs; the M3 build has no SMLAD and computes the same integers in plain C.
  expect(results.m4?.run.smlad).toBe(true);
  expect(results.m3?.run.smlad).toBe(false);
  expect(median(results.m4?.run.instructions ?? [])).toBeLessThan(median(results.m3?.run.instructions ?? []));
}

describe.skipIf(skip !== null)('C export on Cortex-M under QEMU, bit-exact with the TS integer engine', () => {
  const haveEcg = hasBenchmarkData('ucr/ECG200', 'cortexm.test', 'the ECG200 models');
  it.skipIf(!haveEcg)('ECG200 (TCN), w8a8 and a mixed int8 / int4 / int2 plan with pruned channels: every test sample on M4, M7, M3 and M0', () => {
    const splits = loadDataset('ecg200');
    for (const precision of ['w8a8', 'mixed'] as const) allCores(deploy(`ecg200_${precision}`, splits, 'tcn-ecg', 15, precision, splits.test.length));
  }, 600_000);
  it('MNIST digits (2-D CNN, an image model), mixed int8 / int4 / int2: all 2,000 test images on M4; 100 counted on M4, M7, M3 (M0 where it fits)', () => {
    const splits = loadDataset('mnist', { layout: 'image', limit: 2000 });
    allCores(deploy('mnist_cnn', splits, 'cnn-small', 2, 'mixed', splits.test.length), 100);
  }, 900_000);
});
