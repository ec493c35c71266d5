/**
 * The `wasm` backend: float32 GEMM, convolution (forward, dX, dW by im2col/col2im + GEMM, all in
 * WebAssembly SIMD) and ReLU, behind the same typed contracts as `js`.
 *
 * Only float32 runs in wasm. A call with any other operand type (float64 gradient checks,
 * integer emulation) is handed to the js reference through `recordFallback`, so it shows in
 * kernelStats().fallbacks / fallbackReasons and throws in strict mode — never silently.
 * Kernels this backend does not implement fall back through the dispatcher, also recorded.
 */

import type { TypedArray } from '../../tensor/dtype.js';
import type { Backend, BinaryOp, ConvGeom, KernelName, KernelSet, PoolGeom, QuantRounding, ReduceOp, StridedOperand, UnaryOp } from '../contracts.js';
import { collapseBroadcast } from '../js/elementwise.js';
import { allFloat32, float32Reason } from '../float32Only.js';
import { recordFallback } from '../dispatch.js';
import { batchNormFactors } from '../js/batchnorm.js';
import { depthwiseBackward, depthwiseFlatApplies, depthwiseForward } from './depthwise.js';
import { chosenPath, recordChoice, wasmConvPathPolicy, type ConvPath } from './pathChoice.js';
export type { ConvPath } from './pathChoice.js';
import { jsKernels } from '../js/index.js';
import { wasmRuntime, type WasmInfo, type WasmRuntime } from './runtime.js';
import { inputGradGeom, winogradApplies, winoMatrices, winoSplit, winoWeightGradMatrices } from './winograd.js';
import { inputGradGeom2d, layoutWino2d, layoutWino2dWeightGrad, wino2dApplies } from './winograd2d.js';
import { wino2dTile } from './winograd2d4.js';

export { setWasmIsa, type WasmIsaRequest } from './runtime.js';

export const WASM_BACKEND = 'wasm';

/** Multiply-adds above which a GEMM / conv is split over the worker threads. */
export const THREAD_MIN_MACS = 1 << 21;

function delegate<K extends KernelName>(name: K, reason: string): KernelSet[K] {
  recordFallback(WASM_BACKEND, name, reason);
  return jsKernels[name];
}

let rt: WasmRuntime | null = null;
function R(): WasmRuntime {
  if (rt === null) {
    rt = wasmRuntime();
    if (rt === null) throw new Error('wasm backend: WebAssembly SIMD is not available in this engine');
  }
  return rt;
}

/**
 * Multiply-adds below which a split kernel runs its slices one after another on the calling
 * thread instead of waking the workers: waking a worker costs ≈ 0.5–0.7 ms on the 2-vCPU VM
 * measured (docs/kernels.md), more than such a slice takes. The slices stay the same (they fix
 * the bits), only who runs them changes.
 */
export const WAKE_MIN_MACS = 1 << 24;

/** Number of threads to use for a kernel of `macs` multiply-adds. */
function threadsFor(r: WasmRuntime, macs: number): number {
  return macs >= THREAD_MIN_MACS ? r.threads : 1;
}

