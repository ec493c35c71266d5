/**
 * One benchmark harness (tinybench) for tsdnas and its peers, all measured in this run:
 * TensorFlow.js (cpu and wasm backends), onnxruntime-node (inference rows), PyTorch through
 * Debian's python3-torch when present (a subprocess per group of cases, run right before our rows
 * of those cases; said when absent).
 *
 *   npm run bench              full run
 *   npm run bench -- --quick   fewer sizes, shorter timing
 *   npm run bench -- --quick --only=tcn --no-slow
 *                              only cases whose id starts with a listed prefix (comma-separated);
 *                              --no-slow drops the minute-long js / TF.js rows of the TCN cases
 *   TSDNAS_WASM_ISA=simd npm run bench   plain-SIMD wasm instead of relaxed SIMD (FMA)
 *   npx tsx bench/epochs.ts    whole-epoch times js vs default backend (copied into the next
 *                              results file); bench/convpath.ts: the wasm conv path per shape
 *
 * Every row prints median time, GFLOP/s, threads, the backend that actually ran (from
 * kernelStats for tsdnas), and for tsdnas rows the speed ratio to each peer measured in the same
 * run (peer median / our median: > 1 means we are faster). Results go to bench/results/<timestamp>.json.
 */

import { Bench } from 'tinybench';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import * as T from '../src/index.js';
import { rand, referenceTcn, torchMedians, tsTcn, TCN_FORWARD_FLOPS } from './tcnModel.js';

const QUICK = process.argv.includes('--quick');
const ONLY = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',').filter((p) => p !== '') ?? null;
const SLOW = !process.argv.includes('--no-slow');
const TIME_MS = QUICK ? 150 : 500;
const MIN_ITERS = QUICK ? 2 : 5;

interface Row {
  case: string;
  impl: string;
  threads: number;
  backendRan: string;
  medianMs: number;
  gflops: number | null;
  note?: string;
  ratios?: Record<string, number>;
  /** 1-minute load average when the row finished (the machine is shared) */
  load: number;
}

interface Case {
  id: string;
  label: string;
  flops: number | null;
  /** samples per call, for samples/s */
  samples?: number;
  torch?: Record<string, unknown>;
  /** a second PyTorch measurement of the same case with more threads */
  torch2?: Record<string, unknown>;
}

const rows: Row[] = [];
const skipped: string[] = [];

async function median(fn: () => unknown, heavy = false): Promise<number> {
  const bench = new Bench({
    time: heavy ? 0 : TIME_MS, iterations: heavy ? 2 : MIN_ITERS,
    warmupTime: heavy ? 0 : 50, warmupIterations: heavy ? 1 : 2, throws: true,
  });
  bench.add('x', fn as () => Promise<void>);
  await bench.run();
  const r = bench.tasks[0].result as { latency?: { p50: number } };
  if (r.latency === undefined) throw new Error('tinybench produced no latency');
  return r.latency.p50;
}

function addRow(c: Case, impl: string, threads: number, backendRan: string, ms: number, note?: string): void {
  const row: Row = { case: c.id, impl, threads, backendRan, medianMs: ms, gflops: c.flops === null ? null : c.flops / ms / 1e6, load: loadavg()[0] };
  if (note !== undefined) row.note = note;
  rows.push(row);
  const gf = row.gflops === null ? '' : ` ${row.gflops.toFixed(1)} GFLOP/s`;
  console.log(`  ${c.id.padEnd(22)} ${impl.padEnd(16)} T${threads} ${ms.toFixed(3).padStart(10)} ms${gf}  [ran: ${backendRan}]${note ? ' ' + note : ''}  load ${row.load.toFixed(2)}`);
}

// ───────────────────────────── tsdnas ─────────────────────────────

/** Run fn on the named tsdnas backend and report which backend served the heavy kernels. */
async function ours(c: Case, backend: string, threads: number, fn: () => void, heavy = false): Promise<void> {
  T.setBackend(backend);
  if (backend === 'wasm') await T.setWasmThreads(threads);
  T.resetKernelStats();
  T.setStrictBackend(false);
  const ms = await median(fn, heavy);
  const s = T.kernelStats();
  const served = Object.entries(s.calls)
    .map(([b, m]) => `${b === 'wasm' ? `wasm[${T.wasmInfo()!.isa}]` : b}:${Object.entries(m).filter(([, v]) => v > 0).map(([k]) => k).join('+')}`)
    .filter((x) => !x.endsWith(':')).join(' ');
  addRow(c, `tsdnas-${backend}`, threads, served || backend, ms);
}

