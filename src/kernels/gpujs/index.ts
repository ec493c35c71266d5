/**
 * The `gpujs` backend: GEMM, conv forward and both backward kernels (im2col and matmul kernels
 * on gpu.js; col2im, transposes and the per-sample dW sum on the host), a few unary maps and fake
 * quantisation as gpu.js kernels.
 * On this machine gpu.js means its `webasm` (or `cpu`) mode; in browsers `webgl`/`webgl2`.
 *
 * gpu.js pitfalls handled here:
 * - loop bounds passed as arguments are silently capped at 1000 iterations, so every loop bound
 *   is a kernel constant, and kernels are compiled (and cached) per shape;
 * - gpu.js may fall back to another mode silently, so after compiling each kernel we check the
 *   kernel class that actually ran and throw if it is not the requested mode's;
 * - storage is float32 only: other operand types are handed to js with the fallback recorded.
 *
 * gpu.js is an optional peer dependency loaded on demand (`await createGpujsBackend()`): the rest
 * of tsdnas never needs it, so an installed tsdnas does not pull it in, and a missing gpu.js is
 * reported with the command that installs it.
 */

import type { TypedArray } from '../../tensor/dtype.js';
import type { Backend, ConvGeom, KernelName, KernelSet, QuantRounding, UnaryOp } from '../contracts.js';
import { allFloat32, float32Reason } from '../float32Only.js';
import { recordFallback } from '../dispatch.js';
import { jsKernels } from '../js/index.js';
import { col2imAdd, composeConvBackward, reluInPlace } from '../js/conv.js';

export type GpujsMode = 'webasm' | 'cpu' | 'webgl' | 'webgl2' | 'headlessgl';

const KERNEL_CLASS: Record<GpujsMode, string> = {
  webasm: 'WebAssemblyKernel', cpu: 'CPUKernel', webgl: 'WebGLKernel', webgl2: 'WebGL2Kernel', headlessgl: 'HeadlessGLKernel',
};

/** The part of a gpu.js kernel we use. */
interface GKernel {
  (...args: unknown[]): unknown;
  kernel?: { constructor: { name: string } };
}
interface GpuLike {
  mode: string;
  createKernel(fn: unknown, settings: Record<string, unknown>): GKernel;
}

export const GPUJS_BACKEND = 'gpujs';

export interface GpujsBackend extends Backend {
  readonly mode: GpujsMode;
  /** kernel class names that ran, per compiled kernel key (proof of the mode) */
  readonly ran: Map<string, string>;
}

/** Rows of a 2-D gpu.js result (or a flat 1-D one) into one dense Float32Array. */
function flatten(r: unknown, len: number): Float32Array {
  if (r instanceof Float32Array) return r;
  const out = new Float32Array(len);
  let o = 0;
  for (const row of r as Float32Array[]) {
    out.set(row, o);
    o += row.length;
  }
  return out;
}

const UNARY_SRC: Partial<Record<UnaryOp, string>> = {
  relu: 'const v = x[this.thread.x]; return v > 0 ? v : 0;',
  neg: 'return -x[this.thread.x];',
  exp: 'return Math.exp(x[this.thread.x]);',
  square: 'const v = x[this.thread.x]; return v * v;',
  abs: 'return Math.abs(x[this.thread.x]);',
  tanh: 'const v = x[this.thread.x]; const e = Math.exp(2 * v); return v > 20 ? 1 : v < -20 ? -1 : (e - 1) / (e + 1);',
  sigmoid: 'const v = x[this.thread.x]; return 1 / (1 + Math.exp(-v));',
};

/** Below this many elements a unary op stays in js (gpu.js call overhead dominates); recorded. */
const UNARY_MIN = 4096;

/** The version range of package.json's optional peer dependency on gpu.js (keep the two equal). */
export const GPUJS_VERSION_RANGE = '^2.24.1';

/** `code` of the error thrown when gpu.js is not installed (the backend chooser reports it once). */
export const GPUJS_NOT_INSTALLED = 'ERR_TSDNAS_GPUJS_NOT_INSTALLED';

