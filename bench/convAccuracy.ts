/**
 * Does Winograd change what training reaches? Trains the same seed model from the same seed twice
 * in one process on a real dataset — once with the wasm backend's per-shape conv rule (Winograd
 * F(4, k) where it applies, see src/kernels/wasm/winograd.ts) and once with every conv forced to
 * im2col + GEMM (`setWasmConvPath('im2col')`) — and prints per-epoch train loss and test metric of
 * both, the relative difference of the parameters after every epoch, and a summary table with the
 * seed-to-seed spread to judge the Winograd-vs-im2col gap against. A model with no conv that
 * qualifies for Winograd trains bit-identically (the parameter difference is exactly 0).
 * --control adds a third run with every conv by direct tap loops (no Winograd, another float32
 * summation order): the im2col-vs-direct gap is what rounding alone does to a run.
 *
 * Same data, model and training protocol as `tsdnas train` (prepareRun + fit, one wasm thread
 * like the CLI); takes the same options plus --seeds and --control. Writes bench/results/convAccuracy-<time>.json.
 *
 *   npx tsx bench/convAccuracy.ts --dataset ecg200 --model tcn-ecg --epochs 20 --seeds 0,1,2
 *   npx tsx bench/convAccuracy.ts --dataset ppg --model temponet --epochs 2 --seeds 0
 *   npx tsx bench/convAccuracy.ts --dataset ecg200 --model temponet --epochs 20 --seeds 0,1,2,3,4 --control
 */

import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import * as T from '../src/index.js';
import { parseCommand } from '../src/cli/args.js';
import { fmtMetric, prepareRun, TRAIN_COMMAND_SCHEMA } from '../src/cli/commands/train.js';
import { fit, snapshot, taskContext } from '../src/search/train/fit.js';
import { evaluate } from '../src/search/train/epoch.js';
import type { TrainConfig } from '../src/nn/train/config.js';

type Path = 'rule' | 'im2col' | 'direct';
type Weights = Map<string, Float32Array | Float64Array>;

interface EpochRow { epoch: number; trainLoss: number; valMetric: number; testLoss: number; testMetric: number; seconds: number }
interface RunSummary { epochs: EpochRow[]; final: { loss: number; metric: number; bestEpoch: number }; seconds: number }
interface PathRun extends RunSummary { metric: 'accuracy' | 'mae'; weights: Weights[] }
type ParamDiff = ReturnType<typeof weightDiff>;
interface SeedResult { seed: number; winograd: RunSummary; im2col: RunSummary; direct: RunSummary | null; paramDiffPerEpoch: ParamDiff[]; bitIdentical: boolean }

function takeSeeds(argv: string[]): { seeds: number[]; rest: string[] } {
  const i = argv.findIndex((a) => a === '--seeds' || a.startsWith('--seeds='));
  if (i < 0) return { seeds: [0], rest: argv };
  const eq = argv[i].includes('=');
  const value = eq ? argv[i].slice('--seeds='.length) : argv[i + 1];
  const seeds = (value ?? '').split(',').map(Number);
  if (seeds.length === 0 || seeds.some((s) => !Number.isInteger(s) || s < 0)) {
    throw new Error(`bench/convAccuracy: --seeds takes comma-separated non-negative integers, e.g. --seeds 0,1,2 (got '${value ?? ''}')`);
  }
  return { seeds, rest: [...argv.slice(0, i), ...argv.slice(i + (eq ? 1 : 2))] };
}

const CONTROL = process.argv.includes('--control');
const { seeds, rest } = takeSeeds(process.argv.slice(2).filter((a) => a !== '--control'));
const base = parseCommand('train', TRAIN_COMMAND_SCHEMA, rest).config;