function gemm(
  transA: boolean, transB: boolean, m: number, n: number, k: number, alpha: number,
  a: TypedArray, aOff: number, lda: number,
  b: TypedArray, bOff: number, ldb: number,
  beta: number, c: TypedArray, cOff: number, ldc: number,
): void {
  if (!allFloat32(a, b, c)) {
    delegate('gemm', float32Reason('wasm', a, b, c))(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    return;
  }
  if (m === 0 || n === 0) return;
  const r = R();
  const aRows = transA ? k : m, aCols = transA ? m : k;
  const bRows = transB ? n : k, bCols = transB ? k : n;
  const aLen = k === 0 ? 0 : (aRows - 1) * lda + aCols;
  const bLen = k === 0 ? 0 : (bRows - 1) * ldb + bCols;
  const cLen = (m - 1) * ldc + n;
  let nt = threadsFor(r, m * n * k);
  if (n < 64) nt = 1;
  r.reset();
  const pa = r.alloc(aLen);
  const pb = r.alloc(bLen);
  const pc = r.alloc(cLen);
  const packs: number[] = [];
  for (let t = 0; t < nt; t++) packs.push(r.alloc(r.packBytes / 4));
  r.commit();
  const mem = r.f32;
  if (aLen > 0) mem.set(a.subarray(aOff, aOff + aLen), pa >> 2);
  if (bLen > 0) mem.set(b.subarray(bOff, bOff + bLen), pb >> 2);
  if (beta !== 0 || ldc !== n) mem.set(c.subarray(cOff, cOff + cLen), pc >> 2);
  const sai = transA ? 1 : lda, sap = transA ? lda : 1;
  const sbp = transB ? 1 : ldb, sbj = transB ? ldb : 1;
  // Column split in multiples of 8 (the panel width): each thread packs only its own columns.
  const slices: number[][] = [];
  const per = Math.ceil(n / nt / 8) * 8;
  for (let t = 0; t < nt; t++) {
    const j0 = t * per;
    const nn = Math.min(n, j0 + per) - j0;
    if (nn <= 0) break;
    slices.push([m, nn, k, alpha, pa, sai, sap, pb + j0 * sbj * 4, sbp, sbj, beta, pc + j0 * 4, ldc, packs[t]]);
  }
  r.run('gemm', slices, m * n * k < WAKE_MIN_MACS);
  c.set(r.f32.subarray(pc >> 2, (pc >> 2) + cLen), cOff);
}

const GEOM_WORDS = 18;

function writeGeom(r: WasmRuntime, p: number, g: ConvGeom): void {
  const v = r.i32;
  const o = p >> 2;
  const words = [g.n, g.cin, g.h, g.w, g.cout, g.kh, g.kw, g.sh, g.sw, g.dh, g.dw, g.padTop, g.padLeft, g.groups, g.ho, g.wo, g.padBottom, g.padRight];
  for (let i = 0; i < GEOM_WORDS; i++) v[o + i] = words[i];
}

function isPointwise(g: ConvGeom): boolean {
  return g.kh === 1 && g.kw === 1 && g.sh === 1 && g.sw === 1 &&
    g.padTop === 0 && g.padBottom === 0 && g.padLeft === 0 && g.padRight === 0;
}

let convPathOverride: ConvPath | null = null;
/** Set while ensureMeasured times the paths of a shape (its own conv calls must not measure). */
let measuring = false;

/**
 * Force one convolution path for every shape (benchmarks and tests), or null for the per-shape
 * rule. All paths are exact to float32 rounding; they sum in different orders ('winograd' also
 * transforms, see winograd.ts; forced on a shape it cannot run, the rule's path runs instead).
 */
export function setWasmConvPath(path: ConvPath | null): void {
  convPathOverride = path;
}

/**
 * im2col + GEMM or direct tap loops, per shape. The rule is fixed (not timed at run time) so a
 * run is reproducible bit for bit. Measured with bench/convpath.ts (table in docs/kernels.md):
 * grouped convs with one input channel per group (depthwise, any multiplier) go direct — their
 * per-group GEMMs have K = kh·kw and one output row, so packing dominates (dX and dW up to 20–40×
 * slower); 1-D convs with stride 1, one group and ≥ 8 channels each side go by Winograd F(4, k)
 * (winograd.ts: 2.5× fewer multiply-adds for k = 5; longer kernels in segments of ≤ 5 taps, 2.25×
 * for k = 9); everything else, even a first layer with cin = 1, is faster as im2col + GEMM.
 */
export function convPath(g: ConvGeom): ConvPath {
  // 2-D 3×3 stride-1 convs with ≥ 8 channels each side: Winograd F(2×2, 3×3) (winograd2d.ts;
  // measured 1.4–2.3× faster than im2col on every ResNet8 / cnn-small shape, docs/kernels.md), or
  // F(4×4, 3×3) where outputs are ≥ 14 × 14 (winograd2d4.ts: wino2dTile, another 1.2–1.3×).
  if (convPathOverride === 'winograd') return winogradApplies(g) || wino2dApplies(g) ? 'winograd' : ruleConvPath(g);
  if (convPathOverride !== null) return convPathOverride;
  if (wasmConvPathPolicy() === 'measure') {
    const chosen = chosenPath(g);
    if (chosen !== undefined) return chosen;
  }
  return winogradApplies(g) || wino2dApplies(g) ? 'winograd' : ruleConvPath(g);
}

/** The paths that can run a shape: im2col always, Winograd where it applies, direct tap loops for grouped convs. */
function pathCandidates(g: ConvGeom): ConvPath[] {
  const out: ConvPath[] = ['im2col'];
  if (winogradApplies(g) || wino2dApplies(g)) out.push('winograd');
  if (g.groups > 1) out.push('direct');
  return out;
}

/**
 * In 'measure' mode, the first call on a shape times every candidate path on random data of that
 * shape (forward, then dX + dW + bias; the best of three after a warm-up) and records the fastest
 * (pathChoice.ts). Runs before the calling kernel lays out its operands, so the nested calls
 * cannot clobber them.
 */
function ensureMeasured(g: ConvGeom): void {
  if (wasmConvPathPolicy() !== 'measure' || convPathOverride !== null || measuring || chosenPath(g) !== undefined) return;
  const candidates = pathCandidates(g);
  if (candidates.length === 1) {
    recordChoice(g, candidates[0], {});
    return;
  }
  measuring = true;
  const fill = (n: number) => {
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) a[i] = ((i * 2654435761) % 1000) / 500 - 1; // fixed pseudo-random values
    return a;
  };
  const x = fill(g.n * g.cin * g.h * g.w);
  const w = fill(g.cout * (g.cin / g.groups) * g.kh * g.kw);
  const b = fill(g.cout);
  const y = new Float32Array(g.n * g.cout * g.ho * g.wo);
  const dx = new Float32Array(x.length);
  const dw = new Float32Array(w.length);
  const db = new Float32Array(g.cout);
  const ms: Partial<Record<ConvPath, number>> = {};
  try {
    for (const path of candidates) {
      convPathOverride = path;
      let best = Infinity;
      for (let rep = 0; rep < 4; rep++) {
        const t0 = performance.now();
        convForward(x, w, b, y, g, false);
        convBackward(x, w, y, dx, dw, db, g, null);
        if (rep > 0) best = Math.min(best, performance.now() - t0);
      }
      ms[path] = best;
    }
  } finally {
    convPathOverride = null;
    measuring = false;
  }
  const fastest = candidates.reduce((a, c) => ((ms[c] as number) < (ms[a] as number) ? c : a));
  recordChoice(g, fastest, ms);
}

function ruleConvPath(g: ConvGeom): ConvPath {
  if (isPointwise(g)) return 'im2col'; // a pointwise conv is a plain GEMM, no im2col at all
  return g.groups > 1 && g.cin === g.groups ? 'direct' : 'im2col';
}

/** Whether dX of this conv goes by Winograd (its transposed conv must exist too). */
function winogradInputGrad(g: ConvGeom): boolean {
  return convPath(g) === 'winograd' && (g.kh > 1 ? wino2dApplies(g, true) : winogradApplies(g, true));
}

interface ConvPlan {
  nt: number;
  /** sample ranges per thread */
  ranges: [number, number][];
  colFloats: number;
  direct: boolean;
  /** Run the slices on the calling thread (see WAKE_MIN_MACS). */
  inline: boolean;
}

function planConv(r: WasmRuntime, g: ConvGeom): ConvPlan {
  const K = (g.cin / g.groups) * g.kh * g.kw;
  const P = g.ho * g.wo;
  const macs = g.n * g.cout * K * P;
  const nt = Math.min(threadsFor(r, macs), g.n);
  const ranges: [number, number][] = [];
  for (let t = 0; t < nt; t++) {
    const s0 = Math.floor((t * g.n) / nt);
    const s1 = Math.floor(((t + 1) * g.n) / nt);
    if (s1 > s0) ranges.push([s0, s1]);
  }
  const direct = convPath(g) === 'direct';
  return { nt: ranges.length, ranges, colFloats: isPointwise(g) || direct ? 0 : K * P, direct, inline: macs < WAKE_MIN_MACS };
}

const WINO_WORDS = 20; // convWinograd's 17 words, plus the weight-gradient block of convWinoBackwardBoth
/** Floats of V (or M) one Winograd chunk may take per thread: ≈ 1 MiB, so a chunk stays in L2. */
const WINO_CHUNK_FLOATS = 1 << 18;

/**
 * Sizes shared by a Winograd forward / dX call and a weight gradient on geometry g: the kernel
 * split, the transform matrices, the GEMM depth over all segments, tiles per sample, and the
 * samples per chunk (so that V or M stays within WINO_CHUNK_FLOATS).
 */