/** Is `e` the loader saying that the package gpu.js itself (not one of its dependencies) is absent? */
function isGpujsMissing(e: unknown): boolean {
  const msg = e instanceof Error ? e.message : String(e);
  // Node ESM: "Cannot find package 'gpu.js' imported from …"; browsers without a bundler:
  // "Failed to resolve module specifier "gpu.js"" (Chromium) / "… bare specifier: gpu.js" (Firefox).
  return /Cannot find (package|module) 'gpu\.js'|module specifier ["']?gpu\.js|specifier: ["']?gpu\.js/.test(msg);
}

type GpuConstructor = new (o: { mode: string }) => GpuLike;

/** Loads gpu.js from the application's dependencies; an absent or broken gpu.js says how to fix it. */
async function loadGpujs(): Promise<GpuConstructor> {
  let mod: { GPU?: GpuConstructor; default?: { GPU?: GpuConstructor } };
  try {
    mod = (await import('gpu.js')) as unknown as typeof mod;
  } catch (e) {
    if (isGpujsMissing(e)) {
      const err = new Error(
        `the gpujs backend needs the optional peer dependency gpu.js, which is not installed: run \`npm install gpu.js@${GPUJS_VERSION_RANGE}\` in your project (or choose another backend: useFastestBackend() gives wasm or js)`,
        { cause: e },
      );
      (err as Error & { code: string }).code = GPUJS_NOT_INSTALLED;
      throw err;
    }
    throw new Error(`gpujs backend: gpu.js is installed but failed to load (${e instanceof Error ? e.message : String(e)}); reinstall it with \`npm install gpu.js@${GPUJS_VERSION_RANGE}\``, { cause: e });
  }
  const GPU = mod.GPU ?? mod.default?.GPU;
  if (GPU === undefined) throw new Error(`gpujs backend: the installed gpu.js does not export GPU; install a supported version with \`npm install gpu.js@${GPUJS_VERSION_RANGE}\``);
  return GPU;
}

export async function createGpujsBackend(mode: GpujsMode = 'webasm'): Promise<GpujsBackend> {
  const GPU = await loadGpujs();
  const gpu = new GPU({ mode });
  if (gpu.mode !== mode) throw new Error(`gpujs backend: asked for mode '${mode}' but gpu.js chose '${gpu.mode}'`);
  const cache = new Map<string, GKernel>();
  const ran = new Map<string, string>();

  function compiled(key: string, fn: unknown, settings: Record<string, unknown>): GKernel {
    let k = cache.get(key);
    if (k === undefined) {
      k = gpu.createKernel(fn, { ...settings, tactic: 'precision', dynamicOutput: false, dynamicArguments: false });
      cache.set(key, k);
    }
    return k;
  }

  /** Run a kernel and assert the class that ran belongs to the requested mode. */
  function run(key: string, k: GKernel, ...args: unknown[]): unknown {
    const r = k(...args);
    const cls = k.kernel?.constructor.name ?? 'unknown';
    if (cls !== KERNEL_CLASS[mode]) {
      throw new Error(`gpujs backend: kernel ${key} ran as ${cls}, not ${KERNEL_CLASS[mode]} (mode '${mode}'); refusing a silent fallback`);
    }
    ran.set(key, cls);
    return r;
  }

  function delegate<K extends KernelName>(name: K, reason: string): KernelSet[K] {
    recordFallback(GPUJS_BACKEND, name, reason);
    return jsKernels[name];
  }

  /** Dense row-major C0[m×n] = A[m×k]·B[k×n] on gpu.js (A, B dense float32). */
  function matmulDense(m: number, n: number, k: number, A: Float32Array, B: Float32Array): Float32Array {
    const key = `mm:${m}x${n}x${k}`;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const kern = compiled(key, function (this: any, a: Float32Array, b: Float32Array) {
      let s = 0;
      for (let p = 0; p < this.constants.k; p++) {
        s += a[this.thread.y * this.constants.k + p] * b[p * this.constants.n + this.thread.x];
      }
      return s;
    }, { constants: { k, n }, output: [n, m] });
    return flatten(run(key, kern, A, B), m * n);
  }

  function gemm(
    transA: boolean, transB: boolean, m: number, n: number, k: number, alpha: number,
    a: TypedArray, aOff: number, lda: number,
    b: TypedArray, bOff: number, ldb: number,
    beta: number, c: TypedArray, cOff: number, ldc: number,
  ): void {
    if (!allFloat32(a, b, c) || k === 0 || m === 0 || n === 0) {
      delegate('gemm', !allFloat32(a, b, c) ? float32Reason('gpu.js', a, b, c) : 'empty product')(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
      return;
    }
    // Dense op(A) and op(B): gpu.js kernels index plain row-major inputs.
    const A = new Float32Array(m * k);
    for (let i = 0; i < m; i++) for (let p = 0; p < k; p++) A[i * k + p] = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
    const B = new Float32Array(k * n);
    for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) B[p * n + j] = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
    const r = matmulDense(m, n, k, A, B);
    for (let i = 0; i < m; i++) {
      const row = cOff + i * ldc;
      for (let j = 0; j < n; j++) c[row + j] = alpha * r[i * n + j] + (beta === 0 ? 0 : beta * c[row + j]);
    }
  }

  function convForward(x: TypedArray, w: TypedArray, bias: TypedArray | null, out: TypedArray, g: ConvGeom, relu = false): void {
    if (!allFloat32(x, w, bias, out)) {
      delegate('convForward', float32Reason('gpu.js', x, w, bias, out))(x, w, bias, out, g, relu);
      return;
    }
    const cinG = g.cin / g.groups;
    const coutG = g.cout / g.groups;
    const K = cinG * g.kh * g.kw;
    const P = g.ho * g.wo;
    const xs = x as Float32Array;
    for (let n = 0; n < g.n; n++) {
      for (let gi = 0; gi < g.groups; gi++) {
        const col = im2colBlock(xs, (n * g.cin + gi * cinG) * g.h * g.w, g);
        const wg = (w as Float32Array).subarray(gi * coutG * K, (gi + 1) * coutG * K);
        const y = matmulDense(coutG, P, K, wg, col);
        out.set(y, (n * g.cout + gi * coutG) * P);
      }
      if (bias !== null) {
        for (let co = 0; co < g.cout; co++) {
          const o = (n * g.cout + co) * P;
          for (let p = 0; p < P; p++) out[o + p] += bias[co];
        }
      }
    }
    // The fused ReLU (a cheap pass next to the gpu.js GEMM; the same bits as js).
    if (relu) reluInPlace(out, 0, g.n * g.cout * P);
  }

  /** col[K×P] of one sample-group block of x starting at `base`, on gpu.js. */
  function im2colBlock(xs: Float32Array, base: number, g: ConvGeom): Float32Array {
    const K = (g.cin / g.groups) * g.kh * g.kw;
    const P = g.ho * g.wo;
    const key = `im2col:${JSON.stringify(g)}`;
    // col[row = (c, i, j), col = (oh, ow)] for one sample-group block; every bound is a constant.
    const im2col = compiled(key, function (this: any, xs: Float32Array, base: number) { // eslint-disable-line @typescript-eslint/no-explicit-any
      const row = this.thread.y;
      const pos = this.thread.x;
      const c = Math.floor(row / (this.constants.kh * this.constants.kw));
      const rem = row - c * this.constants.kh * this.constants.kw;
      const i = Math.floor(rem / this.constants.kw);
      const j = rem - i * this.constants.kw;
      const oh = Math.floor(pos / this.constants.wo);
      const ow = pos - oh * this.constants.wo;
      const ih = oh * this.constants.sh - this.constants.padTop + i * this.constants.dh;
      const iw = ow * this.constants.sw - this.constants.padLeft + j * this.constants.dw;
      if (ih < 0 || ih >= this.constants.h || iw < 0 || iw >= this.constants.w) return 0;
      return xs[base + (c * this.constants.h + ih) * this.constants.w + iw];
    }, {
      constants: { kh: g.kh, kw: g.kw, wo: g.wo, sh: g.sh, sw: g.sw, dh: g.dh, dw: g.dw, padTop: g.padTop, padLeft: g.padLeft, h: g.h, w: g.w },
      output: [P, K],
    });
    return flatten(run(key, im2col, xs, base), K * P);
  }

  /** Dense transpose of a rows×cols block (host side; operands of the gpu.js matmuls). */
  function transpose(a: Float32Array, off: number, rows: number, cols: number): Float32Array {
    const t = new Float32Array(rows * cols);
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = a[off + r * cols + c];
    return t;
  }

  /**
   * dX: per sample and group dcol[K×P] = Wgᵀ · dy_g on gpu.js, then col2im (the scatter-add of
   * overlapping windows) on the host.
   */
  function convBackwardInput(dy: TypedArray, w: TypedArray, dx: TypedArray, g: ConvGeom): void {
    if (!allFloat32(dy, w, dx)) {
      delegate('convBackwardInput', float32Reason('gpu.js', dy, w, dx))(dy, w, dx, g);
      return;
    }
    const cinG = g.cin / g.groups, coutG = g.cout / g.groups;
    const K = cinG * g.kh * g.kw, P = g.ho * g.wo;
    const wT = Array.from({ length: g.groups }, (_, gi) => transpose(w as Float32Array, gi * coutG * K, coutG, K));
    dx.fill(0);
    for (let n = 0; n < g.n; n++) {
      for (let gi = 0; gi < g.groups; gi++) {
        const dyg = (dy as Float32Array).subarray((n * g.cout + gi * coutG) * P, (n * g.cout + (gi + 1) * coutG) * P);
        const dcol = matmulDense(K, P, coutG, wT[gi], dyg);
        col2imAdd(dcol, cinG, g, dx, (n * g.cin + gi * cinG) * g.h * g.w);
      }
    }
  }

  /** dW: per sample and group dW_gᵀ[K×coutG] = col · dy_gᵀ on gpu.js (col from the im2col kernel), summed on the host. */
  function convBackwardWeight(x: TypedArray, dy: TypedArray, dw: TypedArray, g: ConvGeom): void {
    if (!allFloat32(x, dy, dw)) {
      delegate('convBackwardWeight', float32Reason('gpu.js', x, dy, dw))(x, dy, dw, g);
      return;
    }
    const cinG = g.cin / g.groups, coutG = g.cout / g.groups;
    const K = cinG * g.kh * g.kw, P = g.ho * g.wo;
    dw.fill(0);
    for (let n = 0; n < g.n; n++) {
      for (let gi = 0; gi < g.groups; gi++) {
        const col = im2colBlock(x as Float32Array, (n * g.cin + gi * cinG) * g.h * g.w, g);
        const dyT = transpose(dy as Float32Array, (n * g.cout + gi * coutG) * P, coutG, P);
        const dwT = matmulDense(K, coutG, P, col, dyT);
        const o = gi * coutG * K;
        for (let k = 0; k < K; k++) for (let co = 0; co < coutG; co++) dw[o + co * K + k] += dwT[k * coutG + co];
      }
    }
  }

  function unary(op: UnaryOp, x: TypedArray, out: TypedArray, n: number, p0: number, p1: number): void {
    const src = UNARY_SRC[op];
    if (src === undefined || n < UNARY_MIN || !allFloat32(x, out)) {
      const reason = src === undefined ? `op ${op} not in gpujs` : n < UNARY_MIN ? 'small tensor' : float32Reason('gpu.js', x, out);
      delegate('unary', reason)(op, x, out, n, p0, p1);
      return;
    }
    const key = `unary:${op}:${n}`;
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    const fn = new Function('x', src);
    const kern = compiled(key, fn, { output: [n] });
    out.set(flatten(run(key, kern, x.length === n ? x : x.subarray(0, n)), n));
  }

  /**
   * Fake quantisation: the kernel returns the integer code q per element (rows = (outer, c),
   * one scale per row), the host multiplies back in float64. GPU modes divide in float32
   * (webasm, WebGL), so q can differ from the float64 js reference by one where x / scale lies
   * within float32 rounding of a rounding boundary; with power-of-two scales the float32
   * division is exact and the codes are identical (see docs/kernels.md).
   */
  function fakeQuant(
    x: TypedArray, out: TypedArray, codes: Int32Array | null, outer: number, c: number, inner: number,
    scale: Float64Array, qmin: number, qmax: number, rounding: QuantRounding,
  ): void {
    const rows = outer * c;
    const n = rows * inner;
    if (n < UNARY_MIN || !allFloat32(x, out)) {
      delegate('fakeQuant', n < UNARY_MIN ? 'small tensor' : float32Reason('gpu.js', x, out))(x, out, codes, outer, c, inner, scale, qmin, qmax, rounding);
      return;
    }
    const key = `fakeQuant:${rows}x${inner}:${qmin}:${qmax}:${rounding}`;
    const kern = compiled(key, function (this: any, xs: Float32Array, srow: Float32Array) { // eslint-disable-line @typescript-eslint/no-explicit-any
      const v = xs[this.thread.y * this.constants.inner + this.thread.x] / srow[this.thread.y];
      const f = Math.floor(v);
      let q = f;
      if (this.constants.floorMode === 0) {
        const d = v - f;
        if (d > 0.5) q = f + 1;
        if (d === 0.5 && f - 2 * Math.floor(f / 2) !== 0) q = f + 1;
      }
      if (q < this.constants.qmin) q = this.constants.qmin;
      if (q > this.constants.qmax) q = this.constants.qmax;
      return q;
    }, { constants: { inner, qmin, qmax, floorMode: rounding === 'floor' ? 1 : 0 }, output: [inner, rows] });
    const srow = new Float32Array(rows);
    for (let r = 0; r < rows; r++) srow[r] = scale[r % c];
    const q = flatten(run(key, kern, x.length === n ? x : x.subarray(0, n), srow), n);
    for (let r = 0; r < rows; r++) {
      const s = scale[r % c];
      for (let j = r * inner; j < (r + 1) * inner; j++) {
        const v = q[j] === 0 ? 0 : q[j]; // −0 → +0, as in js
        out[j] = v * s;
        if (codes !== null) codes[j] = v;
      }
    }
  }

  const convBackward = composeConvBackward(convBackwardInput, convBackwardWeight);
  const kernels: Partial<KernelSet> = { gemm, convForward, convBackwardInput, convBackwardWeight, convBackward, unary, fakeQuant };
  return { name: GPUJS_BACKEND, kernels, mode, ran };
}