/** One training run with the given conv path; the weights after every epoch are kept for the comparison. */
function trainWith(path: Path, seed: number): PathRun {
  T.setWasmConvPath(path === 'rule' ? null : path);
  try {
    const cfg = { ...base, seed };
    const run = prepareRun('convAccuracy', cfg);
    if (run.backend !== 'wasm') throw new Error(`bench/convAccuracy: the wasm backend is not available here (${run.backend} chosen); Winograd exists only on wasm`);
    const ctx = taskContext(run.splits, cfg as TrainConfig);
    const epochs: EpochRow[] = [];
    const weights: Weights[] = [];
    const result = fit(run.model, run.splits, cfg as TrainConfig, {
      // evaluate() runs in eval mode without a graph and draws no random numbers: training is unchanged.
      onEpoch: (r) => {
        const te = evaluate(run.model, run.splits.test, ctx);
        epochs.push({ epoch: r.epoch, trainLoss: r.trainLoss, valMetric: r.valMetric, testLoss: te.loss, testMetric: te.metric, seconds: r.seconds });
        weights.push(snapshot(run.model));
      },
    });
    // What `tsdnas train` reports: the test split after fit restored the selected (best / last) epoch.
    const te = evaluate(run.model, run.splits.test, result.ctx);
    return { metric: run.splits.info.metric, epochs, final: { loss: te.loss, metric: te.metric, bestEpoch: result.bestEpoch }, weights, seconds: result.seconds };
  } finally {
    T.setWasmConvPath(null);
  }
}

/**
 * Largest per-tensor max|a − b| / max|a| over the model's state (parameters and BatchNorm
 * buffers; and which tensor), and ‖a − b‖ / ‖a‖ over all of it. The per-tensor maximum is large
 * from the first epoch on — Adam turns gradients that are pure rounding noise (a conv bias right
 * before BatchNorm has a true gradient of 0) into ±lr steps, and running statistics follow the
 * drifted activations — so the L2 figure is the one that says how far the runs drifted.
 */
function weightDiff(a: Weights, b: Weights): { maxRel: number; maxRelTensor: string; l2Rel: number } {
  let maxRel = 0, maxRelTensor = '', num = 0, den = 0;
  for (const [k, va] of a) {
    const vb = b.get(k);
    if (vb === undefined) throw new Error(`bench/convAccuracy: tensor '${k}' missing from the im2col run`);
    let dmax = 0, amax = 0;
    for (let i = 0; i < va.length; i++) {
      const d = Math.abs(va[i] - vb[i]);
      dmax = Math.max(dmax, d);
      amax = Math.max(amax, Math.abs(va[i]));
      num += d * d;
      den += va[i] * va[i];
    }
    if (amax > 0 && dmax / amax > maxRel) {
      maxRel = dmax / amax;
      maxRelTensor = k;
    }
  }
  return { maxRel, maxRelTensor, l2Rel: den > 0 ? Math.sqrt(num / den) : 0 };
}

let metricName: 'accuracy' | 'mae' = 'accuracy';
const fmt = (v: number) => fmtMetric(metricName, v);
const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
const spread = (v: number[]) => Math.max(...v) - Math.min(...v);

