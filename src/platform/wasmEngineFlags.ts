/**
 * Node's half of the wasm backend's ISA choice: Node 20 (V8 11.3) implements WebAssembly relaxed
 * SIMD but keeps it behind `--experimental-wasm-relaxed-simd`; Node ≥ 22 and Chromium ship it on.
 * Relaxed SIMD gives the GEMM micro-kernel a fused multiply-add (f32x4.relaxed_madd), ≈ 20 %
 * faster, so the runtime turns the flag on at start when the engine refused the relaxed module.
 *
 * No `import` of a node: module here — this file is reached from the runtime that browsers load
 * too. Like the worker threads (a dynamic import behind a Node check), node:v8 is only touched
 * when `process.versions.node` says we are in Node, and then synchronously through
 * `process.getBuiltinModule` (Node ≥ 20.16 / 22.3), because the runtime validates its module
 * synchronously on first use. Older Node 20 releases keep plain SIMD unless started with the flag.
 */

interface NodeProcessLike {
  versions?: { node?: string };
  getBuiltinModule?: (id: string) => unknown;
}

interface V8Like {
  setFlagsFromString(flags: string): void;
}

export const RELAXED_SIMD_FLAG = '--experimental-wasm-relaxed-simd';

/**
 * Set V8's relaxed-SIMD flag in this Node process (and the workers it spawns later). Returns false
 * where that is impossible (not Node, or a Node without process.getBuiltinModule). Call it only
 * before the first relaxed module is compiled; it is harmless when the engine already ships the
 * feature, but the runtime calls it only after a failed validation.
 */
export function enableRelaxedSimdFlag(): boolean {
  const proc = (globalThis as { process?: NodeProcessLike }).process;
  if (proc?.versions?.node === undefined || typeof proc.getBuiltinModule !== 'function') return false;
  try {
    const v8 = proc.getBuiltinModule('node:v8') as V8Like | undefined;
    if (v8 === undefined || typeof v8.setFlagsFromString !== 'function') return false;
    v8.setFlagsFromString(RELAXED_SIMD_FLAG);
    return true;
  } catch {
    return false; // a runtime that refuses the flag keeps plain SIMD (the caller validates again anyway)
  }
}
