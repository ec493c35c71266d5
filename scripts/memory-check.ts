/**
 * Resident-memory check over many training steps: trains a small seed model (tcn-ecg on a
 * synthetic ECG-shaped dataset) for N optimiser steps, samples RSS and heap after a forced GC,
 * and reports growth after warm-up. A leak in the graph, the optimiser or the kernel backends
 * shows up as steady growth; the target is < 5 %.
 *
 *   node --expose-gc --import tsx scripts/memory-check.ts [--steps 1000] [--backend auto|js|wasm]
 */

import { parseArgs } from 'node:util';
import { Rng } from '../src/tensor/rng.js';
import { buildSeed } from '../src/models/seeds.js';
import { Adam } from '../src/nn/optim/adam.js';
import { trainEpoch, type EpochContext } from '../src/search/train/epoch.js';
import { setBackend } from '../src/kernels/dispatch.js';
import { useFastestBackend } from '../src/kernels/select.js';
import type { ArrayDataset } from '../src/data/types.js';

const { values } = parseArgs({ options: { steps: { type: 'string', default: '1000' }, backend: { type: 'string', default: 'auto' }, warmup: { type: 'string', default: '100' } } });
const steps = Number(values.steps);
const warmup = Number(values.warmup);
const backend = values.backend === 'js' ? (setBackend('js'), 'js') : useFastestBackend().backend;

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) console.warn('memory-check: run with --expose-gc for stable figures');

const rng = new Rng(1);
const n = 64;
const len = 96;
const x = new Float32Array(n * len);
const y = new Int32Array(n);
for (let i = 0; i < n; i++) {
  y[i] = i % 2;
  for (let t = 0; t < len; t++) x[i * len + t] = Math.sin(t / (4 + y[i] * 3)) + 0.3 * rng.normal();
}
const ds: ArrayDataset = { name: 'synthetic-ecg', x, sampleShape: [1, len], y, length: n, task: 'classification', numClasses: 2 };
const model = buildSeed('tcn-ecg', { inputShape: [1, len], outputs: 2, rng: new Rng(2) });
const opt = new Adam(model.parameters(), { lr: 1e-3 });
const ctx: EpochContext = { task: 'classification', numClasses: 2, loss: { loss: 'cross-entropy', labelSmoothing: 0, huberDelta: 1 }, scaler: null };
const batchSize = 16; // 4 steps per epoch

const samples: { step: number; rss: number; heap: number; external: number }[] = [];
function sample(step: number): void {
  gc?.();
  const m = process.memoryUsage();
  samples.push({ step, rss: m.rss, heap: m.heapUsed, external: m.external + m.arrayBuffers });
}

let step = 0;
while (step < steps) {
  trainEpoch(model, ds, ctx, { batchSize, rng, optimizers: [opt] });
  step += Math.ceil(n / batchSize);
  if (step % 20 === 0 || step >= steps) sample(step);
}

const mb = (b: number) => (b / 2 ** 20).toFixed(1);
const growth = (a: number, b: number) => ((b - a) / a) * 100;
// RSS moves by several MB as array buffers are returned lazily, so compare window means:
// the first fifth after warm-up against the last fifth.
const after = samples.filter((s) => s.step > warmup);
const k = Math.max(1, Math.floor(after.length / 5));
const mean = (xs: typeof samples, f: (s: (typeof samples)[number]) => number) => xs.reduce((a, s) => a + f(s), 0) / xs.length;
const early = after.slice(0, k);
const late = after.slice(-k);
console.log(`memory-check: ${steps} steps of tcn-ecg (batch ${batchSize}), backend ${backend}, warm-up ${warmup} steps`);
for (const s of samples.filter((s, i) => s.step % 200 === 0 || i === samples.length - 1)) console.log(`  step ${String(s.step).padStart(5)}  rss ${mb(s.rss)} MB  heap ${mb(s.heap)} MB  external ${mb(s.external)} MB`);
console.log(`rss: mean ${mb(mean(early, (s) => s.rss))} MB (steps ${early[0].step}-${early.at(-1)!.step}) → ${mb(mean(late, (s) => s.rss))} MB (steps ${late[0].step}-${late.at(-1)!.step}): growth ${growth(mean(early, (s) => s.rss), mean(late, (s) => s.rss)).toFixed(2)} %; max after warm-up ${mb(Math.max(...after.map((s) => s.rss)))} MB`);
console.log(`heap: ${growth(mean(early, (s) => s.heap), mean(late, (s) => s.heap)).toFixed(2)} % (${mb(mean(early, (s) => s.heap))} → ${mb(mean(late, (s) => s.heap))} MB)`);