const load0 = loadavg();
console.log(`conv accuracy: ${base.dataset} / ${base.model ?? '(default model)'}, ${base.epochs} epochs, limit ${base.limit || 'all'}, seeds ${seeds.join(',')}; load ${load0.map((l) => l.toFixed(2)).join(' ')}`);
const results: SeedResult[] = [];
for (const seed of seeds) {
  const w = trainWith('rule', seed);
  const g = trainWith('im2col', seed);
  metricName = w.metric;
  // Control: every conv by direct tap loops — another summation order, no Winograd — to show how
  // far float32 rounding alone moves training (the yardstick for the Winograd-vs-im2col gap).
  const d = CONTROL ? trainWith('direct', seed) : null;
  console.log(`\nseed ${seed}  (per-shape rule = Winograd where it applies | all im2col)`);
  console.log('| epoch | train loss W | train loss I | test loss W | test loss I | test W | test I | params max rel diff (tensor) | params L2 rel diff | s/epoch W | s/epoch I |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  const diffs = w.epochs.map((e, i) => weightDiff(w.weights[i], g.weights[i]));
  w.epochs.forEach((e, i) => {
    const o = g.epochs[i];
    console.log(`| ${e.epoch} | ${e.trainLoss.toFixed(5)} | ${o.trainLoss.toFixed(5)} | ${e.testLoss.toFixed(5)} | ${o.testLoss.toFixed(5)} | ${fmt(e.testMetric)} | ${fmt(o.testMetric)} | ${diffs[i].maxRel.toExponential(2)} (${diffs[i].maxRelTensor}) | ${diffs[i].l2Rel.toExponential(2)} | ${e.seconds.toFixed(2)} | ${o.seconds.toFixed(2)} |`);
  });
  console.log(`final (selected epoch W ${w.final.bestEpoch} / I ${g.final.bestEpoch}): test ${fmt(w.final.metric)} (loss ${w.final.loss.toFixed(5)}) vs ${fmt(g.final.metric)} (loss ${g.final.loss.toFixed(5)})`);
  if (d !== null) console.log(`control, all convs direct (selected epoch ${d.final.bestEpoch}): test ${fmt(d.final.metric)} (loss ${d.final.loss.toFixed(5)}); im2col vs direct params L2 rel diff after the last epoch ${weightDiff(g.weights[g.weights.length - 1], d.weights[d.weights.length - 1]).l2Rel.toExponential(2)}`);
  results.push({
    seed, winograd: { epochs: w.epochs, final: w.final, seconds: w.seconds }, im2col: { epochs: g.epochs, final: g.final, seconds: g.seconds },
    direct: d === null ? null : { epochs: d.epochs, final: d.final, seconds: d.seconds },
    paramDiffPerEpoch: diffs, bitIdentical: diffs.every((d) => d.maxRel === 0),
  });
}

// Two views per run: the weights fit kept (best validation epoch, what `tsdnas train` reports —
// jumpy when the validation split is small) and the last epoch's weights (no selection noise).
interface Kept { metric: number; loss: number }
const runsOf = (r: SeedResult): [string, RunSummary | null][] => [['W', r.winograd], ['I', r.im2col], ...(CONTROL ? [['D', r.direct] as [string, RunSummary | null]] : [])];
const selected = (p: RunSummary | null): Kept => p?.final ?? { metric: NaN, loss: NaN };
const lastEpoch = (p: RunSummary | null): Kept => {
  const e = p?.epochs[p.epochs.length - 1];
  return e === undefined ? { metric: NaN, loss: NaN } : { metric: e.testMetric, loss: e.testLoss };
};
const names = runsOf(results[0]).map(([n]) => n);
console.log(`\nW = per-shape rule (Winograd where it applies), I = all im2col${CONTROL ? ', D = all direct (control)' : ''}`);
console.log(`| dataset | model | seed | ${names.map((n) => `selected test ${n} (loss)`).join(' | ')} | ${names.map((n) => `last-epoch test ${n} (loss)`).join(' | ')} | last-epoch params L2 rel diff W vs I | bit-identical |`);
console.log(`|---|---|---|${names.map(() => '---|---|').join('')}---|---|`);
for (const r of results) {
  const d = r.paramDiffPerEpoch[r.paramDiffPerEpoch.length - 1];
  const cell = (k: Kept) => `${fmt(k.metric)} (${k.loss.toFixed(4)})`;
  const rs = runsOf(r);
  console.log(`| ${base.dataset} | ${base.model ?? ''} | ${r.seed} | ${rs.map(([, p]) => cell(selected(p))).join(' | ')} | ${rs.map(([, p]) => cell(lastEpoch(p))).join(' | ')} | ${d?.l2Rel.toExponential(2) ?? '-'} | ${r.bitIdentical ? 'yes' : 'no'} |`);
}
if (results.length > 1) {
  for (const [view, pick] of [['selected', selected], ['last-epoch', lastEpoch]] as const) {
    const cols = names.map((_, j) => results.map((r) => pick(runsOf(r)[j][1]).metric));
    const gap = (a: number[], b: number[]) => a.map((x, i) => Math.abs(x - b[i]));
    const parts = names.map((n, j) => `${n} mean ${fmt(mean(cols[j]))} spread ${fmt(spread(cols[j]))}`);
    const wi = gap(cols[0], cols[1]);
    const id = CONTROL ? gap(cols[1], cols[2]) : null;
    console.log(`${view} test over seeds: ${parts.join('; ')}; same-seed |W − I| mean ${fmt(mean(wi))} max ${fmt(Math.max(...wi))}${id === null ? '' : `; |I − D| mean ${fmt(mean(id))} max ${fmt(Math.max(...id))}`}`);
  }
}
const load1 = loadavg();
console.log(`load at end ${load1.map((l) => l.toFixed(2)).join(' ')}`);
const dir = new URL('./results/', import.meta.url);
mkdirSync(dir, { recursive: true });
const file = new URL(`convAccuracy-${base.dataset}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`, dir);
writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), config: base, seeds, load: [load0, load1], results }, null, 2));
console.log(`results written to ${file.pathname}`);
