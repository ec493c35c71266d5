/**
 * Backend selection in one place. Importing the library changes nothing: the active backend is
 * `js` until the program asks for another. `useFastestBackend()` is the documented default for
 * applications (the CLI and the benchmarks call it): it registers `wasm` when the engine has
 * WebAssembly SIMD and makes it active, else stays on `js`, and says which one it chose.
 */

import { getBackendName, hasBackend, registerBackend, setBackend } from './dispatch.js';
import { setWasmThreads, wasmAvailable, wasmBackend } from './wasm/index.js';
import { wasmUnavailableReason } from './wasm/runtime.js';

/** Register the wasm backend (no-op when already registered); false when this engine cannot run it. */
export function registerWasmBackend(): boolean {
  if (!wasmAvailable()) return false;
  if (!hasBackend(wasmBackend.name)) registerBackend(wasmBackend);
  return true;
}

export interface BackendChoice {
  backend: string;
  /** why the fastest backend was not chosen, when it was not */
  reason?: string;
}

/** Make the fastest available backend active (wasm, else js). Synchronous, single-threaded. */
export function useFastestBackend(): BackendChoice {
  if (registerWasmBackend()) {
    setBackend(wasmBackend.name);
    return { backend: getBackendName() };
  }
  setBackend('js');
  return { backend: 'js', reason: `wasm unavailable: ${wasmUnavailableReason() ?? 'unknown'}` };
}

/**
 * useFastestBackend() plus worker threads for large kernels (default: every core, at most 8).
 * Resolves with the backend and thread count actually in use.
 */
export async function useFastestBackendWithThreads(threads?: number): Promise<BackendChoice & { threads: number }> {
  const choice = useFastestBackend();
  if (choice.backend !== wasmBackend.name) return { ...choice, threads: 1 };
  let n = threads;
  if (n === undefined) {
    try {
      const os = await import('node:os');
      n = Math.min(8, os.availableParallelism?.() ?? os.cpus().length);
    } catch {
      n = 1;
    }
  }
  try {
    return { ...choice, threads: await setWasmThreads(n) };
  } catch (e) {
    return { ...choice, threads: 1, reason: `threads unavailable: ${e instanceof Error ? e.message : String(e)}` };
  }
}
