/**
 * The reference TCN's training step, alone, from any checkout of the project — for before/after
 * comparisons across trees (extract the old tree with `git archive`, link node_modules, run both
 * interleaved) and for checking that a kernel change keeps the bits.
 *
 *   npx tsx bench/tcnStep.ts <treeRoot> hash <threads> [steps=3]   sha-256 (16 hex) of the parameters after `steps` steps
 *   npx tsx bench/tcnStep.ts <treeRoot> time <threads> [steps=9]   median / fastest wall ms and median CPU ms per step
 *
 * TSDNAS_WASM_ISA=simd selects the plain-SIMD variant. CPU time (process.cpuUsage, GC threads
 * included) is steadier than wall time on a loaded machine.
 */

import { createHash } from 'node:crypto';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [rootArg, mode, threadsArg, stepsArg] = process.argv.slice(2);
if (rootArg === undefined || (mode !== 'hash' && mode !== 'time') || !(Number(threadsArg) >= 1)) {
  throw new Error('usage: npx tsx bench/tcnStep.ts <treeRoot> hash|time <threads> [steps]');
}
const root = pathToFileURL(resolve(rootArg)).href;
const T = await import(`${root}/src/index.ts`);
const M = await import(`${root}/bench/tcnModel.ts`);
T.useFastestBackend();
await T.setWasmThreads(Number(threadsArg));
const model = M.referenceTcn();
const x = T.tensor(M.rand(64 * 512, 5), [64, 1, 512]);
const y = Array.from({ length: 64 }, (_, i) => i % 5);
const opt = new T.SGD(model.parameters(), { lr: 0.01 });
const step = (): void => {
  opt.zeroGrad();
  T.backward(T.crossEntropy(model.forward(x), y));
  opt.step();
};

if (mode === 'hash') {
  for (let i = 0; i < Number(stepsArg ?? 3); i++) step();
  const h = createHash('sha256');
  for (const p of model.parameters()) h.update(new Uint8Array((p.values() as Float32Array).slice().buffer));
  console.log(`hash ${h.digest('hex').slice(0, 16)} isa=${T.wasmInfo()?.isa} threads=${threadsArg}`);
} else {
  step();
  step();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < Number(stepsArg ?? 9); i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    step();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  wall.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  console.log(`time ${wall[wall.length >> 1].toFixed(1)} min ${wall[0].toFixed(1)} cpu ${cpu[cpu.length >> 1].toFixed(1)} load ${loadavg()[0].toFixed(2)}`);
}
process.exit(0);