function winoShape(r: WasmRuntime, g: ConvGeom) {
  const { rw, segs } = winoSplit(g.kw);
  const m = winoMatrices(rw);
  const kin = segs * g.cin; // every kernel segment reads as cin more input channels
  const ts = r.exports.winoTiles(g.wo, g.dw);
  const chunk = Math.max(1, Math.floor(WINO_CHUNK_FLOATS / (m.alpha * Math.max(kin, g.cout) * ts)));
  return { rw, segs, m, kin, ts, chunk };
}

/**
 * Lays out a Winograd call (see convWinograd in assembly/kernels.ts): the transformed weights and
 * the two matrices once, then per thread a parameter block, V, M, the gather row and a pack. `gw`
 * is the geometry of the conv it runs (dX's transposed one for the input gradient). Returns the
 * parameter blocks (byte offsets) and a function that fills them after commit().
 */
function layoutWinograd(r: WasmRuntime, gw: ConvGeom, ranges: [number, number][], extraWords: (t: number) => number[]) {
  const { rw, segs, m, kin, ts, chunk } = winoShape(r, gw);
  const pu = r.alloc(m.alpha * gw.cout * kin);
  const pws = r.alloc(gw.cout * gw.cin * gw.kw); // the untransformed weights
  const pgm = r.alloc(2 * m.alpha * rw); // G, float64
  const pbt = r.alloc(64);
  const pat = r.alloc(32);
  const pgw = r.alloc(GEOM_WORDS);
  const blocks = ranges.map(() => ({
    p: r.alloc(WINO_WORDS),
    v: r.alloc(m.alpha * kin * chunk * ts),
    m: r.alloc(m.alpha * gw.cout * chunk * ts),
    xs: r.alloc(gw.wo + 16),
    pack: r.alloc(r.packBytes / 4),
  }));
  /** Fill after commit(): x, bias, out are byte offsets; w the untransformed weights. */
  const fill = (x: number, w: TypedArray, flip: boolean, bias: number, out: number, act: number): number[] => {
    writeGeom(r, pgw, gw);
    // U from the conv's own weights [cout, cin, 1, k] (flip: dX's transposed kernel).
    const wc = flip ? gw.cin : gw.cout, wi = flip ? gw.cout : gw.cin;
    r.f32.set(w.length === wc * wi * gw.kw ? w : w.subarray(0, wc * wi * gw.kw), pws >> 2);
    new Float64Array(r.f32.buffer, pgm, m.alpha * rw).set(m.g);
    wx(r).winoWeightsF64(pws, wc, wi, gw.kw, flip ? 1 : 0, pgm, m.alpha, rw, segs, pu);
    r.f32.set(m.bt, pbt >> 2);
    r.f32.set(m.at, pat >> 2);
    return blocks.map((b, t) => {
      const words = [x, pu, bias, out, pgw, b.v, b.m, b.pack, b.xs, ranges[t][0], ranges[t][1], act, pbt, pat, chunk, rw, segs, ...extraWords(t)];
      r.i32.set(words, b.p >> 2);
      return b.p;
    });
  };
  return { fill };
}

/**
 * Lays out the Winograd weight gradient (convWinoWeightGrad in assembly/kernels.ts): per thread a
 * parameter block, the transform-domain accumulator Wt[ξ][cout][cin], V, D, the gather row and a
 * pack. `fill` writes the blocks after commit(); `finish` adds the threads' Wt (in thread order)
 * and applies A'ᵀ in float64 into dw [cout, cin, 1, k].
 */
function layoutWinoWeightGrad(r: WasmRuntime, g: ConvGeom, ranges: [number, number][]) {
  const { rw, segs, m, kin, ts, chunk } = winoShape(r, g);
  const mw = winoWeightGradMatrices(rw);
  const wtLen = m.alpha * g.cout * kin;
  const pacc = r.alloc(2 * g.cout * g.cin * g.kw); // A'ᵀ·Wt, float64
  const pat = r.alloc(2 * rw * m.alpha);
  const pbt = r.alloc(64);
  const pgd = r.alloc(32);
  const pgw = r.alloc(GEOM_WORDS);
  const per = ranges.map(() => ({
    p: r.alloc(15),
    wt: r.alloc(wtLen),
    v: r.alloc(m.alpha * kin * chunk * ts),
    dt: r.alloc(m.alpha * g.cout * chunk * ts),
    xs: r.alloc(Math.max(g.w, g.wo) + 16),
    pack: r.alloc(r.packBytes / 4),
  }));
  const fill = (x: number, dy: number): void => {
    writeGeom(r, pgw, g);
    r.f32.set(m.bt, pbt >> 2);
    r.f32.set(mw.gd, pgd >> 2);
    per.forEach((b, t) => {
      r.f32.fill(0, b.wt >> 2, (b.wt >> 2) + wtLen);
      r.i32.set([x, dy, b.wt, pgw, b.v, b.dt, b.pack, b.xs, ranges[t][0], ranges[t][1], pbt, pgd, chunk, rw, segs], b.p >> 2);
    });
  };
  const finish = (dw: TypedArray): void => {
    for (let t = 1; t < per.length; t++) r.exports.addInto(per[0].wt, per[t].wt, wtLen);
    new Float64Array(r.f32.buffer, pat, rw * m.alpha).set(mw.at.flat());
    wx(r).winoWeightGradOutF64(per[0].wt, g.cout, g.cin, g.kw, pat, m.alpha, rw, segs, pacc);
    dw.set(new Float64Array(r.f32.buffer, pacc, g.cout * g.cin * g.kw));
  };
  return { blocks: per.map((b) => b.p), fill, finish };
}

