/**
 * The joint architecture + precision search against the chained one (PIT sweep, then a
 * per-channel precision search of every PIT point) at the same total budget of epochs per point:
 *
 *   chained point = warm-up W (shared) + PIT search S + fine-tune F + precision search S' + QAT F'
 *   joint point   = warm-up W (shared) + joint search S + S'                       + QAT F + F'
 *
 * Both sides run the CLI as child processes (`tsdnas sweep`, `tsdnas mps --checkpoint <point>`,
 * `tsdnas joint --sweep`), timed by /usr/bin/time. Per dataset and seed it collects the deployed
 * weight bytes (packed integer weights) and test metric of every point, the fronts, and which
 * front dominates where: for each point of one front, whether the other front has a point at
 * most as large and at least as accurate. Also one PIT search and one joint search of the same
 * seed and epochs, for the CPU ratio. Everything goes to <work>/joint-vs-chained.json.
 *
 *   npx tsx bench/jointVsChained.ts --dataset ecg200 [--seeds 0,1,2] [--epochs W,S,F,S2,F2]
 *       [--pit-lambdas 3e-6,1e-5,3e-5,1e-4] [--joint-lambdas …] [--mps-lambda 1e-4] [--work dir]
 *       [--model <seed>] [--no-cpu] [-- <extra options for every command>]
 *
 * Skips (exit 0, with the reason) when ../shared lacks the dataset.
 */

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { arg, passedOn } from './args.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const extra = passedOn();
const dataset = arg('dataset', 'ecg200');
const seeds = arg('seeds', '0,1,2').split(',').map(Number);
const [W, S, F, S2, F2] = arg('epochs', '20,30,15,15,10').split(',').map(Number);
const pitLambdas = arg('pit-lambdas', '3e-6,1e-5,3e-5,1e-4');
const jointLambdas = arg('joint-lambdas', '1e-5,1e-4,3e-4,1e-3');
const mpsLambda = arg('mps-lambda', '3e-5');
const model = arg('model', '');
// --no-cpu: skip the two single searches that measure the CPU ratio (measure it on its own, interleaved).
const measureCpu = !process.argv.includes('--no-cpu');
const work = resolve(arg('work', join(REPO, 'bench', 'results', `joint-vs-chained-${dataset}`)));

interface Timed { code: number; cpu: number; wall: number; log: string }

function tsdnas(args: string[], log: string): Timed {
  mkdirSync(dirname(log), { recursive: true });
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S', '-o', `${log}.time`, process.execPath, '--import', 'tsx', join(REPO, 'src/cli/main.ts'), ...args, ...(model ? ['--model', model] : []), ...extra], {
    cwd: REPO, encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, TSDNAS_THREADS: process.env.TSDNAS_THREADS ?? '1' },
  });
  writeFileSync(log, `${r.stdout}\n${r.stderr}`);
  const [u, s] = existsSync(`${log}.time`) ? readFileSync(`${log}.time`, 'utf8').trim().split(/\s+/).slice(-2).map(Number) : [NaN, NaN];
  if (r.status !== 0) throw new Error(`tsdnas ${args.join(' ')} failed (exit ${r.status}); see ${log}\n${r.stderr.slice(-2000)}`);
  return { code: r.status ?? -1, cpu: u + s, wall: (performance.now() - t0) / 1000, log };
}

interface Point { side: 'joint' | 'chained'; label: string; bytes: number; metric: number }

const frontRows = (dir: string) => JSON.parse(readFileSync(join(dir, 'front.json'), 'utf8')) as { metric: string; points: Record<string, unknown>[] };

/** Indices of the non-dominated points (smaller bytes, higher metric). */
function front(ps: readonly Point[]): number[] {
  return ps.map((_, i) => i).filter((i) => !ps.some((q, j) => j !== i && q.bytes <= ps[i].bytes && q.metric >= ps[i].metric && (q.bytes < ps[i].bytes || q.metric > ps[i].metric)));
}

/** Of `a`'s front points, how many are weakly dominated by a point of `b` (b as small or smaller and as accurate or more). */
function coveredBy(a: readonly Point[], b: readonly Point[]): number {
  return a.filter((p) => b.some((q) => q.bytes <= p.bytes && q.metric >= p.metric)).length;
}

