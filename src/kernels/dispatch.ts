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

/** counts[backendName][kernelName] = number of calls served. */
const counts = new Map<string, Map<string, number>>();
const fallbacks = new Map<string, number>();
/** "backend:kernel" -> reason -> calls a backend handed to js itself (e.g. float64 operands). */
const reasonCounts = new Map<string, Map<string, number>>();

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
  const m = counts.get(backend);
  const c = m?.get(name) ?? 0;
  if (m !== undefined && c > 1) m.set(name, c - 1);
  else if (m !== undefined && c === 1) m.delete(name);
  record(jsBackend.name, name);
  fallbacks.set(name, (fallbacks.get(name) ?? 0) + 1);
  let byReason = reasonCounts.get(backend + ':' + name);
  if (byReason === undefined) reasonCounts.set(backend + ':' + name, (byReason = new Map()));
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
  const fallbackReasons: Record<string, number> = {};
  for (const [bk, m] of reasonCounts) for (const [r, c] of m) fallbackReasons[`${bk}:${r}`] = c;
  return { active: active.name, calls, fallbacks: Object.fromEntries(fallbacks), fallbackReasons };
}

export function resetKernelStats(): void {
  counts.clear();
  fallbacks.clear();
  reasonCounts.clear();
}