function convForward(x: TypedArray, w: TypedArray, bias: TypedArray | null, out: TypedArray, g: ConvGeom, relu = false): void {
  if (!allFloat32(x, w, bias, out)) {
    delegate('convForward', float32Reason('wasm', x, w, bias, out))(x, w, bias, out, g, relu);
    return;
  }
  ensureMeasured(g);
  if (convPath(g) === 'direct' && depthwiseFlatApplies(g)) {
    depthwiseForward(R(), x, w, bias, out, g, relu); // flat padded planes (depthwise.ts)
    return;
  }
  const r = R();
  const plan = planConv(r, g);
  if (convPath(g) === 'winograd') {
    r.reset();
    const px = r.alloc(x.length);
    const pbias = bias === null ? 0 : r.alloc(bias.length);
    const po = r.alloc(out.length);
    const two = g.kh > 1; // 2-D F(2×2, 3×3) or F(4×4, 3×3) (winograd2d.ts, winograd2d4.ts), else 1-D F(4, k)
    const tile = two ? wino2dTile(g) : 2;
    const wino = two ? layoutWino2d(r, g, plan.ranges, () => [], tile) : layoutWinograd(r, g, plan.ranges, () => []);
    r.commit();
    r.f32.set(x, px >> 2);
    if (bias !== null) r.f32.set(bias, pbias >> 2);
    const blocks = wino.fill(px, w, false, pbias, po, relu ? 1 : 0);
    r.run(two ? (tile === 4 ? 'convWino2d4' : 'convWino2d') : 'convWinograd', blocks.map((b) => [b]), plan.inline);
    out.set(r.f32.subarray(po >> 2, (po >> 2) + out.length));
    return;
  }
  r.reset();
  const pg = r.alloc(GEOM_WORDS);
  const px = r.alloc(x.length);
  const pw = r.alloc(w.length);
  const pbias = bias === null ? 0 : r.alloc(bias.length);
  const po = r.alloc(out.length);
  const scratch = plan.direct ? [] : plan.ranges.map(() => [r.alloc(plan.colFloats), r.alloc(r.packBytes / 4)]);
  r.commit();
  writeGeom(r, pg, g);
  const mem = r.f32;
  mem.set(x, px >> 2);
  mem.set(w, pw >> 2);
  if (bias !== null) mem.set(bias, pbias >> 2);
  const act = relu ? 1 : 0; // ReLU per sample inside each thread's slice
  if (plan.direct) r.run('convForwardDirect', plan.ranges.map(([s0, s1]) => [px, pw, pbias, po, pg, s0, s1, act]), plan.inline);
  else r.run('convForward', plan.ranges.map(([s0, s1], t) => [px, pw, pbias, po, pg, scratch[t][0], scratch[t][1], s0, s1, act]), plan.inline);
  out.set(r.f32.subarray(po >> 2, (po >> 2) + out.length));
}

/**
 * All conv gradients in one visit to wasm memory: dy is copied in once, x only when dW is
 * wanted, w only when dX is; then the same dX and dW jobs as the two separate kernels run, so the
 * bits equal theirs, and the bias gradient is summed from the resident dy (float64 chains in the
 * js reference's order: the same bits as sumOuterInner). A fused ReLU's mask is applied to the
 * resident dy (reluGrad in place), so its gradient costs one copy-in and one pass.
 */
function convBackward(
  x: TypedArray, w: TypedArray, dy: TypedArray, dx: TypedArray | null, dw: TypedArray | null, db: TypedArray | null, g: ConvGeom,
  reluOut: TypedArray | null = null,
): void {
  if (!allFloat32(x, w, dy, dx, dw, db, reluOut)) {
    delegate('convBackward', float32Reason('wasm', x, w, dy, dx, dw, db, reluOut))(x, w, dy, dx, dw, db, g, reluOut);
    return;
  }
  ensureMeasured(g);
  if (dx === null && dw === null && db === null) return;
  if (convPath(g) === 'direct' && depthwiseFlatApplies(g)) {
    depthwiseBackward(R(), x, w, dy, dx, dw, db, g, reluOut); // flat padded planes (depthwise.ts)
    return;
  }
  const r = R();
  const plan = planConv(r, g);
  // Winograd for dX (on the transposed conv) and for dW, each where it applies (winograd.ts).
  const winoDx = dx !== null && winogradInputGrad(g);
  const winoDw = dw !== null && convPath(g) === 'winograd';
  r.reset();
  const pg = r.alloc(GEOM_WORDS);
  const pdy = r.alloc(dy.length);
  const pw = dx === null || winoDx ? 0 : r.alloc(w.length);
  const pdx = dx === null ? 0 : r.alloc(dx.length);
  const px = dw === null ? 0 : r.alloc(x.length);
  // One dW accumulator per thread (im2col path); thread 0's is the output.
  const pdws = dw === null || winoDw ? [] : plan.ranges.map(() => r.alloc(dw.length));
  const pdb = db === null ? 0 : r.alloc(db.length);
  const pmask = reluOut === null ? 0 : r.alloc(dy.length);
  // im2col scratch only for a gradient that does not go by Winograd.
  const im2colUsed = !plan.direct && ((dx !== null && !winoDx) || (dw !== null && !winoDw));
  const scratch = im2colUsed ? plan.ranges.map(() => [r.alloc(plan.colFloats), r.alloc(r.packBytes / 4)]) : [];
  const two = g.kh > 1; // 2-D F(2×2, 3×3) or F(4×4, 3×3) (winograd2d.ts, winograd2d4.ts), else 1-D F(4, k)
  // One tile for dX and dW (convWino2d[4]BackwardBoth runs both in one job).
  const tile = two && (winoDx || winoDw) ? wino2dTile(g) : 2;
  const w2 = tile === 4 ? 'convWino2d4' : 'convWino2d';
  const wdw = !winoDw ? null : two ? layoutWino2dWeightGrad(r, g, plan.ranges, tile) : layoutWinoWeightGrad(r, g, plan.ranges);
  const dxExtra = (t: number) => (wdw === null ? [] : [wdw.blocks[t]]);
  const wdx = !winoDx ? null : two ? layoutWino2d(r, inputGradGeom2d(g), plan.ranges, dxExtra, tile) : layoutWinograd(r, inputGradGeom(g), plan.ranges, dxExtra);
  r.commit();
  writeGeom(r, pg, g);
  const mem = r.f32;
  mem.set(dy, pdy >> 2);
  if (reluOut !== null) {
    mem.set(reluOut.length === dy.length ? reluOut : reluOut.subarray(0, dy.length), pmask >> 2);
    r.exports.reluGrad(pmask, pdy, pdy, dy.length);
  }
  if (db !== null) {
    r.exports.biasGrad(pdy, g.n, g.cout, g.ho * g.wo, pdb);
    db.set(r.f32.subarray(pdb >> 2, (pdb >> 2) + db.length));
  }
  if (dw !== null) mem.set(x, px >> 2);
  if (wdw !== null) wdw.fill(px, pdy);
  if (wdx !== null && dx !== null) {
    // dX by Winograd, and dW in the same job when it goes by Winograd too (one wake-up per worker).
    const blocks = wdx.fill(pdy, w, true, 0, pdx, 0);
    const job = two ? (wdw !== null ? `${w2}BackwardBoth` as const : w2) : wdw !== null ? 'convWinoBackwardBoth' : 'convWinograd';
    r.run(job, blocks.map((b) => [b]), plan.inline);
    dx.set(r.f32.subarray(pdx >> 2, (pdx >> 2) + dx.length));
  } else if (dx !== null && dw !== null && wdw === null && !plan.direct && plan.nt > 1) {
    // Both gradients split over the threads: one job each (dX then dW of its samples), so each
    // worker is woken once — a wake-up costs ≈ 0.5 ms here (docs/kernels.md).
    mem.set(w, pw >> 2);
    for (const p of pdws) mem.fill(0, p >> 2, (p >> 2) + dw.length);
    r.run('convBackwardBoth', plan.ranges.map(([s0, s1], t) => [pdy, pw, pdx, px, pdws[t], pg, scratch[t][0], scratch[t][1], s0, s1]), plan.inline);
    dx.set(r.f32.subarray(pdx >> 2, (pdx >> 2) + dx.length));
  } else {
    if (dx !== null) {
      mem.set(w, pw >> 2);
      if (plan.direct) r.run('convBackwardInputDirect', plan.ranges.map(([s0, s1]) => [pdy, pw, pdx, pg, s0, s1]), plan.inline);
      else r.run('convBackwardInput', plan.ranges.map(([s0, s1], t) => [pdy, pw, pdx, pg, scratch[t][0], scratch[t][1], s0, s1]), plan.inline);
      dx.set(r.f32.subarray(pdx >> 2, (pdx >> 2) + dx.length));
    }
    if (wdw !== null) r.run(two ? `${w2}WeightGrad` as const : 'convWinoWeightGrad', wdw.blocks.map((b) => [b]), plan.inline);
    else if (dw !== null) {
      for (const p of pdws) mem.fill(0, p >> 2, (p >> 2) + dw.length);
      if (plan.direct) r.run('convBackwardWeightDirect', plan.ranges.map(([s0, s1], t) => [px, pdy, pdws[t], pg, s0, s1]), plan.inline);
      else r.run('convBackwardWeight', plan.ranges.map(([s0, s1], t) => [px, pdy, pdws[t], pg, scratch[t][0], scratch[t][1], s0, s1]), plan.inline);
    }
  }
  if (wdw !== null && dw !== null) wdw.finish(dw);
  else if (dw !== null) {
    for (let t = 1; t < pdws.length; t++) r.exports.addInto(pdws[0], pdws[t], dw.length);
    dw.set(r.f32.subarray(pdws[0] >> 2, (pdws[0] >> 2) + dw.length));
  }
}