const common = (seed: number) => ['--dataset', dataset, '--seed', String(seed)];
const results: unknown[] = [];
const load0 = loadavg();
for (const seed of seeds) {
  const dir = join(work, `seed-${seed}`);
  rmSync(dir, { recursive: true, force: true });
  // Chained: a PIT sweep, then the precision search of every PIT point from its fine-tuned model.
  const pit = tsdnas(['sweep', ...common(seed), '--lambdas', pitLambdas, '--warmup-epochs', String(W), '--search-epochs', String(S), '--finetune-epochs', String(F), '--out', join(dir, 'pit')], join(dir, 'pit.log'));
  const pitFront = frontRows(join(dir, 'pit'));
  const metricKey = `test_${pitFront.metric}`;
  const chained: Point[] = [];
  let chainCpu = pit.cpu;
  pitFront.points.forEach((_, i) => {
    const out = join(dir, `chain-${i}`);
    const r = tsdnas(['mps', ...common(seed), '--checkpoint', join(dir, 'pit', `point-${i}`, 'model.safetensors'), '--warmup-epochs', '0', '--search-epochs', String(S2), '--finetune-epochs', String(F2),
      '--precisions', '0,2,4,8', '--per-channel', 'true', '--run-baselines', 'false', '--lambda', mpsLambda, '--out', out], join(dir, `chain-${i}.log`));
    chainCpu += r.cpu;
    const row = frontRows(out).points[0];
    chained.push({ side: 'chained', label: `PIT λ=${String(pitFront.points[i].strength)} → mps λ=${mpsLambda}`, bytes: Number(row.size_bytes), metric: Number(row[metricKey]) });
  });
  // Joint: the same warm-up, the two searches' epochs in one search, the two fine-tunes' in one QAT.
  const jr = tsdnas(['joint', ...common(seed), '--sweep', 'true', '--lambdas', jointLambdas, '--warmup-epochs', String(W), '--search-epochs', String(S + S2), '--finetune-epochs', String(F + F2),
    '--run-baselines', 'false', '--out', join(dir, 'joint')], join(dir, 'joint.log'));
  const joint: Point[] = frontRows(join(dir, 'joint')).points.map((row) => ({ side: 'joint', label: `joint λ=${String(row.strength)}`, bytes: Number(row.size_bytes), metric: Number(row[metricKey]) }));
  // CPU of one search of each kind at the same epochs (W, S, F), for the cost ratio.
  const nothing: Timed = { code: 0, cpu: NaN, wall: NaN, log: '' };
  const onePit = measureCpu ? tsdnas(['search', ...common(seed), '--lambda', pitLambdas.split(',')[1], '--warmup-epochs', String(W), '--search-epochs', String(S), '--finetune-epochs', String(F), '--out', join(dir, 'one-pit')], join(dir, 'one-pit.log')) : nothing;
  const oneJoint = measureCpu ? tsdnas(['joint', ...common(seed), '--lambda', jointLambdas.split(',')[1], '--warmup-epochs', String(W), '--search-epochs', String(S), '--finetune-epochs', String(F), '--run-baselines', 'false', '--out', join(dir, 'one-joint')], join(dir, 'one-joint.log')) : nothing;
  const fj = front(joint).map((i) => joint[i]);
  const fc = front(chained).map((i) => chained[i]);
  const r = {
    seed, metric: pitFront.metric, joint, chained, jointFront: fj, chainedFront: fc,
    chainedCoveredByJoint: `${coveredBy(fc, fj)}/${fc.length}`, jointCoveredByChained: `${coveredBy(fj, fc)}/${fj.length}`,
    cpu: { joint: jr.cpu, chained: chainCpu, onePitSearch: onePit.cpu, oneJointSearch: oneJoint.cpu, ratio: oneJoint.cpu / onePit.cpu },
  };
  results.push(r);
  const fmt = (p: Point) => `${p.bytes.toFixed(0)} B ${(p.metric * (pitFront.metric === 'accuracy' ? 100 : 1)).toFixed(1)}`;
  console.log(`${dataset} seed ${seed}: joint front [${fj.map(fmt).join('; ')}]  chained front [${fc.map(fmt).join('; ')}]`);
  console.log(`  chained front points weakly dominated by the joint front ${r.chainedCoveredByJoint}; joint front points dominated by the chained front ${r.jointCoveredByChained}`);
  console.log(`  CPU: joint sweep ${jr.cpu.toFixed(0)} s, chained ${chainCpu.toFixed(0)} s; one joint search ${oneJoint.cpu.toFixed(1)} s / one PIT search ${onePit.cpu.toFixed(1)} s = ${r.cpu.ratio.toFixed(2)}`);
}
const out = { dataset, model: model || '(dataset default)', epochs: { W, S, F, S2, F2 }, pitLambdas, jointLambdas, mpsLambda, extra, load: { start: load0, end: loadavg() }, results };
mkdirSync(work, { recursive: true });
writeFileSync(join(work, 'joint-vs-chained.json'), JSON.stringify(out, null, 1));
console.log(`load ${load0.map((v) => v.toFixed(2)).join(' ')} → ${loadavg().map((v) => v.toFixed(2)).join(' ')}; ${join(work, 'joint-vs-chained.json')}`);
