/**
 * The reference TCN's training step against PyTorch (oneDNN) in paired rounds: each round times
 * PyTorch (subprocess, 1 and 2 threads) and right after it tsdnas on the default backend (1 and 2
 * threads), and prints that round's samples/s ratios with the load average. On a shared machine a
 * single ratio is mostly noise; the spread over rounds is the figure to report.
 *
 *   npx tsx bench/tcn.ts [rounds]            default 5 rounds; TSDNAS_WASM_ISA=simd for plain SIMD
 *
 * Writes bench/results/tcn-<timestamp>.json.
 */

import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import * as T from '../src/index.js';
import { torchMedians, tsTcn } from './tcnModel.js';
import { medianMs, TIMING } from './zoo/tsStep.js';

const rounds = Number(process.argv[2] ?? 5);
const MIN_MS = TIMING.minTime * 1000;
const MIN_STEPS = TIMING.minSteps;

const choice = T.useFastestBackend();
const info = T.wasmInfo();
console.log(`TCN training step, batch 64: tsdnas ${choice.backend} (${info ? `${info.isa}: ${info.isaReason}` : choice.reason}) vs PyTorch, ${rounds} paired rounds`);
const step = tsTcn(true);
const results: { round: number; threads: number; torchMs: number; oursMs: number; ratio: number; load: number }[] = [];
for (let round = 1; round <= rounds; round++) {
  const torch = torchMedians([{ id: 't1', kind: 'tcnTrain', threads: 1 }, { id: 't2', kind: 'tcnTrain', threads: 2 }], MIN_MS / 1000, MIN_STEPS);
  if ('missing' in torch) throw new Error(`bench/tcn.ts needs PyTorch: ${torch.missing}`);
  for (const threads of [1, 2]) {
    if (choice.backend === 'wasm') await T.setWasmThreads(threads);
    const oursMs = medianMs(step);
    const torchMs = torch.results[`t${threads}`];
    const r = { round, threads, torchMs, oursMs, ratio: torchMs / oursMs, load: loadavg()[0] };
    results.push(r);
    console.log(`  round ${round} T${threads}: PyTorch ${torchMs.toFixed(1)} ms, tsdnas ${oursMs.toFixed(1)} ms (${(64000 / oursMs).toFixed(0)} samples/s) → ratio ${r.ratio.toFixed(2)}  load ${r.load.toFixed(2)}`);
  }
}
await T.setWasmThreads(1);
for (const threads of [1, 2]) {
  const rs = results.filter((r) => r.threads === threads).map((r) => r.ratio).sort((a, b) => a - b);
  console.log(`T${threads}: ratio median ${rs[rs.length >> 1].toFixed(2)}, range ${rs[0].toFixed(2)}–${rs[rs.length - 1].toFixed(2)} (target ≥ 0.4)`);
}
const dir = new URL('./results/', import.meta.url);
mkdirSync(dir, { recursive: true });
const file = new URL(`tcn-${new Date().toISOString().replace(/[:.]/g, '-')}.json`, dir);
writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), node: process.version, backend: choice, wasm: info, results }, null, 2));
console.log(`results written to ${file.pathname}`);