function convBackwardInput(dy: TypedArray, w: TypedArray, dx: TypedArray, g: ConvGeom): void {
  if (!allFloat32(dy, w, dx)) {
    delegate('convBackwardInput', float32Reason('wasm', dy, w, dx))(dy, w, dx, g);
    return;
  }
  convBackward(dy, w, dy, dx, null, null, g); // x is not read for dX alone
}

function convBackwardWeight(x: TypedArray, dy: TypedArray, dw: TypedArray, g: ConvGeom): void {
  if (!allFloat32(x, dy, dw)) {
    delegate('convBackwardWeight', float32Reason('wasm', x, dy, dw))(x, dy, dw, g);
    return;
  }
  convBackward(x, dy, dy, null, dw, null, g); // w is not read for dW alone
}

/**
 * Size thresholds (elements) below which a call stays in js: copying operands into the wasm
 * memory and back has a fixed cost that a tiny loop does not repay (bench: op64-fwdbwd). Measured
 * with bench/elementwise.ts; see docs/kernels.md.
 */
export const ELEMENTWISE_MIN = 2048;
const POOL_MIN = 256;

const UNARY_CODES: Partial<Record<UnaryOp, number>> = {
  neg: 0, abs: 1, square: 2, sqrt: 3, step: 4, clamp: 5, leakyRelu: 6, sign: 7,
};

function unary(op: UnaryOp, x: TypedArray, out: TypedArray, n: number, p0: number, p1: number): void {
  const code = op === 'relu' ? -1 : UNARY_CODES[op];
  // step / leakyRelu compare with or multiply by p0: only float32-exact parameters give js's result.
  const exactParams = (op !== 'step' && op !== 'leakyRelu') || Math.fround(p0) === p0;
  if (code === undefined || n < ELEMENTWISE_MIN || !exactParams || !allFloat32(x, out)) {
    const reason = code === undefined ? 'op not in wasm' : n < ELEMENTWISE_MIN ? 'small tensor' : !exactParams ? 'parameter not float32-exact' : float32Reason('wasm', x, out);
    delegate('unary', reason)(op, x, out, n, p0, p1);
    return;
  }
  const r = R();
  r.reset();
  const px = r.alloc(n);
  const po = r.alloc(n);
  r.commit();
  r.f32.set(x.length === n ? x : x.subarray(0, n), px >> 2);
  if (code < 0) r.exports.relu(px, po, n);
  else r.exports.unary(code, px, po, n, p0, p1);
  out.set(r.f32.subarray(po >> 2, (po >> 2) + n));
}

function reluGrad(x: TypedArray, g: TypedArray, out: TypedArray, n: number): void {
  if (n < ELEMENTWISE_MIN || !allFloat32(x, g, out)) {
    delegate('reluGrad', n < ELEMENTWISE_MIN ? 'small tensor' : float32Reason('wasm', x, g, out))(x, g, out, n);
    return;
  }
  const r = R();
  r.reset();
  const px = r.alloc(n);
  const pg = r.alloc(n);
  const po = r.alloc(n);
  r.commit();
  r.f32.set(x.length === n ? x : x.subarray(0, n), px >> 2);
  r.f32.set(g.length === n ? g : g.subarray(0, n), pg >> 2);
  r.exports.reluGrad(px, pg, po, n);
  out.set(r.f32.subarray(po >> 2, (po >> 2) + n));
}

const BINARY_CODES: Partial<Record<BinaryOp, number>> = {
  add: 0, sub: 1, mul: 2, div: 3, maximum: 4, minimum: 5, gt: 6, ge: 7, lt: 8, le: 9, eq: 10,
};

