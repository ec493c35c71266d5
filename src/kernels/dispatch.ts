/**
 * Kernel dispatch: picks the active backend's implementation of a contract, else the `js`
 * reference, and records which backend actually ran each kernel.
 *
 * Backends are registered by explicit calls (no import side effects). A fallback to `js` is
 * counted and visible through `kernelStats()`; in strict mode it throws instead, so a benchmark
 * or test can prove that the backend it names is the one that ran.
 */

import type { Backend, KernelName, KernelSet } from './contracts.js';
import { jsBackend } from './js/index.js';

const backends = new Map<string, Backend>([[jsBackend.name, jsBackend]]);
let active: Backend = jsBackend;
let strict = false;

/** counts[backendName][kernelName] = calls dispatched to that backend (delegations included). */
const counts = new Map<string, Map<string, number>>();
const fallbacks = new Map<string, number>();
/**
 * backend -> kernel -> reason -> calls the backend handed to js itself (small tensors, float64
 * operands). Kept as nested maps of constant strings so that recording one costs a few lookups:
 * tiny MCU-sized ops delegate on every call. kernelStats() moves them from the backend to js.
 */
const delegations = new Map<string, Map<string, Map<string, number>>>();

export function registerBackend(backend: Backend): void {
  backends.set(backend.name, backend);
}

export function hasBackend(name: string): boolean {
  return backends.has(name);
}

export function listBackends(): string[] {
  return [...backends.keys()];
}

export function setBackend(name: string): void {
  const b = backends.get(name);
  if (b === undefined) {
    throw new Error(`setBackend: unknown backend '${name}' (registered: ${listBackends().join(', ')}); register it with registerBackend() first`);
  }
  active = b;
}

export function getBackendName(): string {
  return active.name;
}

/** In strict mode a kernel missing from the active backend throws instead of falling back. */
export function setStrictBackend(on: boolean): void {
  strict = on;
}

function record(backend: string, kernel: string): void {
  let m = counts.get(backend);
  if (m === undefined) counts.set(backend, (m = new Map()));
  m.set(kernel, (m.get(kernel) ?? 0) + 1);
}

/** The implementation of one kernel contract on the active backend (or the js fallback). */
export function kernel<K extends KernelName>(name: K): KernelSet[K] {
  const impl = active.kernels[name];
  if (impl !== undefined) {
    record(active.name, name);
    return impl as KernelSet[K];
  }
  if (strict) {
    throw new Error(`kernel '${name}': backend '${active.name}' does not implement it and strict mode forbids the js fallback; call setStrictBackend(false) or use a backend that has it`);
  }
  fallbacks.set(name, (fallbacks.get(name) ?? 0) + 1);
  record(jsBackend.name, name);
  return jsBackend.kernels[name] as KernelSet[K];
}

/**
 * Called by a backend kernel that hands one call to the js reference itself (because of an
 * operand it does not support, e.g. float64 on the float32-only wasm backend). The call moves
 * from the backend's count to js's, is counted as a fallback with its reason, and in strict mode
 * throws instead — so a delegation is never silent.
 */
export function recordFallback(backend: string, name: KernelName, reason: string): void {
  if (strict) {
    throw new Error(`kernel '${name}': backend '${backend}' cannot run this call (${reason}) and strict mode forbids the js fallback`);
  }
  let byKernel = delegations.get(backend);
  if (byKernel === undefined) delegations.set(backend, (byKernel = new Map()));
  let byReason = byKernel.get(name);
  if (byReason === undefined) byKernel.set(name, (byReason = new Map()));
  byReason.set(reason, (byReason.get(reason) ?? 0) + 1);
}

export interface KernelStats {
  active: string;
  /** backend -> kernel -> calls */
  calls: Record<string, Record<string, number>>;
  /** kernel -> calls that fell back to js because the active backend lacks it */
  fallbacks: Record<string, number>;
  /** "backend:kernel:reason" -> calls a backend delegated to js (see recordFallback) */
  fallbackReasons: Record<string, number>;
}

export function kernelStats(): KernelStats {
  const calls: Record<string, Record<string, number>> = {};
  for (const [b, m] of counts) calls[b] = Object.fromEntries(m);
  const fb: Record<string, number> = Object.fromEntries(fallbacks);
  const fallbackReasons: Record<string, number> = {};
  for (const [b, byKernel] of delegations) {
    for (const [k, byReason] of byKernel) {
      let moved = 0;
      for (const [r, c] of byReason) {
        fallbackReasons[`${b}:${k}:${r}`] = c;
        moved += c;
      }
      // A delegated call was served by js, not by the backend that was asked.
      const left = (calls[b]?.[k] ?? 0) - moved;
      if (calls[b] !== undefined) {
        if (left > 0) calls[b][k] = left;
        else delete calls[b][k];
      }
      (calls.js ??= {})[k] = (calls.js[k] ?? 0) + moved;
      fb[k] = (fb[k] ?? 0) + moved;
    }
  }
  return { active: active.name, calls, fallbacks: fb, fallbackReasons };
}

export function resetKernelStats(): void {
  counts.clear();
  fallbacks.clear();
  delegations.clear();
}
