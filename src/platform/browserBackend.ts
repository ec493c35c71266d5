/**
 * Kernel backend choice for a browser page, with every refused option and its reason, so that a
 * page can say which backend and which gpu.js mode actually ran.
 *
 * Order for 'auto': wasm SIMD (fastest on small models), else gpu.js, else js. gpu.js modes are
 * tried webgl2 → webgl → webasm; each is proven by running a small GEMM and comparing it with the
 * js reference (createGpujsBackend already refuses a kernel that ran in another mode). WebGPU is
 * reported but not used: the kernel contracts are synchronous and WebGPU has no synchronous
 * readback. Worker threads are Node-only, so wasm runs on the page's thread.
 */

import { registerBackend, setBackend } from '../kernels/dispatch.js';
import { registerWasmBackend } from '../kernels/select.js';
import { wasmUnavailableReason } from '../kernels/wasm/runtime.js';
import { createGpujsBackend, GPUJS_NOT_INSTALLED, type GpujsBackend, type GpujsMode } from '../kernels/gpujs/index.js';
import { jsKernels } from '../kernels/js/index.js';

export type BrowserBackendPreference = 'auto' | 'wasm' | 'gpujs' | 'js';

export interface BrowserBackendChoice {
  /** The active backend: 'wasm', 'gpujs' or 'js'. */
  backend: string;
  /** The gpu.js mode that ran, when backend is 'gpujs'. */
  gpujsMode?: GpujsMode;
  /** Options tried before the chosen one, each with why it was refused. */
  refused: { option: string; reason: string }[];
  /** What the page's WebGPU offers (informational). */
  webgpu: string;
}

const GPUJS_MODES: GpujsMode[] = ['webgl2', 'webgl', 'webasm'];

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Runs an 8×8·8×8 GEMM on the backend and checks it against the js reference. */
function proveGemm(b: GpujsBackend): void {
  const n = 8;
  const a = new Float32Array(n * n).map((_, i) => ((i * 7) % 11) / 11 - 0.5);
  const bm = new Float32Array(n * n).map((_, i) => ((i * 5) % 13) / 13 - 0.5);
  const got = new Float32Array(n * n);
  const want = new Float32Array(n * n);
  const gemm = b.kernels.gemm;
  if (gemm === undefined) throw new Error('gpujs backend has no gemm kernel');
  gemm(false, false, n, n, n, 1, a, 0, n, bm, 0, n, 0, got, 0, n);
  jsKernels.gemm(false, false, n, n, n, 1, a, 0, n, bm, 0, n, 0, want, 0, n);
  for (let i = 0; i < got.length; i++) {
    if (!(Math.abs(got[i] - want[i]) <= 1e-4)) throw new Error(`GEMM check failed at ${i}: ${got[i]} vs js ${want[i]}`);
  }
}

async function webgpuStatus(): Promise<string> {
  const gpu = (globalThis as { navigator?: { gpu?: { requestAdapter(): Promise<unknown> } } }).navigator?.gpu;
  if (gpu === undefined) return 'absent (no navigator.gpu)';
  try {
    const adapter = await gpu.requestAdapter();
    return adapter === null ? 'API present, no adapter' : 'adapter available, unused (kernels are synchronous; WebGPU readback is asynchronous)';
  } catch (e) {
    return `API present, adapter request failed (${message(e)})`;
  }
}

async function tryGpujs(refused: BrowserBackendChoice['refused']): Promise<GpujsBackend | null> {
  for (const mode of GPUJS_MODES) {
    try {
      const b = await createGpujsBackend(mode);
      proveGemm(b);
      return b;
    } catch (e) {
      // No gpu.js at all: one entry saying how to install it, not the same reason per mode.
      if ((e as { code?: unknown }).code === GPUJS_NOT_INSTALLED) {
        refused.push({ option: 'gpujs', reason: message(e) });
        return null;
      }
      refused.push({ option: `gpujs/${mode}`, reason: message(e) });
    }
  }
  return null;
}

/** Make the preferred backend active (falling back as described above) and say what happened. */
export async function useBrowserBackend(pref: BrowserBackendPreference = 'auto'): Promise<BrowserBackendChoice> {
  const refused: BrowserBackendChoice['refused'] = [];
  const webgpu = await webgpuStatus();
  if (pref === 'auto' || pref === 'wasm') {
    if (registerWasmBackend()) {
      setBackend('wasm');
      return { backend: 'wasm', refused, webgpu };
    }
    refused.push({ option: 'wasm', reason: wasmUnavailableReason() ?? 'unavailable' });
  }
  if (pref !== 'js') {
    const g = await tryGpujs(refused);
    if (g !== null) {
      registerBackend(g);
      setBackend(g.name);
      return { backend: g.name, gpujsMode: g.mode, refused, webgpu };
    }
  }
  setBackend('js');
  return { backend: 'js', refused, webgpu };
}