/** First and last element offsets a strided walk of `shape` touches. */
function span(offset: number, strides: readonly number[], shape: readonly number[]): [number, number] {
  let lo = offset, hi = offset;
  for (let d = 0; d < shape.length; d++) {
    const e = strides[d] * (shape[d] - 1);
    if (e < 0) lo += e; else hi += e;
  }
  return [lo, hi];
}

function binary(op: BinaryOp, a: StridedOperand, b: StridedOperand, out: TypedArray, outShape: readonly number[]): void {
  const code = BINARY_CODES[op];
  let size = 1;
  for (const d of outShape) size *= d;
  const cl = code === undefined || size < ELEMENTWISE_MIN ? null : collapseBroadcast(outShape, a.strides, b.strides);
  if (cl === null || cl.shape.length > 4 || !allFloat32(a.data, b.data, out)) {
    const reason = code === undefined ? 'op not in wasm' : cl === null ? 'small tensor' : cl.shape.length > 4 ? 'rank above 4 after collapsing' : float32Reason('wasm', a.data, b.data, out);
    delegate('binary', reason)(op, a, b, out, outShape);
    return;
  }
  while (cl.shape.length < 4) {
    cl.shape.unshift(1);
    cl.as.unshift(0);
    cl.bs.unshift(0);
  }
  const [alo, ahi] = span(a.offset, cl.as, cl.shape);
  const [blo, bhi] = span(b.offset, cl.bs, cl.shape);
  const r = R();
  r.reset();
  const pg = r.alloc(12);
  const pa = r.alloc(ahi - alo + 1);
  const pb = r.alloc(bhi - blo + 1);
  const po = r.alloc(size);
  r.commit();
  const i32 = r.i32;
  const g = pg >> 2;
  for (let d = 0; d < 4; d++) {
    i32[g + d] = cl.shape[d];
    i32[g + 4 + d] = cl.as[d];
    i32[g + 8 + d] = cl.bs[d];
  }
  const f32 = r.f32;
  f32.set(a.data.subarray(alo, ahi + 1), pa >> 2);
  f32.set(b.data.subarray(blo, bhi + 1), pb >> 2);
  r.exports.binary(code!, pa + (a.offset - alo) * 4, pb + (b.offset - blo) * 4, po, pg);
  out.set(r.f32.subarray(po >> 2, (po >> 2) + size));
}

function reduce(op: ReduceOp, x: TypedArray, outer: number, rr: number, inner: number, out: TypedArray): void {
  const n = outer * rr * inner;
  const ok = (op === 'sum' || op === 'max' || op === 'min') && rr > 0;
  // A reduction along the contiguous axis (inner = 1) is one float64 add chain either way: js.
  if (!ok || inner < 4 || n < ELEMENTWISE_MIN || !allFloat32(x, out)) {
    const reason = !ok ? 'op not in wasm' : inner < 4 ? 'contiguous-axis reduction' : n < ELEMENTWISE_MIN ? 'small tensor' : float32Reason('wasm', x, out);
    delegate('reduce', reason)(op, x, outer, rr, inner, out);
    return;
  }
  const r = R();
  r.reset();
  const px = r.alloc(n);
  const po = r.alloc(outer * inner);
  const pacc = op === 'sum' ? r.alloc(2 * inner) : 0;
  r.commit();
  r.f32.set(x.length === n ? x : x.subarray(0, n), px >> 2);
  if (op === 'sum') r.exports.reduceSum(px, outer, rr, inner, po, pacc);
  else r.exports.reduceExt(px, outer, rr, inner, po, op === 'max' ? 1 : 0, 0);
  out.set(r.f32.subarray(po >> 2, (po >> 2) + outer * inner));
}

/**
 * Sums over the axes on both sides of the kept ones: float64 chains read in place, as fast in js
 * as the copy into wasm memory would be, so it is handed to js (recorded) like the
 * contiguous-axis reduce above.
 */
function sumOuterInner(x: TypedArray, outer: number, mid: number, inner: number, out: TypedArray): void {
  delegate('sumOuterInner', 'float64 sum chains read in place (js)')(x, outer, mid, inner, out);
}

function fillPoolGeom(r: WasmRuntime, p: number, g: PoolGeom): void {
  const words = [g.n, g.c, g.h, g.w, g.kh, g.kw, g.sh, g.sw, g.padTop, g.padLeft, g.ho, g.wo];
  r.i32.set(words, p >> 2);
}

function poolSmall(g: PoolGeom): boolean {
  return g.n * g.c * g.ho * g.wo < POOL_MIN;
}

/** An operand of a pooling kernel: its array, its element count, and whether it holds int32 indices. */
type PoolOperand = readonly [data: TypedArray, count: number, int32?: boolean];

/**
 * Runs one pooling kernel in wasm memory: the geometry and the inputs are copied in, `call` gets
 * the geometry pointer and one pointer per input then per output, and the outputs are copied back.
 */
function runPool(g: PoolGeom, inputs: readonly PoolOperand[], outputs: readonly PoolOperand[], call: (r: WasmRuntime, pg: number, ptrs: number[]) => void): void {
  const r = R();
  r.reset();
  const pg = r.alloc(12);
  const ptrs = [...inputs, ...outputs].map(([, count]) => r.alloc(count));
  r.commit();
  fillPoolGeom(r, pg, g);
  inputs.forEach(([data, count, int32], i) => {
    (int32 ? r.i32 : r.f32).set(data.length === count ? data : data.subarray(0, count), ptrs[i] >> 2);
  });
  call(r, pg, ptrs);
  outputs.forEach(([data, count, int32], j) => {
    const p = ptrs[inputs.length + j] >> 2;
    data.set((int32 ? r.i32 : r.f32).subarray(p, p + count));
  });
}

const poolSizes = (g: PoolGeom): [nx: number, no: number] => [g.n * g.c * g.h * g.w, g.n * g.c * g.ho * g.wo];

function maxPoolForward(x: TypedArray, out: TypedArray, argmax: Int32Array, g: PoolGeom): void {
  if (poolSmall(g) || !allFloat32(x, out)) {
    delegate('maxPoolForward', poolSmall(g) ? 'small tensor' : float32Reason('wasm', x, out))(x, out, argmax, g);
    return;
  }
  const [nx, no] = poolSizes(g);
  runPool(g, [[x, nx]], [[out, no], [argmax, no, true]], (r, pg, [px, po, pi]) => r.exports.maxPoolForward(px, po, pi, pg));
}

