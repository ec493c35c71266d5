/**
 * The `wasm` backend's runtime: picks the module variant (relaxed-SIMD FMA where the engine has
 * it — in Node 20 by turning on V8's flag, src/platform/wasmEngineFlags.ts — unless
 * TSDNAS_WASM_ISA=simd or setWasmIsa('simd') asks for plain SIMD), owns the growable linear
 * memory, lays out each call's operands in it, and runs large kernels on worker threads that
 * share that memory.
 *
 * Private or shared memory: with one thread the module runs over a private memory, because
 * copying typed arrays into and out of a SharedArrayBuffer is markedly slower in V8 (measured
 * ~1.6×; docs/kernels.md). setThreads(n > 1) switches to the shared-memory build of the same
 * source (same code, same bits) and setThreads(1) switches back; operands live in the memory
 * only for the duration of one call, so nothing has to move across.
 *
 * Memory: kernels are synchronous and never re-entered, so each call resets a bump allocator
 * at ARENA_BASE, copies its typed arrays in, runs, and copies the output out. The memory only
 * grows (to the largest call seen); nothing is freed, nothing leaks.
 *
 * Threads (Node only here): worker threads instantiate the same module over the same shared
 * memory and wait on an Atomics control block. The calling thread posts each worker its slice,
 * computes its own slice, then waits (Atomics.wait) for the workers, so the kernel contracts
 * stay synchronous. Work below a size threshold stays on the calling thread.
 */

import * as generated from './generated/modules.js';
import { enableRelaxedSimdFlag, RELAXED_SIMD_FLAG } from '../../platform/wasmEngineFlags.js';

// The few WebAssembly JS-API types used here (@types/node 20 and lib ES2022 do not declare them).
interface WasmMemory { readonly buffer: ArrayBuffer | SharedArrayBuffer; grow(pages: number): number }
// eslint-disable-next-line @typescript-eslint/no-empty-interface
interface WasmModule { readonly __wasmModule?: never }
interface WasmInstance { readonly exports: Record<string, unknown> }
declare const WebAssembly: {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: Record<string, Record<string, unknown>>) => WasmInstance;
  Memory: new (d: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
};

export interface WasmExports {
  packBytes(): number;
  hasRelaxed(): number;
  gemm(m: number, n: number, k: number, alpha: number, a: number, sai: number, sap: number,
    b: number, sbp: number, sbj: number, beta: number, c: number, ldc: number, pack: number): void;
  convForward(x: number, w: number, bias: number, out: number, g: number, col: number, pack: number, s0: number, s1: number, act: number): void;
  convBackwardInput(dy: number, w: number, dx: number, g: number, col: number, pack: number, s0: number, s1: number): void;
  convBackwardWeight(x: number, dy: number, dw: number, g: number, col: number, pack: number, s0: number, s1: number): void;
  convBackwardBoth(dy: number, w: number, dx: number, x: number, dw: number, g: number, col: number, pack: number, s0: number, s1: number): void;
  addInto(dst: number, src: number, n: number): void;
  winoTiles(wo: number, d: number): number;
  convWinograd(params: number): void;
  convWinoBackwardBoth(params: number): void;
  convWinoWeightGrad(params: number): void;
  biasGrad(dy: number, n: number, c: number, p: number, out: number): void;
  convForwardDirect(x: number, w: number, bias: number, out: number, g: number, s0: number, s1: number, act: number): void;
  convBackwardInputDirect(dy: number, w: number, dx: number, g: number, s0: number, s1: number): void;
  convBackwardWeightDirect(x: number, dy: number, dw: number, g: number, s0: number, s1: number): void;
  relu(x: number, out: number, n: number): void;
  reluGrad(x: number, g: number, out: number, n: number): void;
  fakeQuant(x: number, out: number, codes: number, outer: number, c: number, inner: number,
    scale: number, qmin: number, qmax: number, floorMode: number): void;
  unary(op: number, x: number, out: number, n: number, p0: number, p1: number): void;
  binary(op: number, a: number, b: number, out: number, geo: number): void;
  reduceSum(x: number, outer: number, r: number, inner: number, out: number, acc: number): void;
  reduceExt(x: number, outer: number, r: number, inner: number, out: number, isMax: number, wantIndex: number): void;
  maxPoolForward(x: number, out: number, argmax: number, g: number): void;
  maxPoolBackward(dy: number, argmax: number, dx: number, g: number): void;
  avgPoolForward(x: number, out: number, g: number, includePad: number): void;
  avgPoolBackward(dy: number, dx: number, g: number, includePad: number): void;
}

