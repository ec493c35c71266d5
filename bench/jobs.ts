/**
 * `tsdnas sweep --jobs N` against `--jobs 1`: the wall time of the same sweep (child processes of
 * the CLI, run one after another, alternating, `--reps` times each) and whether every point is the
 * same bits (each point's model.safetensors and front.json rows, wall-clock seconds aside). The
 * speed-up is the ratio of the medians, measured in the same run; the machine's load average is
 * printed before and after (the machine is shared: a speed-up needs free cores).
 *
 *   npx tsx bench/jobs.ts [--config configs/sweep-ecg200.json] [--lambdas 1e-5,…] [--jobs 2]
 *       [--reps 2] [--work dir] [-- <extra sweep options>]
 *
 * Skips (exit 0, with the reason) when the config's dataset is not in ../shared/data.
 */

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { arg, passedOn } from './args.js';
import { resolveDataDir } from '../src/data/dataDir.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const extra = passedOn();
const config = arg('config', 'configs/sweep-ecg200.json');
const lambdas = arg('lambdas', '1e-5,3e-5,1e-4,3e-4,1e-3,5e-3');
const jobs = Number(arg('jobs', '2'));
const reps = Number(arg('reps', '2'));
const work = resolve(arg('work', join(REPO, 'bench', '.jobs-work')));

const dataset = (JSON.parse(readFileSync(join(REPO, config), 'utf8')) as { dataset: string }).dataset;
try {
  const dir = resolveDataDir();
  if (dataset !== 'mnist' && !existsSync(dir)) throw new Error(`no data directory at ${dir}`);
} catch (e) {
  console.log(`bench/jobs: skipped — ${(e as Error).message}`);
  process.exit(0);
}

function sweep(j: number, out: string): number {
  rmSync(out, { recursive: true, force: true });
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(REPO, 'src/cli/main.ts'), 'sweep', '--config', config, '--lambdas', lambdas, '--backend', 'wasm', '--jobs', String(j), '--out', out, '--quiet', ...extra], { cwd: REPO, encoding: 'utf8' });
  const s = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`sweep --jobs ${j} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  return s;
}

/** front.json's points without wall-clock fields, and every point's model bytes. */
function fingerprint(out: string): { rows: string; models: Buffer[] } {
  const strip = (v: unknown): unknown => Array.isArray(v) ? v.map(strip)
    : v !== null && typeof v === 'object' ? Object.fromEntries(Object.entries(v).filter(([k]) => !/seconds/i.test(k)).map(([k, x]) => [k, strip(x)])) : v;
  const front = JSON.parse(readFileSync(join(out, 'front.json'), 'utf8')) as { points: unknown[] };
  return { rows: JSON.stringify(strip(front.points)), models: front.points.map((_, i) => readFileSync(join(out, `point-${i}`, 'model.safetensors'))) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
mkdirSync(work, { recursive: true });
const load0 = loadavg();
console.log(`bench/jobs: ${config} with λ ${lambdas} (${lambdas.split(',').length} points), --jobs 1 vs --jobs ${jobs}, ${reps} rep(s) each, alternating; backend wasm; ${cpus().length} cores; load average before ${load0.map((l) => l.toFixed(2)).join(' ')}`);
const times: Record<string, number[]> = { one: [], many: [] };
for (let r = 0; r < reps; r++) {
  for (const [key, j] of [['one', 1], ['many', jobs]] as const) {
    const s = sweep(j, join(work, key));
    times[key].push(s);
    console.log(`  rep ${r + 1}: --jobs ${j}  ${s.toFixed(1)} s`);
  }
}
const a = fingerprint(join(work, 'one'));
const b = fingerprint(join(work, 'many'));
const sameRows = a.rows === b.rows;
const sameModels = a.models.length === b.models.length && a.models.every((m, i) => m.equals(b.models[i]));
const load1 = loadavg();
console.log(`median wall time: --jobs 1 ${median(times.one).toFixed(1)} s, --jobs ${jobs} ${median(times.many).toFixed(1)} s; speed-up ${(median(times.one) / median(times.many)).toFixed(2)}×`);
console.log(`same bits: front rows ${sameRows ? 'identical' : 'DIFFER'}, point models ${sameModels ? `identical (${a.models.length} of ${a.models.length})` : 'DIFFER'}`);
console.log(`load average after ${load1.map((l) => l.toFixed(2)).join(' ')}`);
if (!sameRows || !sameModels) process.exitCode = 1;