function maxPoolBackward(dy: TypedArray, argmax: Int32Array, dx: TypedArray, g: PoolGeom): void {
  if (poolSmall(g) || !allFloat32(dy, dx)) {
    delegate('maxPoolBackward', poolSmall(g) ? 'small tensor' : float32Reason('wasm', dy, dx))(dy, argmax, dx, g);
    return;
  }
  const [nx, no] = poolSizes(g);
  runPool(g, [[dy, no], [argmax, no, true]], [[dx, nx]], (r, pg, [pdy, pi, pdx]) => r.exports.maxPoolBackward(pdy, pi, pdx, pg));
}

function avgPoolForward(x: TypedArray, out: TypedArray, g: PoolGeom, countIncludePad: boolean): void {
  if (poolSmall(g) || !allFloat32(x, out)) {
    delegate('avgPoolForward', poolSmall(g) ? 'small tensor' : float32Reason('wasm', x, out))(x, out, g, countIncludePad);
    return;
  }
  const [nx, no] = poolSizes(g);
  runPool(g, [[x, nx]], [[out, no]], (r, pg, [px, po]) => r.exports.avgPoolForward(px, po, pg, countIncludePad ? 1 : 0));
}

function avgPoolBackward(dy: TypedArray, dx: TypedArray, g: PoolGeom, countIncludePad: boolean): void {
  if (poolSmall(g) || !allFloat32(dy, dx)) {
    delegate('avgPoolBackward', poolSmall(g) ? 'small tensor' : float32Reason('wasm', dy, dx))(dy, dx, g, countIncludePad);
    return;
  }
  const [nx, no] = poolSizes(g);
  runPool(g, [[dy, no]], [[dx, nx]], (r, pg, [pdy, pdx]) => r.exports.avgPoolBackward(pdy, pdx, pg, countIncludePad ? 1 : 0));
}

/** Below this many elements fakeQuant stays in js (copy-in/out costs more than the loop). */
const QUANT_MIN = 256;

function fakeQuant(
  x: TypedArray, out: TypedArray, codes: Int32Array | null, outer: number, c: number, inner: number,
  scale: Float64Array, qmin: number, qmax: number, rounding: QuantRounding,
): void {
  const n = outer * c * inner;
  if (n < QUANT_MIN || !allFloat32(x, out)) {
    delegate('fakeQuant', n < QUANT_MIN ? 'small tensor' : float32Reason('wasm', x, out))(x, out, codes, outer, c, inner, scale, qmin, qmax, rounding);
    return;
  }
  const r = R();
  r.reset();
  const px = r.alloc(n);
  const po = r.alloc(n);
  const pc = codes === null ? 0 : r.alloc(n);
  const ps = r.alloc(2 * c);
  r.commit();
  r.f32.set(x.subarray(0, n), px >> 2);
  new Float64Array(r.f32.buffer, ps, c).set(scale.subarray(0, c));
  r.exports.fakeQuant(px, po, pc, outer, c, inner, ps, qmin, qmax, rounding === 'floor' ? 1 : 0);
  out.set(r.f32.subarray(po >> 2, (po >> 2) + n));
  if (codes !== null) codes.set(r.i32.subarray(pc >> 2, (pc >> 2) + n));
}

/** The entry points of assembly/mixedpact.ts. */
interface MixedPactExports {
  mixedPactForward(x: number, out: number, n: number, steps: number, recips: number, qmin: number, qmax: number, theta: number, p: number): void;
  mixedPactBackward(x: number, g: number, dx: number, n: number, a: number, lo: number, thSum: number, p: number,
    steps: number, recips: number, qmin: number, qmax: number, sums: number, acc: number): void;
}
const mpExports = (r: WasmRuntime) => r.exports as unknown as MixedPactExports;

/** Lay out p-entry float64 tables in wasm memory (after commit()). */
function putF64(r: WasmRuntime, tables: [number, ArrayLike<number>][], p: number): void {
  for (const [at, t] of tables) {
    const d = new Float64Array(r.f32.buffer, at, p);
    for (let k = 0; k < p; k++) d[k] = t[k];
  }
}

function mixedPactForward(
  x: TypedArray, out: TypedArray, n: number, steps: Float64Array, qmin: Float64Array, qmax: Float64Array,
  theta: Float64Array, p: number,
): void {
  if (n < QUANT_MIN || !allFloat32(x, out)) {
    delegate('mixedPactForward', n < QUANT_MIN ? 'small tensor' : float32Reason('wasm', x, out))(x, out, n, steps, qmin, qmax, theta, p);
    return;
  }
  const r = R();
  r.reset();
  const px = r.alloc(n);
  const po = r.alloc(n);
  const ps = r.alloc(2 * p);
  const pr = r.alloc(2 * p);
  const plo = r.alloc(2 * p);
  const phi = r.alloc(2 * p);
  const pt = r.alloc(2 * p);
  r.commit();
  put(r, x, n, px);
  const recips = new Float64Array(p);
  for (let k = 0; k < p; k++) recips[k] = 1 / steps[k];
  putF64(r, [[ps, steps], [pr, recips], [plo, qmin], [phi, qmax], [pt, theta]], p);
  mpExports(r).mixedPactForward(px, po, n, ps, pr, plo, phi, pt, p);
  out.set(r.f32.subarray(po >> 2, (po >> 2) + n));
}

function mixedPactBackward(
  x: TypedArray, g: TypedArray, dx: TypedArray, n: number, a: number, lo: number, thSum: number, p: number,
  steps: Float64Array, recips: Float64Array, qmin: Float64Array, qmax: Float64Array, sums: Float64Array,
): void {
  if (n < QUANT_MIN || !allFloat32(x, g, dx)) {
    delegate('mixedPactBackward', n < QUANT_MIN ? 'small tensor' : float32Reason('wasm', x, g, dx))(x, g, dx, n, a, lo, thSum, p, steps, recips, qmin, qmax, sums);
    return;
  }
  const r = R();
  r.reset();
  const px = r.alloc(n);
  const pg = r.alloc(n);
  const pd = r.alloc(n);
  const ps = r.alloc(2 * p);
  const pr = r.alloc(2 * p);
  const plo = r.alloc(2 * p);
  const phi = r.alloc(2 * p);
  const psum = r.alloc(2 * (p + 2));
  const pacc = r.alloc(4 * Math.max(p, 4)); // f64x2 sums of the candidates (the first four pass through it)
  r.commit();
  put(r, x, n, px);
  put(r, g, n, pg);
  putF64(r, [[ps, steps], [pr, recips], [plo, qmin], [phi, qmax]], p);
  mpExports(r).mixedPactBackward(px, pg, pd, n, a, lo, thSum, p, ps, pr, plo, phi, psum, pacc);
  sums.set(new Float64Array(r.f32.buffer, psum, p + 2));
  dx.set(r.f32.subarray(pd >> 2, (pd >> 2) + n));
}

