/**
 * `--threads <n>` of the training commands: how many threads the large wasm kernels use. The
 * thread count changes the bits (weight-gradient sums are split per thread), so it is part of a
 * run's config and replayed by --resume; the default 1 keeps runs bit-reproducible everywhere.
 */

import { setWasmThreads, wasmInfo } from '../kernels/wasm/index.js';
import { UsageError } from './args.js';

export const THREADS_OPTION = {
  type: 'number', default: 1, min: 1, max: 64, integer: true,
  help: 'threads for the large wasm kernels (wasm backend only; helps models with large convs when cores are free); results differ in the last bits between thread counts (gradient sums are split per thread), so keep 1 for runs that must be bit-reproducible on any machine',
} as const;

/** "wasm, 2 threads" / "js": the header lines' backend description. */
export function backendLabel(run: { backend: string; threads: number }): string {
  return run.backend === 'js' ? 'js' : `${run.backend}, ${run.threads} thread${run.threads === 1 ? '' : 's'}`;
}

/**
 * Runs `then` once the wasm kernels use `run.threads` threads. Synchronous when they already do
 * (always for --threads 1 in a fresh process, so the commands stay synchronous by default);
 * otherwise after the worker threads have started (or stopped), as a promise the CLI awaits.
 */
export function withThreads<T>(run: { backend: string; threads: number }, then: () => T): T | Promise<T> {
  if (run.backend !== 'wasm' || (wasmInfo()?.threads ?? 1) === run.threads) return then();
  return setWasmThreads(run.threads).then(
    () => then(),
    (e: unknown) => {
      throw new UsageError(`--threads ${run.threads}: ${(e as Error).message}; use --threads 1`);
    },
  );
}