function tsGemm(n: number): () => void {
  const a = rand(n * n, 1), b = rand(n * n, 2);
  const A = T.tensor(a, [n, n]), B = T.tensor(b, [n, n]);
  return () => { T.matmul(A, B); };
}

function tsConv(kind: 'conv1d' | 'conv2d', bwd: boolean): () => void {
  const x = kind === 'conv1d' ? T.tensor(rand(32 * 64 * 256, 3), [32, 64, 256]) : T.tensor(rand(32 * 32 * 32 * 32, 3), [32, 32, 32, 32]);
  const w = kind === 'conv1d' ? T.tensor(rand(64 * 64 * 3, 4), [64, 64, 3]) : T.tensor(rand(32 * 32 * 9, 4), [32, 32, 3, 3]);
  const f = () => (kind === 'conv1d' ? T.conv1d(x, w, null, { padding: 'same', dilation: 2 }) : T.conv2d(x, w, null, { padding: 1 }));
  if (!bwd) return () => { T.noGrad(f); };
  x.requiresGrad = true;
  w.requiresGrad = true;
  const y0 = T.noGrad(f);
  const g = T.onesLike(y0);
  return () => {
    x.grad = null;
    w.grad = null;
    T.backward(f(), g);
  };
}

function tsTiny(): () => void {
  const x = T.tensor(rand(64, 6), [64]);
  x.requiresGrad = true;
  const g = T.ones([64]);
  return () => {
    x.grad = null;
    T.backward(T.relu(x), g);
  };
}

// ───────────────────────────── TF.js ─────────────────────────────

type TF = typeof import('@tensorflow/tfjs');
let tf: TF | null = null;
const tfBackends: string[] = [];

async function loadTf(): Promise<void> {
  try {
    tf = await import('@tensorflow/tfjs');
    await import('@tensorflow/tfjs-backend-wasm');
    for (const b of ['cpu', 'wasm']) {
      try {
        if (await tf.setBackend(b)) { await tf.ready(); tfBackends.push(b); }
      } catch (e) {
        skipped.push(`TF.js ${b}: ${(e as Error).message}`);
      }
    }
  } catch (e) {
    skipped.push(`TF.js: ${(e as Error).message}`);
  }
}

/** Channels-last conv by im2col (shifted slices) + matMul: differentiable on every TF.js backend. */
function tfConvIm2col(t: TF, x: import('@tensorflow/tfjs').Tensor, w2: import('@tensorflow/tfjs').Tensor,
  k: number[], d: number[], pads: number[][]): import('@tensorflow/tfjs').Tensor {
  const xp = t.pad(x, [[0, 0], ...pads, [0, 0]] as [number, number][]);
  const sp = xp.shape.slice(1, -1);
  const outSp = sp.map((s, i) => s - d[i] * (k[i] - 1));
  const slices: import('@tensorflow/tfjs').Tensor[] = [];
  if (k.length === 1) {
    for (let j = 0; j < k[0]; j++) slices.push(t.slice(xp, [0, j * d[0], 0], [-1, outSp[0], -1]));
  } else {
    for (let i = 0; i < k[0]; i++) for (let j = 0; j < k[1]; j++) slices.push(t.slice(xp, [0, i * d[0], j * d[1], 0], [-1, outSp[0], outSp[1], -1]));
  }
  const cols = t.concat(slices, -1);
  const kc = cols.shape[cols.shape.length - 1]!;
  const y = t.matMul(t.reshape(cols, [-1, kc]), w2);
  return t.reshape(y, [x.shape[0], ...outSp, w2.shape[1] as number]);
}

async function peerTf(c: Case, make: (t: TF) => () => unknown, heavy = false, note?: string): Promise<void> {
  if (tf === null) return;
  for (const b of tfBackends) {
    await tf.setBackend(b);
    const t = tf;
    const run = make(t);
    const ms = await median(() => { t.tidy(() => { const r = run(); if (r instanceof Promise) return; }); }, heavy);
    addRow(c, `tfjs-${b}`, 1, `tfjs:${t.getBackend()}`, ms, note);
  }
}