/** The entry points of assembly/winoweights.ts (the Winograd weight transforms, winograd.ts's float64 loops). */
interface WinoWeightExports {
  winoWeightsF64(w: number, cout: number, cin: number, k: number, flip: number, g: number, alpha: number, rw: number, segs: number, dst: number): void;
  winoWeightGradOutF64(wt: number, cout: number, cin: number, k: number, at: number, alpha: number, rw: number, segs: number, acc: number): void;
}
const wx = (r: WasmRuntime) => r.exports as unknown as WinoWeightExports;

/** The entry points of assembly/batchnorm.ts. */
interface BatchNormExports {
  bnStats(x: number, n: number, c: number, s: number, mean: number, variance: number): void;
  bnApply(x: number, n: number, c: number, s: number, mean: number, k: number, shift: number, out: number, relu: number): void;
  bnBackward(x: number, dy: number, reluOut: number, n: number, c: number, s: number, mean: number, invstd: number, k: number,
    training: number, dx: number, sums: number): void;
}
const bnExports = (r: WasmRuntime) => r.exports as unknown as BatchNormExports;

/** Copy a float32 operand into wasm memory at byte offset p. */
function put(r: WasmRuntime, a: TypedArray, n: number, p: number): void {
  r.f32.set(a.length === n ? a : a.subarray(0, n), p >> 2);
}

function batchNormForward(
  x: TypedArray, n: number, c: number, s: number, training: boolean, eps: number,
  weight: ArrayLike<number> | null, bias: ArrayLike<number> | null,
  mean: Float64Array, variance: Float64Array, invstd: Float64Array, k: Float64Array, out: TypedArray, relu: boolean,
): void {
  const size = n * c * s;
  if (size < ELEMENTWISE_MIN || !allFloat32(x, out)) {
    delegate('batchNormForward', size < ELEMENTWISE_MIN ? 'small tensor' : float32Reason('wasm', x, out))(x, n, c, s, training, eps, weight, bias, mean, variance, invstd, k, out, relu);
    return;
  }
  const r = R();
  r.reset();
  const px = r.alloc(size);
  const po = r.alloc(size);
  const pm = r.alloc(2 * c); // four float64 rows of c: mean, variance / k, shift
  const pv = r.alloc(2 * c);
  const pk = r.alloc(2 * c);
  const ps = r.alloc(2 * c);
  r.commit();
  put(r, x, size, px);
  const f64 = (p: number) => new Float64Array(r.f32.buffer, p, c);
  if (training) {
    bnExports(r).bnStats(px, n, c, s, pm, pv);
    mean.set(f64(pm));
    variance.set(f64(pv));
  } else f64(pm).set(mean);
  const shift = new Float64Array(c);
  batchNormFactors(c, eps, variance, weight, bias, invstd, k, shift);
  f64(pk).set(k);
  f64(ps).set(shift);
  bnExports(r).bnApply(px, n, c, s, pm, pk, ps, po, relu ? 1 : 0);
  out.set(r.f32.subarray(po >> 2, (po >> 2) + size));
}

function batchNormBackward(
  x: TypedArray, dy: TypedArray, reluOut: TypedArray | null, n: number, c: number, s: number,
  mean: Float64Array, invstd: Float64Array, k: Float64Array, training: boolean,
  dx: TypedArray | null, dw: TypedArray | null, db: TypedArray | null,
): void {
  const size = n * c * s;
  if (size < ELEMENTWISE_MIN || !allFloat32(x, dy, reluOut, dx)) {
    delegate('batchNormBackward', size < ELEMENTWISE_MIN ? 'small tensor' : float32Reason('wasm', x, dy, reluOut, dx))(x, dy, reluOut, n, c, s, mean, invstd, k, training, dx, dw, db);
    return;
  }
  const r = R();
  r.reset();
  const px = r.alloc(size);
  const pg = r.alloc(size);
  const pr = reluOut === null ? 0 : r.alloc(size);
  const pd = dx === null ? 0 : r.alloc(size);
  const pm = r.alloc(2 * c);
  const pi = r.alloc(2 * c);
  const pk = r.alloc(2 * c);
  const psum = r.alloc(4 * c);
  r.commit();
  put(r, x, size, px);
  put(r, dy, size, pg);
  if (reluOut !== null) put(r, reluOut, size, pr);
  new Float64Array(r.f32.buffer, pm, c).set(mean);
  new Float64Array(r.f32.buffer, pi, c).set(invstd);
  new Float64Array(r.f32.buffer, pk, c).set(k);
  bnExports(r).bnBackward(px, pg, pr, n, c, s, pm, pi, pk, training ? 1 : 0, pd, psum);
  const sums = new Float64Array(r.f32.buffer, psum, 2 * c);
  for (let ch = 0; ch < c; ch++) {
    if (dw !== null) dw[ch] = sums[2 * ch + 1] * invstd[ch];
    if (db !== null) db[ch] = sums[2 * ch];
  }
  if (dx !== null) dx.set(r.f32.subarray(pd >> 2, (pd >> 2) + size));
}

export const wasmKernels: Partial<KernelSet> = {
  gemm, convForward, convBackwardInput, convBackwardWeight, convBackward, unary, reluGrad, binary, reduce, sumOuterInner,
  maxPoolForward, maxPoolBackward, avgPoolForward, avgPoolBackward, fakeQuant,
  batchNormForward, batchNormBackward, mixedPactForward, mixedPactBackward,
};

export const wasmBackend: Backend = { name: WASM_BACKEND, kernels: wasmKernels };

/** Whether this engine can run the wasm backend (WebAssembly with SIMD). */
export function wasmAvailable(): boolean {
  return wasmRuntime() !== null;
}

/** ISA variant, shared memory, thread count, memory size; null when unavailable. */
export function wasmInfo(): WasmInfo | null {
  return wasmRuntime()?.info() ?? null;
}

/**
 * Use `n` threads (calling thread included) for large wasm kernels; resolves once the worker
 * threads are running. `setWasmThreads(1)` stops them.
 */
export async function setWasmThreads(n: number): Promise<number> {
  return R().setThreads(n);
}
