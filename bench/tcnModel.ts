/**
 * The reference TCN for the benchmarks (input 1×512; conv1d 1→32 k5, 32→32 k5 d2,
 * 32→64 k5 d4, 64→64 k5 d8, causal, each + ReLU; global average pool; linear 64→5; cross-entropy;
 * batch 64; SGD), shared by bench/run.ts (all peers) and bench/tcn.ts (paired rounds vs PyTorch).
 */

import { spawnSync } from 'node:child_process';
import * as T from '../src/index.js';

export function rand(n: number, seed: number): Float32Array {
  const rng = new T.Rng(seed);
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.uniform(-1, 1);
  return a;
}

export function referenceTcn(): T.Module {
  const rng = new T.Rng(1);
  const layers: T.Module[] = [];
  for (const [ci, co, d] of [[1, 32, 1], [32, 32, 2], [32, 64, 4], [64, 64, 8]]) {
    layers.push(new T.Conv1d(ci, co, 5, { dilation: d, padding: 'causal', rng }), new T.ReLU());
  }
  return new T.Sequential(...layers, new T.GlobalAvgPool(), new T.Linear(64, 5, { rng }));
}

/** One call = one training step (forward, cross-entropy, backward, SGD) or one inference, batch 64. */
export function tsTcn(train: boolean): () => void {
  const model = referenceTcn();
  const x = T.tensor(rand(64 * 512, 5), [64, 1, 512]);
  const y = Array.from({ length: 64 }, (_, i) => i % 5);
  if (!train) return () => { T.noGrad(() => model.forward(x)); };
  const opt = new T.SGD(model.parameters(), { lr: 0.01 });
  return () => {
    opt.zeroGrad();
    const loss = T.crossEntropy(model.forward(x), y);
    T.backward(loss);
    opt.step();
  };
}

/** FLOPs of one forward pass (conv multiply-adds × 2); a training step counts 3×. */
export const TCN_FORWARD_FLOPS = 2 * 64 * 512 * 5 * (32 + 32 * 32 + 32 * 64 + 64 * 64);

/** Runs bench/torch_peer.py on a case list; null when python3-torch is missing (reason given). */
export function torchMedians(cases: Record<string, unknown>[], timeS: number, iters: number): { version: string; results: Record<string, number> } | { missing: string } {
  const py = ['/usr/bin/python3', 'python3'].find((p) => spawnSync(p, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0);
  if (py === undefined) return { missing: 'python3-torch is not installed (apt-get install python3-torch to add the rows)' };
  const r = spawnSync(py, [new URL('./torch_peer.py', import.meta.url).pathname], {
    input: JSON.stringify({ cases, time: timeS, iters }), encoding: 'utf8', maxBuffer: 1 << 24,
  });
  if (r.status !== 0) return { missing: `the peer script failed: ${r.stderr.slice(-300)}` };
  return JSON.parse(r.stdout) as { version: string; results: Record<string, number> };
}