function tfGemm(n: number) {
  return (t: TF) => {
    const a = t.tensor2d(rand(n * n, 1), [n, n]), b = t.tensor2d(rand(n * n, 2), [n, n]);
    return () => t.matMul(a, b).dataSync();
  };
}

function tfConv(kind: 'conv1d' | 'conv2d', bwd: boolean) {
  return (t: TF) => {
    const is1 = kind === 'conv1d';
    const x = is1 ? t.tensor3d(rand(32 * 256 * 64, 3), [32, 256, 64]) : t.tensor4d(rand(32 * 32 * 32 * 32, 3), [32, 32, 32, 32]);
    const cin = is1 ? 64 : 32, cout = cin;
    const kk = is1 ? [3] : [3, 3];
    const wNative = is1 ? t.tensor3d(rand(3 * cin * cout, 4), [3, cin, cout]) : t.tensor4d(rand(9 * cin * cout, 4), [3, 3, cin, cout]);
    const w2 = t.reshape(wNative, [-1, cout]);
    if (!bwd) {
      return () => (is1
        ? t.conv1d(x as import('@tensorflow/tfjs').Tensor3D, wNative as import('@tensorflow/tfjs').Tensor3D, 1, 'same', 'NWC', 2)
        : t.conv2d(x as import('@tensorflow/tfjs').Tensor4D, wNative as import('@tensorflow/tfjs').Tensor4D, 1, 'same')).dataSync();
    }
    const f = (xx: import('@tensorflow/tfjs').Tensor, ww: import('@tensorflow/tfjs').Tensor) =>
      tfConvIm2col(t, xx, ww, kk, is1 ? [2] : [1, 1], is1 ? [[2, 2]] : [[1, 1], [1, 1]]);
    const g = t.grads((xx: import('@tensorflow/tfjs').Tensor, ww: import('@tensorflow/tfjs').Tensor) => f(xx, ww));
    return () => { const [dx, dw] = g([x, w2]); dx.dataSync(); dw.dataSync(); };
  };
}

function tfTcn(train: boolean) {
  return (t: TF) => {
    const ws: import('@tensorflow/tfjs').Variable[] = [];
    for (const [ci, co] of [[1, 32], [32, 32], [32, 64], [64, 64]]) {
      ws.push(t.variable(t.tensor2d(rand(5 * ci * co, ci + co), [5 * ci, co]).mul(1 / Math.sqrt(5 * ci))));
      ws.push(t.variable(t.zeros([co])));
    }
    const wl = t.variable(t.tensor2d(rand(64 * 5, 9), [64, 5]).mul(0.1));
    const bl = t.variable(t.zeros([5]));
    const x = t.tensor3d(rand(64 * 512, 5), [64, 512, 1]);
    const y = t.oneHot(t.tensor1d(Array.from({ length: 64 }, (_, i) => i % 5), 'int32'), 5);
    const fwd = () => {
      let h: import('@tensorflow/tfjs').Tensor = x;
      [1, 2, 4, 8].forEach((d, i) => {
        h = t.relu(t.add(tfConvIm2col(t, h, ws[2 * i], [5], [d], [[4 * d, 0]]), ws[2 * i + 1]));
      });
      return t.add(t.matMul(t.mean(h, 1) as import('@tensorflow/tfjs').Tensor2D, wl), bl);
    };
    if (!train) return () => fwd().dataSync();
    const opt = t.train.sgd(0.01);
    return () => { opt.minimize(() => t.losses.softmaxCrossEntropy(y, fwd()) as import('@tensorflow/tfjs').Scalar, false, [...ws, wl, bl]); };
  };
}

function tfTiny() {
  return (t: TF) => {
    const x = t.tensor1d(rand(64, 6));
    const g = t.grad((v: import('@tensorflow/tfjs').Tensor) => t.relu(v));
    return () => g(x, t.onesLike(x)).dataSync();
  };
}

// ───────────────────────────── onnxruntime ─────────────────────────────

