/**
 * Two-thread scaling of the wasm GEMM (issue target: 2 threads ≥ 1.7× one thread at n = 1024).
 * One and two threads alternate in the same process, three rounds, median of 7 calls each, with
 * the machine's load average printed — on a shared 2-core machine the second core is only free
 * when the load is low. `npx tsx bench/threads.ts [n]`
 */

import { loadavg } from 'node:os';
import * as T from '../src/index.js';

T.useFastestBackend();
const n = Number(process.argv[2] ?? 1024);
const rng = new T.Rng(1);
const a = new Float32Array(n * n).map(() => rng.uniform(-1, 1));
const b = new Float32Array(n * n).map(() => rng.uniform(-1, 1));
const c = new Float32Array(n * n);
const gemm = T.wasmKernels.gemm!;
const run = () => gemm(false, false, n, n, n, 1, a, 0, n, b, 0, n, 0, c, 0, n);

function median(reps: number): number {
  const ts: number[] = [];
  run();
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    run();
    ts.push(performance.now() - t0);
  }
  return ts.sort((x, y) => x - y)[reps >> 1];
}

const gf = (ms: number) => (2 * n ** 3 / ms / 1e6).toFixed(1);
console.log(`wasm GEMM n=${n}, isa ${T.wasmInfo()!.isa}, load average at start ${loadavg().map((v) => v.toFixed(2)).join(' ')}`);
for (let round = 0; round < 3; round++) {
  await T.setWasmThreads(1);
  const t1 = median(7);
  await T.setWasmThreads(2);
  const t2 = median(7);
  console.log(`  1 thread ${t1.toFixed(1)} ms (${gf(t1)} GFLOP/s)  2 threads ${t2.toFixed(1)} ms (${gf(t2)} GFLOP/s)  speedup ${(t1 / t2).toFixed(2)}×  load ${loadavg()[0].toFixed(2)}`);
}
await T.setWasmThreads(1);