/** Functions a worker can be asked to run, by index in the control block. */
const JOBS = [
  'gemm', 'convForward', 'convBackwardInput', 'convBackwardWeight', 'convBackwardBoth',
  'convForwardDirect', 'convBackwardInputDirect', 'convBackwardWeightDirect', 'convWinograd', 'convWinoBackwardBoth', 'convWinoWeightGrad',
  'convWino2d', 'convWino2dBackwardBoth', 'convWino2dWeightGrad',
  'convWino2d4', 'convWino2d4BackwardBoth', 'convWino2d4WeightGrad',
] as const;
export type JobName = (typeof JOBS)[number];

const PAGE = 65536;
/** Operands start here; the module has no static data, the first page stays unused. */
const ARENA_BASE = PAGE;

function decodeBase64(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function canShareMemory(): boolean {
  if (typeof SharedArrayBuffer === 'undefined') return false;
  try {
    new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    return true;
  } catch {
    return false;
  }
}

export interface WasmInfo {
  /** 'relaxed-simd' when f32x4.relaxed_madd (FMA) validated at start, else 'simd'. */
  isa: 'relaxed-simd' | 'simd';
  /** Why that variant: the engine's default, the V8 flag set at start (Node 20), or an opt-out. */
  isaReason: string;
  sharedMemory: boolean;
  /** Threads that take part in large kernels (1 = the calling thread only). */
  threads: number;
  /** Workers spawned but not yet ready. */
  pendingWorkers: number;
  memoryBytes: number;
}

// Control block per worker (Int32 words): SEQ (job posted), DONE (job finished), JOB index, ERR flag;
// then Float64 argument slots from byte offset ARG_BYTE.
const CTRL_SEQ = 0;
const CTRL_DONE = 1;
const CTRL_JOB = 2;
const CTRL_ERR = 3;
const CTRL_READY = 4;
const ARG_BYTE = 64;
const MAX_ARGS = 16;
const CTRL_BYTES = ARG_BYTE + MAX_ARGS * 8;

/** Plain JS run by each worker thread (eval'd, so no file needs to be found at run time). */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, ctrl, jobs } = workerData;
const inst = new WebAssembly.Instance(module, { env: { memory } });
const I = new Int32Array(ctrl);
const F = new Float64Array(ctrl, ${ARG_BYTE}, ${MAX_ARGS});
const fns = jobs.map((j) => inst.exports[j]);
let seen = 0;
Atomics.store(I, ${CTRL_READY}, 1);
Atomics.notify(I, ${CTRL_READY});
for (;;) {
  Atomics.wait(I, ${CTRL_SEQ}, seen);
  seen = Atomics.load(I, ${CTRL_SEQ});
  if (seen < 0) break;
  try {
    const f = fns[I[${CTRL_JOB}]];
    f(F[0], F[1], F[2], F[3], F[4], F[5], F[6], F[7], F[8], F[9], F[10], F[11], F[12], F[13], F[14], F[15]);
    I[${CTRL_ERR}] = 0;
  } catch (e) {
    I[${CTRL_ERR}] = 1;
  }
  Atomics.store(I, ${CTRL_DONE}, seen);
  Atomics.notify(I, ${CTRL_DONE});
}
`;

interface WorkerSlot {
  ctrl: Int32Array;
  args: Float64Array;
  seq: number;
  terminate(): Promise<number>;
}

/** One instantiated module variant and its memory. */
interface Instantiated {
  module: WasmModule;
  memory: WasmMemory;
  exports: WasmExports;
}

export class WasmRuntime {
  readonly isa: 'relaxed-simd' | 'simd';
  readonly isaReason: string;
  /** Whether the engine can share memory with worker threads (SharedArrayBuffer usable). */
  readonly canShare: boolean;
  private readonly relaxed: boolean;
  private priv: Instantiated | null = null;
  private sharedInst: Instantiated | null = null;
  private active!: Instantiated;
  private buf!: ArrayBufferLike;
  private f32v!: Float32Array;
  private i32v!: Int32Array;
  private top = ARENA_BASE;
  private workers: WorkerSlot[] = [];
  private pending: WorkerSlot[] = [];
  /** Bytes of packed-B scratch each gemm needs. */
  readonly packBytes: number;

  constructor(relaxed: boolean, isaReason: string) {
    this.isaReason = isaReason;
    this.relaxed = relaxed;
    this.isa = relaxed ? 'relaxed-simd' : 'simd';
    this.canShare = canShareMemory();
    this.activate(false);
    this.packBytes = this.exports.packBytes();
  }

  /** The active variant's exports (private memory on one thread, shared with workers). */
  get exports(): WasmExports {
    return this.active.exports;
  }

  get memory(): WasmMemory {
    return this.active.memory;
  }

  /** Whether the active memory is shared (worker threads running). */
  get shared(): boolean {
    return this.active === this.sharedInst;
  }

  /** Switch to the private- or shared-memory build, instantiating it on first use. */
  private activate(shared: boolean): void {
    if (shared) {
      if (this.sharedInst === null) {
        const module = new WebAssembly.Module(decodeBase64(this.relaxed ? generated.relaxedShared : generated.simdShared));
        const memory = new WebAssembly.Memory({ initial: 2, maximum: generated.MAX_PAGES, shared: true });
        const instance = new WebAssembly.Instance(module, { env: { memory } });
        this.sharedInst = { module, memory, exports: instance.exports as unknown as WasmExports };
      }
      this.active = this.sharedInst;
    } else {
      if (this.priv === null) {
        const module = new WebAssembly.Module(decodeBase64(this.relaxed ? generated.relaxed : generated.simd));
        const instance = new WebAssembly.Instance(module, {});
        this.priv = { module, memory: instance.exports.memory as WasmMemory, exports: instance.exports as unknown as WasmExports };
      }
      this.active = this.priv;
    }
    this.buf = this.memory.buffer;
    this.f32v = new Float32Array(this.buf);
    this.i32v = new Int32Array(this.buf);
  }

  // ───────────── memory ─────────────

  /** Start laying out a new call's operands. */
  reset(): void {
    this.top = ARENA_BASE;
  }

  /** Reserve `floats` float32 slots (64-byte aligned); returns the byte offset. */
  alloc(floats: number): number {
    const p = this.top;
    this.top = (p + floats * 4 + 63) & ~63;
    return p;
  }

  /** Grow the memory to cover everything allocated since reset(); call before touching views. */
  commit(): void {
    const need = this.top;
    const have = this.memory.buffer.byteLength;
    if (need > have) {
      const pages = Math.ceil((need - have) / PAGE);
      if (have / PAGE + pages > generated.MAX_PAGES) {
        throw new Error(`wasm backend: a kernel needs ${(need / 2 ** 20).toFixed(0)} MiB of scratch, above the ${generated.MAX_PAGES * PAGE / 2 ** 20} MiB memory limit`);
      }
      this.memory.grow(pages);
    }
    if (this.memory.buffer !== this.buf || this.f32v.length * 4 !== this.memory.buffer.byteLength) {
      this.buf = this.memory.buffer;
      this.f32v = new Float32Array(this.buf);
      this.i32v = new Int32Array(this.buf);
    }
  }

  get f32(): Float32Array {
    return this.f32v;
  }

  get i32(): Int32Array {
    return this.i32v;
  }

  // ───────────── threads ─────────────

  /** Threads ready to take part (the calling thread included). */
  get threads(): number {
    this.promote();
    return 1 + this.workers.length;
  }

  info(): WasmInfo {
    return {
      isa: this.isa, isaReason: this.isaReason, sharedMemory: this.shared, threads: this.threads,
      pendingWorkers: this.pending.length, memoryBytes: this.memory.buffer.byteLength,
    };
  }

  private promote(): void {
    if (this.pending.length === 0) return;
    const still: WorkerSlot[] = [];
    for (const w of this.pending) {
      if (Atomics.load(w.ctrl, CTRL_READY) === 1) this.workers.push(w);
      else still.push(w);
    }
    this.pending = still;
  }

  /**
   * Use `n` threads in total for large kernels (n − 1 workers). Needs shared memory and Node's
   * worker_threads; returns the thread count that will be used once the workers are up.
   */
  async setThreads(n: number): Promise<number> {
    const want = Math.max(1, Math.floor(n)) - 1;
    if (!this.canShare && want > 0) throw new Error('wasm backend: threads need SharedArrayBuffer (in browsers: a cross-origin isolated page)');
    await this.stopWorkers(want);
    this.activate(want > 0);
    if (this.workers.length + this.pending.length < want) {
      // Worker threads are Node's (a browser build keeps wasm on the page's thread): say so, not 'Worker is not a constructor'.
      const node = (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node;
      if (node === undefined) throw new Error('wasm backend: worker threads need Node (node:worker_threads); in a browser the wasm backend runs on the calling thread — use setWasmThreads(1)');
      const wt = await import('node:worker_threads');
      while (this.workers.length + this.pending.length < want) {
        const sab = new SharedArrayBuffer(CTRL_BYTES);
        const worker = new wt.Worker(WORKER_SOURCE, {
          eval: true,
          workerData: { module: this.active.module, memory: this.memory, ctrl: sab, jobs: [...JOBS] },
        });
        worker.unref();
        const slot: WorkerSlot = {
          ctrl: new Int32Array(sab), args: new Float64Array(sab, ARG_BYTE, MAX_ARGS), seq: 0,
          terminate: () => worker.terminate(),
        };
        this.pending.push(slot);
      }
    }
    // Wait for the workers to instantiate (bounded).
    const t0 = Date.now();
    while (this.pending.length > 0 && Date.now() - t0 < 10_000) {
      this.promote();
      if (this.pending.length > 0) await new Promise((r) => setTimeout(r, 5));
    }
    if (this.pending.length > 0) throw new Error('wasm backend: worker threads did not start within 10 s');
    return this.threads;
  }

  private async stopWorkers(keep: number): Promise<void> {
    const all = [...this.workers, ...this.pending];
    const stop = all.slice(keep);
    this.workers = this.workers.slice(0, keep);
    this.pending = this.pending.slice(0, Math.max(0, keep - this.workers.length));
    for (const w of stop) {
      Atomics.store(w.ctrl, CTRL_SEQ, -1);
      Atomics.notify(w.ctrl, CTRL_SEQ);
      await w.terminate();
    }
  }

  /**
   * Run job slices: slices[0] on the calling thread, slices[t] on worker t − 1. Each slice is an
   * argument list for the named wasm export. `inline`: run them all on the calling thread, one
   * after another — the same computations, so the same bits, without waking the workers (for
   * jobs shorter than a wake-up).
   */
  run(job: JobName, slices: number[][], inline = false): void {
    const fns = this.exports as unknown as Record<string, (...a: number[]) => void>;
    if (slices.length === 1 || inline) {
      for (const s of slices) fns[job](...s);
      return;
    }
    const jobIndex = JOBS.indexOf(job);
    const posted: WorkerSlot[] = [];
    for (let t = 1; t < slices.length; t++) {
      const w = this.workers[t - 1];
      const args = slices[t];
      for (let i = 0; i < args.length; i++) w.args[i] = args[i];
      w.ctrl[CTRL_JOB] = jobIndex;
      w.seq = w.seq + 1;
      Atomics.store(w.ctrl, CTRL_SEQ, w.seq);
      Atomics.notify(w.ctrl, CTRL_SEQ);
      posted.push(w);
    }
    let err: unknown = null;
    try {
      fns[job](...slices[0]);
    } catch (e) {
      err = e;
    }
    for (const w of posted) {
      let d: number;
      while ((d = Atomics.load(w.ctrl, CTRL_DONE)) !== w.seq) Atomics.wait(w.ctrl, CTRL_DONE, d);
      if (w.ctrl[CTRL_ERR] !== 0 && err === null) err = new Error(`wasm backend: ${job} failed on a worker thread`);
    }
    if (err !== null) throw err;
  }
}

let runtime: WasmRuntime | null = null;
let failure: string | null = null;

/** 'auto': relaxed SIMD (FMA) where the engine has it, turning on Node 20's flag; 'simd': plain SIMD. */
export type WasmIsaRequest = 'auto' | 'simd';
const ISA_ENV = 'TSDNAS_WASM_ISA';
let isaRequest: WasmIsaRequest | null = null;

function isaFromEnv(): WasmIsaRequest | null {
  const v = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.[ISA_ENV];
  if (v === undefined || v === '') return null;
  if (v === 'auto' || v === 'simd') return v;
  throw new Error(`wasm backend: environment variable ${ISA_ENV}=${JSON.stringify(v)} is not a variant; use 'simd' (plain SIMD, no FMA) or 'auto' (relaxed SIMD where the engine has it)`);
}

/**
 * Choose the wasm module variant before the first wasm kernel runs: 'simd' forces plain SIMD
 * (results then do not depend on whether the CPU fuses multiply-adds), 'auto' (the default) takes
 * relaxed SIMD where available. Overrides TSDNAS_WASM_ISA. The variant is fixed once the runtime
 * has started; asking for a different one afterwards throws.
 */
export function setWasmIsa(isa: WasmIsaRequest): void {
  if (isa !== 'auto' && isa !== 'simd') throw new Error(`setWasmIsa: ${JSON.stringify(isa)} is not a variant; use 'auto' or 'simd'`);
  if (runtime !== null) {
    // Already started: fine when it is what 'isa' would have chosen, else say how to get it.
    const fits = isa === 'simd' ? runtime.isa === 'simd' : !runtime.isaReason.startsWith('forced');
    if (!fits) throw new Error(`setWasmIsa('${isa}'): the wasm runtime already started with ${runtime.isa} (${runtime.isaReason}); call setWasmIsa before the first wasm kernel, or set ${ISA_ENV} before starting the process`);
  }
  isaRequest = isa;
}

/** Pick the variant: relaxed when wanted and the engine validates it (after enabling Node 20's flag). */
function chooseIsa(): { relaxed: boolean; reason: string } {
  const env = isaFromEnv();
  const want = isaRequest ?? env ?? 'auto';
  if (want === 'simd') return { relaxed: false, reason: isaRequest !== null ? "forced by setWasmIsa('simd')" : `forced by ${ISA_ENV}=simd` };
  const bytes = decodeBase64(generated.relaxed);
  if (WebAssembly.validate(bytes)) return { relaxed: true, reason: 'engine default' };
  if (enableRelaxedSimdFlag() && WebAssembly.validate(bytes)) return { relaxed: true, reason: `V8 flag ${RELAXED_SIMD_FLAG} set at start` };
  return { relaxed: false, reason: 'engine lacks relaxed SIMD' };
}

/** The process-wide runtime, created on first use; null when WebAssembly SIMD is unavailable. */
export function wasmRuntime(): WasmRuntime | null {
  if (runtime !== null || failure !== null) return runtime;
  const wasmPresent = typeof WebAssembly !== 'undefined';
  const isa = wasmPresent ? chooseIsa() : null; // a bad TSDNAS_WASM_ISA throws here, not a silent js fallback
  try {
    if (!wasmPresent || isa === null) throw new Error('no WebAssembly');
    if (!WebAssembly.validate(decodeBase64(generated.simd))) throw new Error('this engine lacks WebAssembly SIMD');
    runtime = new WasmRuntime(isa.relaxed, isa.reason);
  } catch (e) {
    failure = e instanceof Error ? e.message : String(e);
  }
  return runtime;
}

export function wasmUnavailableReason(): string | null {
  wasmRuntime();
  return failure;
}