type Ort = typeof import('onnxruntime-node');
let ort: Ort | null = null;

async function peerOrt(c: Case, model: () => Uint8Array, feeds: () => Record<string, { data: Float32Array; shape: number[] }>, threads = 1): Promise<void> {
  if (ort === null) return;
  const o = ort;
  const session = await o.InferenceSession.create(model(), { intraOpNumThreads: threads, interOpNumThreads: 1, executionProviders: ['cpu'] });
  const f = Object.fromEntries(Object.entries(feeds()).map(([k, v]) => [k, new o.Tensor('float32', v.data, v.shape)]));
  const ms = await median(async () => { await session.run(f); });
  addRow(c, 'onnxruntime', threads, 'ort:cpu', ms);
}

interface ShortGraph {
  nodes: { op: string; inputs: string[]; outputs: string[]; attrs?: Record<string, number[]> }[];
  initializers: { name: string; shape: number[]; data: Float32Array }[];
  inputs: { name: string; shape: number[] }[];
  outputs: { name: string; shape: number[] }[];
}

/** A float32 ONNX model from a compact graph (integer-list attributes only), via the library's writer. */
function floatGraph(g: ShortGraph): Uint8Array {
  return T.onnx.encodeOnnxModel({
    name: 'bench',
    nodes: g.nodes.map((n, i) => ({
      ...n, name: `n${i}`,
      attrs: n.attrs && Object.fromEntries(Object.entries(n.attrs).map(([k, v]) => [k, { ints: v }])),
    })),
    initializers: g.initializers.map((t) => ({ ...t, type: 'float' as const })),
    inputs: g.inputs.map((v) => ({ ...v, type: 'float' as const })),
    outputs: g.outputs.map((v) => ({ ...v, type: 'float' as const })),
  });
}

/** The same TCN for onnxruntime, through the library's own ONNX exporter (input named 'input'). */
function onnxTcn(): Uint8Array {
  return T.onnx.encodeOnnxModel(T.onnx.moduleToOnnx(referenceTcn(), { inputShape: [1, 512] }));
}

// ───────────────────────────── PyTorch ─────────────────────────────

let torchVersion: string | null = null;
/** null once python3-torch was found missing (asked once). */
let torchPython: null | undefined;

/**
 * PyTorch rows for these cases, measured in a subprocess right before our rows of the same cases
 * (not all at the start), so that both see the same machine load on a shared machine.
 */
function runTorch(cases: Case[]): void {
  const list = [
    ...cases.filter((c) => c.torch !== undefined).map((c) => ({ id: c.id, ...c.torch })),
    ...cases.filter((c) => c.torch2 !== undefined).map((c) => ({ id: `${c.id}@2`, ...c.torch2 })),
  ];
  if (list.length === 0) return;
  if (torchPython === null) return;
  const out = torchMedians(list, TIME_MS / 1000, MIN_ITERS);
  if ('missing' in out) {
    if (!skipped.some((x) => x.startsWith('PyTorch'))) skipped.push(`PyTorch: ${out.missing}`);
    if (out.missing.startsWith('python3-torch')) torchPython = null;
    return;
  }
  torchVersion = out.version;
  for (const c of cases) {
    const ms = out.results[c.id];
    if (ms !== undefined) addRow(c, 'pytorch', (c.torch?.threads as number | undefined) ?? 1, `torch ${torchVersion}`, ms);
    const ms2 = out.results[`${c.id}@2`];
    if (ms2 !== undefined) addRow(c, 'pytorch', (c.torch2?.threads as number | undefined) ?? 2, `torch ${torchVersion}`, ms2);
  }
}

// ───────────────────────────── main ─────────────────────────────

