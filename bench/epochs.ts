/**
 * Whole-epoch training times of the engine issue's seeds, before / after: the `js` reference
 * versus the default backend selection (no --backend flag: auto = wasm SIMD). Each seed runs the
 * real `tsdnas train` command on its real dataset, js and default back to back so both see similar
 * machine load; per-epoch seconds come from the run's summary.json (speedup from each side's
 * fastest epoch, since load bursts from other processes only add time). Writes
 * bench/results/epochs-<timestamp>.json (bench/run.ts copies the newest into its results file).
 *
 *   npx tsx bench/epochs.ts [--quick]
 */

import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';

const QUICK = process.argv.includes('--quick');

interface Seed { dataset: string; model: string; limit: number; epochs: number }
const SEEDS: Seed[] = [
  { dataset: 'mnist', model: 'tcn-mnist', limit: QUICK ? 2000 : 6000, epochs: 2 },
  { dataset: 'ecg200', model: 'tcn-ecg', limit: 0, epochs: 4 },
  { dataset: 'fashion-mnist', model: 'cnn-small', limit: QUICK ? 1000 : 3000, epochs: 2 },
  { dataset: 'ppg', model: 'temponet', limit: 0, epochs: QUICK ? 1 : 2 },
];

interface Run { backend: string; epochSeconds: number[]; warmEpochSeconds: number; bestEpochSeconds: number; load: number[]; kernels: unknown }

function train(s: Seed, backend: 'js' | null): Run {
  const out = `runs/bench-epochs/${backend ?? 'default'}-${s.dataset}-${s.model}`;
  const args = ['--import', 'tsx', 'src/cli/main.ts', 'train', '--dataset', s.dataset, '--model', s.model,
    '--limit', String(s.limit), '--epochs', String(s.epochs), '--out', out, ...(backend ? ['--backend', backend] : [])];
  const load = loadavg();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', cwd: new URL('..', import.meta.url).pathname, maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`tsdnas train ${s.dataset}/${s.model} (${backend ?? 'default'}) failed: ${r.stderr.slice(-500)}`);
  const sum = JSON.parse(readFileSync(new URL(`../${out}/summary.json`, import.meta.url), 'utf8')) as {
    backend: string; history: { seconds: number }[]; kernels: unknown;
  };
  const secs = sum.history.map((h) => h.seconds);
  // Epoch 1 includes JIT and wasm tier-up; the warm figure is the median of the later epochs.
  const warm = secs.length > 1 ? secs.slice(1).sort((a, b) => a - b)[(secs.length - 1) >> 1] : secs[0];
  return { backend: sum.backend, epochSeconds: secs, warmEpochSeconds: warm, bestEpochSeconds: Math.min(...secs), load, kernels: sum.kernels };
}

// On a shared machine another process's burst only ever adds time: the speedup is taken from
// each side's fastest epoch; the warm median is kept in the file too.
const results: { seed: Seed; js: Run; default: Run; speedup: number; speedupWarmMedian: number }[] = [];
console.log('| dataset | model | train limit | js s/epoch (fastest) | default s/epoch (fastest, backend) | speedup | load (1 min) |');
console.log('|---|---|---|---|---|---|---|');
for (const s of SEEDS) {
  const js = train(s, 'js');
  const def = train(s, null);
  const speedup = js.bestEpochSeconds / def.bestEpochSeconds;
  results.push({ seed: s, js, default: def, speedup, speedupWarmMedian: js.warmEpochSeconds / def.warmEpochSeconds });
  console.log(`| ${s.dataset} | ${s.model} | ${s.limit || 'all'} | ${js.bestEpochSeconds.toFixed(2)} | ${def.bestEpochSeconds.toFixed(2)} (${def.backend}) | ${speedup.toFixed(1)}× | ${js.load[0].toFixed(1)} / ${def.load[0].toFixed(1)} |`);
}
const dir = new URL('./results/', import.meta.url);
mkdirSync(dir, { recursive: true });
const file = new URL(`epochs-${new Date().toISOString().replace(/[:.]/g, '-')}.json`, dir);
writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), quick: QUICK, note: 'speedup = js fastest epoch / default fastest epoch; warmEpochSeconds = median of epochs after the first', results }, null, 2));
console.log(`results written to ${file.pathname}`);
