/**
 * A zoo of training steps, tsdnas against PyTorch in paired rounds: TCNs, TEMPONet, 2-D CNNs,
 * ResNet8, DS-CNN, MobileNetV1, and PIT / mixed-precision search steps (bench/zoo/entries.ts).
 * Each round runs the PyTorch peer (one subprocess: every entry, every thread count) and right
 * after it tsdnas on the same entries and threads, so both see about the same machine load; the
 * spread over rounds is the figure to quote on a shared machine.
 *
 *   npx tsx bench/zoo.ts [--rounds N] [--only id,id] [--threads 1,2]     default 3 rounds, 1 and 2 threads
 *
 * Writes bench/results/zoo-<timestamp>.json.
 */

import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import * as T from '../src/index.js';
import { plainOf, ZOO, type ZooEntry } from './zoo/entries.js';
import { buildStep, medianMs, TIMING, type TsStep } from './zoo/tsStep.js';
import { runPeer, type PeerResult } from './zoo/torchPeer.js';
import { printSummary, summarise, type Sample } from './zoo/report.js';

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? undefined : process.argv[i + 1];
}

const rounds = Number(option('rounds') ?? 3);
const threads = (option('threads') ?? '1,2').split(',').map(Number);
if (!(Number.isInteger(rounds) && rounds >= 1) || !threads.every((t) => Number.isInteger(t) && t >= 1)) {
  throw new Error('usage: npx tsx bench/zoo.ts [--rounds N] [--only id,id] [--threads 1,2]');
}
const only = option('only')?.split(',');
for (const id of only ?? []) if (!ZOO.some((e) => e.id === id)) throw new Error(`--only: unknown entry '${id}'; entries: ${ZOO.map((e) => e.id).join(', ')}`);
// A search entry brings its plain network along: its search / plain ratio needs both.
const wanted = new Set((only ?? ZOO.map((e) => e.id)).flatMap((id) => [id, plainOf(id)]));
const entries: ZooEntry[] = ZOO.filter((e) => wanted.has(e.id));

const choice = T.useFastestBackend();
const info0 = T.wasmInfo();
console.log(`zoo: ${entries.length} entries × threads ${threads.join(',')}, ${rounds} paired round(s); tsdnas ${choice.backend}${info0 ? ` (${info0.isa}: ${info0.isaReason})` : ` (${choice.reason})`}; Node ${process.version}`);
if (choice.backend !== 'wasm' && threads.some((t) => t > 1)) throw new Error(`threads > 1 need the wasm backend, which is unavailable: ${choice.reason}`);

// Built once and reused across rounds (the Adam state just keeps going): each timing warms up first.
const steps = new Map<string, TsStep>(entries.map((e) => [e.id, buildStep(e)]));
const samples: Sample[] = [];
let torchVersion: string | null = null;
let plinio: string | null = null;
const t0 = performance.now();

/** Once: the PyTorch nets must have the tsdnas nets' parameter counts, or the rows compare different networks. */
function checkParams(peer: PeerResult): void {
  console.log('parameter counts (plain network), tsdnas vs PyTorch:');
  const bad: string[] = [];
  for (const e of entries) {
    const ours = (steps.get(e.id) as TsStep).params;
    const theirs = peer.results[e.id]?.params ?? null;
    console.log(`  ${e.id.padEnd(20)} ${String(ours).padStart(8)} ${String(theirs).padStart(8)}${ours === theirs ? '' : '   MISMATCH'}`);
    if (ours !== theirs) bad.push(`${e.id}: tsdnas ${ours}, PyTorch ${theirs}`);
  }
  if (bad.length > 0) throw new Error(`the PyTorch peer built different networks (parameter counts differ): ${bad.join('; ')}`);
}

for (let round = 1; round <= rounds; round++) {
  const peer = runPeer(entries, threads);
  if ('missing' in peer) {
    console.log(`round ${round}: no PyTorch rows: ${peer.missing}`);
  } else {
    if (torchVersion === null) checkParams(peer);
    torchVersion = peer.torch;
    plinio = peer.plinio;
    if (plinio !== null && round === 1) console.log(`search rows have no PyTorch peer: ${plinio}`);
  }
  for (const t of threads) {
    if (choice.backend === 'wasm') await T.setWasmThreads(t);
    for (const e of entries) {
      const oursMs = medianMs((steps.get(e.id) as TsStep).step);
      const row = 'missing' in peer ? undefined : peer.results[e.id];
      const torchMs = row?.ms[String(t)] ?? null;
      const s: Sample = { round, id: e.id, threads: t, torchMs, oursMs, ratio: torchMs === null ? null : torchMs / oursMs, load: loadavg()[0] };
      samples.push(s);
      const why = row?.missing === undefined ? '' : ` (no peer: ${row.missing.slice(0, 80)})`;
      console.log(`  round ${round} ${e.id.padEnd(20)} T${t}: PyTorch ${torchMs === null ? '—' : torchMs.toFixed(1)} ms, tsdnas ${oursMs.toFixed(1)} ms → ratio ${s.ratio === null ? '—' : s.ratio.toFixed(2)}  load ${s.load.toFixed(2)}${why}`);
    }
  }
}
const info = T.wasmInfo();
if (choice.backend === 'wasm') await T.setWasmThreads(1);
const wallS = (performance.now() - t0) / 1000;

const summary = summarise(samples, threads);
printSummary(summary, rounds);
const loads = samples.map((s) => s.load);
console.log(`load average (1 min) during the run: ${Math.min(...loads).toFixed(2)}–${Math.max(...loads).toFixed(2)}`);
// Above one runnable job per core the multi-thread rows measure the contention more than the code
// (PyTorch's OpenMP workers spin-wait for a descheduled partner), so say so next to the figures.
if (Math.max(...loads) > availableParallelism()) console.log(`note: the load exceeded the ${availableParallelism()} cores: the ${threads.filter((t) => t > 1).map((t) => `T${t}`).join(', ') || 'multi-thread'} rows are unreliable, PyTorch's most`);
console.log(`ran: tsdnas ${choice.backend}${info ? `, wasm ${info.isa} (${info.isaReason}), shared memory ${info.sharedMemory}` : ''}; Node ${process.version}; PyTorch ${torchVersion ?? 'not available'}; PLiNIO ${plinio === null ? (torchVersion === null ? '—' : 'imported') : `not used: ${plinio}`}`);
console.log(`wall time: ${wallS.toFixed(0)} s (timing ≥ ${TIMING.minSteps} steps and ≥ ${TIMING.minTime} s per row after one warm-up step)`);

const dir = new URL('./results/', import.meta.url);
mkdirSync(dir, { recursive: true });
const file = new URL(`zoo-${new Date().toISOString().replace(/[:.]/g, '-')}.json`, dir);
writeFileSync(file, JSON.stringify({
  date: new Date().toISOString(), node: process.version, torch: torchVersion, plinio: plinio ?? (torchVersion === null ? null : 'imported'),
  backend: choice, wasm: info, rounds, threads, wallSeconds: wallS, timing: TIMING,
  entries: entries.map((e) => ({ ...e, params: (steps.get(e.id) as TsStep).params })), samples, summary,
}, null, 2));
console.log(`results written to ${file.pathname}`);