/** The issue's done-when figures, read off this run's rows (ratios measured in the same run). */
function doneWhen(): Record<string, string> {
  const find = (c: string, impl: string, t: number) => rows.find((r) => r.case === c && r.impl === impl && r.threads === t);
  const ratio = (c: string, impl: string, t: number, peer: string) => find(c, impl, t)?.ratios?.[peer];
  const f = (v: number | undefined, d = 2) => (v === undefined ? 'n/a' : v.toFixed(d));
  const out: Record<string, string> = {};
  for (const n of [128, 256, 512, 1024]) {
    const v = ratio(`gemm-${n}`, 'tsdnas-wasm', 1, 'tfjs-wasm-T1');
    if (v !== undefined) out[`GEMM ${n}, 1 thread, × TF.js-wasm (target ≥ 0.8)`] = f(v);
  }
  const g1 = find('gemm-1024', 'tsdnas-wasm', 1), g2 = find('gemm-1024-2t', 'tsdnas-wasm', 2);
  if (g1 && g2) out['GEMM 1024, 2 threads ÷ 1 thread (target ≥ 1.7)'] = f(g1.medianMs / g2.medianMs);
  out['conv1d fwd+bwd GFLOP/s, 1 thread (target ≥ 20)'] = f(find('conv1d-fwdbwd', 'tsdnas-wasm', 1)?.gflops ?? undefined, 1);
  for (const t of [1, 2]) {
    out[`TCN train step, ${t} thread(s), × TF.js-cpu (target ≥ 50)`] = f(ratio('tcn-train-step', 'tsdnas-wasm', t, 'tfjs-cpu-T1'), 1);
    out[`TCN train step, ${t} thread(s), × PyTorch ${t} thread(s) (target ≥ 0.4)`] = f(ratio('tcn-train-step', 'tsdnas-wasm', t, `pytorch-T${t}`));
  }
  const tiny = find('op64-fwdbwd', 'tsdnas-wasm', 1);
  out['64-element op fwd+bwd on the default backend, µs (target ≤ 3)'] = tiny ? (tiny.medianMs * 1000).toFixed(2) : 'n/a';
  return out;
}

/** The newest bench/epochs.ts results (whole-epoch times js vs default), if any. */
function latestEpochs(): unknown {
  try {
    const dir = new URL('./results/', import.meta.url);
    const files = readdirSync(dir).filter((f) => f.startsWith('epochs-') && f.endsWith('.json')).sort();
    if (files.length === 0) return null;
    return { file: `bench/results/${files[files.length - 1]}`, ...JSON.parse(readFileSync(new URL(files[files.length - 1], dir), 'utf8')) };
  } catch {
    return null;
  }
}

async function main(): Promise<void> {
  const loadStart = loadavg();
  const choice = T.useFastestBackend();
  const wasmInfo = T.wasmInfo();
  console.log(`tsdnas bench${QUICK ? ' (quick)' : ''}: default backend ${choice.backend}${choice.reason ? ` (${choice.reason})` : ''}; wasm ${JSON.stringify(wasmInfo)}`);
  console.log(`node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? '?'}); machine is shared: compare ratios within this run`);
  await loadTf();
  try {
    ort = await import('onnxruntime-node');
  } catch (e) {
    skipped.push(`onnxruntime-node: ${(e as Error).message}`);
  }
  const maxThreads = Math.min(2, cpus().length);
  let gpujs = false;
  try {
    const gp = await T.createGpujsBackend('webasm');
    T.registerBackend(gp);
    gpujs = true;
  } catch (e) {
    skipped.push(`tsdnas gpujs backend: ${(e as Error).message}`);
  }

  const gemmSizes = QUICK ? [256, 1024] : [128, 256, 512, 1024];
  const cases: Case[] = [];
  const plan: (() => Promise<void>)[] = [];
  /** Cases registered so far that --only selects (all when --only is absent). */
  const wanted = (...ids: string[]) => ONLY === null || ids.some((id) => ONLY.some((p) => id.startsWith(p)));

  for (const n of gemmSizes) {
    const c: Case = { id: `gemm-${n}`, label: `GEMM ${n}³`, flops: 2 * n ** 3, torch: { kind: 'gemm', n, threads: 1 } };
    const c2: Case = { id: `gemm-${n}-2t`, label: `GEMM ${n}³ 2 threads`, flops: 2 * n ** 3, torch: { kind: 'gemm', n, threads: maxThreads } };
    cases.push(c, c2);
    if (wanted(c.id, c2.id)) plan.push(async () => {
      runTorch([c, c2]);
      await ours(c, 'wasm', 1, tsGemm(n));
      if (!QUICK || n <= 256) await ours(c, 'js', 1, tsGemm(n), n >= 512);
      if (gpujs && n <= 256) await ours(c, 'gpujs', 1, tsGemm(n), true);
      await peerTf(c, tfGemm(n), n >= 512);
      await peerOrt(c, () => floatGraph({ nodes: [{ op: 'MatMul', inputs: ['a', 'b'], outputs: ['y'] }], initializers: [], inputs: [{ name: 'a', shape: [n, n] }, { name: 'b', shape: [n, n] }], outputs: [{ name: 'y', shape: [n, n] }] }),
        () => ({ a: { data: rand(n * n, 1), shape: [n, n] }, b: { data: rand(n * n, 2), shape: [n, n] } }));
      await ours(c2, 'wasm', maxThreads, tsGemm(n));
      await peerOrt(c2, () => floatGraph({ nodes: [{ op: 'MatMul', inputs: ['a', 'b'], outputs: ['y'] }], initializers: [], inputs: [{ name: 'a', shape: [n, n] }, { name: 'b', shape: [n, n] }], outputs: [{ name: 'y', shape: [n, n] }] }),
        () => ({ a: { data: rand(n * n, 1), shape: [n, n] }, b: { data: rand(n * n, 2), shape: [n, n] } }), maxThreads);
    });
  }

  const conv1dF = 2 * 32 * 64 * 64 * 3 * 256;
  const conv2dF = 2 * 32 * 32 * 32 * 9 * 32 * 32;
  for (const kind of ['conv1d', 'conv2d'] as const) {
    const fl = kind === 'conv1d' ? conv1dF : conv2dF;
    for (const bwd of [false, true]) {
      const c: Case = { id: `${kind}-${bwd ? 'fwdbwd' : 'fwd'}`, label: '', flops: bwd ? 3 * fl : fl, torch: { kind, bwd, threads: 1 } };
      cases.push(c);
      if (wanted(c.id)) plan.push(async () => {
        runTorch([c]);
        await ours(c, 'wasm', 1, tsConv(kind, bwd));
        if (!QUICK) await ours(c, 'wasm', maxThreads, tsConv(kind, bwd));
        if (!QUICK) await ours(c, 'js', 1, tsConv(kind, bwd), true);
        if (gpujs && kind === 'conv1d') await ours(c, 'gpujs', 1, tsConv(kind, bwd), true);
        await peerTf(c, tfConv(kind, bwd), true, bwd ? '(im2col+matMul conv: TF.js lacks dilated/wasm conv gradients)' : '(native conv)');
        if (!bwd) {
          const is1 = kind === 'conv1d';
          await peerOrt(c, () => floatGraph({
            nodes: [{ op: 'Conv', inputs: ['x', 'w'], outputs: ['y'], attrs: (is1 ? { dilations: [2], kernel_shape: [3], pads: [2, 2] } : { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }) as Record<string, number[]> }],
            initializers: [{ name: 'w', shape: is1 ? [64, 64, 3] : [32, 32, 3, 3], data: rand(is1 ? 64 * 64 * 3 : 32 * 32 * 9, 4) }],
            inputs: [{ name: 'x', shape: is1 ? [32, 64, 256] : [32, 32, 32, 32] }],
            outputs: [{ name: 'y', shape: is1 ? [32, 64, 256] : [32, 32, 32, 32] }],
          }), () => ({ x: { data: rand(is1 ? 32 * 64 * 256 : 32 * 32 * 32 * 32, 3), shape: is1 ? [32, 64, 256] : [32, 32, 32, 32] } }));
        }
      });
    }
  }

  // TCN: per sample, conv MACs = 512·5·(1·32 + 32·32 + 32·64 + 64·64); training ≈ 3× forward.
  const tcnFwd = TCN_FORWARD_FLOPS;
  const tcnTrain: Case = { id: 'tcn-train-step', label: '', flops: 3 * tcnFwd, samples: 64, torch: { kind: 'tcnTrain', threads: 1 }, torch2: { kind: 'tcnTrain', threads: maxThreads } };
  const tcnInfer: Case = { id: 'tcn-inference', label: '', flops: tcnFwd, samples: 64, torch: { kind: 'tcnInfer', threads: 1 }, torch2: { kind: 'tcnInfer', threads: maxThreads } };
  cases.push(tcnTrain, tcnInfer);
  if (wanted(tcnTrain.id, tcnInfer.id)) plan.push(async () => {
    runTorch([tcnTrain, tcnInfer]);
    await ours(tcnTrain, 'wasm', 1, tsTcn(true));
    await ours(tcnTrain, 'wasm', maxThreads, tsTcn(true));
    if (SLOW) await ours(tcnTrain, 'js', 1, tsTcn(true), true);
    if (SLOW) await peerTf(tcnTrain, tfTcn(true), true, '(im2col+matMul convs)');
    await ours(tcnInfer, 'wasm', 1, tsTcn(false));
    await ours(tcnInfer, 'wasm', maxThreads, tsTcn(false));
    if (SLOW) await peerTf(tcnInfer, tfTcn(false), true, '(im2col+matMul convs)');
    await peerOrt(tcnInfer, onnxTcn, () => ({ input: { data: rand(64 * 512, 5), shape: [64, 1, 512] } }));
  });

  const tiny: Case = { id: 'op64-fwdbwd', label: '', flops: null, torch: { kind: 'tiny', threads: 1 } };
  cases.push(tiny);
  if (wanted(tiny.id)) plan.push(async () => {
    runTorch([tiny]);
    await ours(tiny, 'wasm', 1, tsTiny());
    await ours(tiny, 'js', 1, tsTiny());
    await peerTf(tiny, tfTiny());
  });

  for (const step of plan) await step();
  await T.setWasmThreads(1);
  T.setBackend('js');

  // Ratios: for each tsdnas row, peer median / our median (> 1: tsdnas faster), peers of the same case.
  const peers = rows.filter((r) => !r.impl.startsWith('tsdnas'));
  for (const r of rows.filter((x) => x.impl.startsWith('tsdnas'))) {
    r.ratios = {};
    for (const p of peers.filter((x) => x.case === r.case)) r.ratios[`${p.impl}-T${p.threads}`] = p.medianMs / r.medianMs;
  }

  console.log('\n| case | impl | threads | median ms | GFLOP/s | samples/s | ratio vs peers (peer time / ours) | ran | load |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  const order = cases.map((c) => c.id);
  rows.sort((a, b) => order.indexOf(a.case) - order.indexOf(b.case));
  for (const r of rows) {
    const c = cases.find((x) => x.id === r.case)!;
    const sps = c.samples ? (c.samples / r.medianMs * 1000).toFixed(0) : '';
    const ratios = r.ratios ? Object.entries(r.ratios).map(([k, v]) => `${k} ${v.toFixed(2)}×`).join(', ') : '';
    console.log(`| ${r.case} | ${r.impl} | ${r.threads} | ${r.medianMs < 0.1 ? r.medianMs.toFixed(4) : r.medianMs.toFixed(2)} | ${r.gflops === null ? '' : r.gflops.toFixed(1)} | ${sps} | ${ratios} | ${r.backendRan}${r.note ? ' ' + r.note : ''} | ${r.load.toFixed(2)} |`);
  }
  for (const s of skipped) console.log(`skipped: ${s}`);
  const loadEnd = loadavg();
  const done = doneWhen();
  console.log(`\ndone-when figures (machine load average at start ${loadStart.map((v) => v.toFixed(2)).join(' ')}, at end ${loadEnd.map((v) => v.toFixed(2)).join(' ')}):`);
  for (const [k, v] of Object.entries(done)) console.log(`  ${k}: ${v}`);
  const epochs = latestEpochs();
  if (epochs !== null) console.log(`whole-epoch times (js vs default backend) from ${(epochs as { file: string }).file} are copied into the results file`);

  const dir = new URL('./results/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  const file = new URL(`${new Date().toISOString().replace(/[:.]/g, '-')}.json`, dir);
  writeFileSync(file, JSON.stringify({
    date: new Date().toISOString(), quick: QUICK, node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model,
    defaultBackend: choice, wasm: wasmInfo, torch: torchVersion, tfjsBackends: tfBackends, skipped,
    loadAverage: { start: loadStart, end: loadEnd }, doneWhen: done, rows, epochTimes: epochs,
  }, null, 2));
  console.log(`results written to ${file.pathname}`);
}

await main();
