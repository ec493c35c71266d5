/**
 * Search overhead benchmark: wall time of one PIT search epoch (a weight pass over the training
 * split plus a mask pass over the validation split with the cost regulariser) against one plain
 * training epoch over the same training split, same seed model, same backend, same run.
 * Target (issue 4): search epoch ≤ 2× plain epoch. Usage: npm run bench:search [-- --quick]
 */

import { Bench } from 'tinybench';
import { Rng } from '../src/tensor/rng.js';
import { useFastestBackend } from '../src/kernels/select.js';
import { getBackendName } from '../src/kernels/dispatch.js';
import { buildSeed } from '../src/models/seeds.js';
import { trainEpoch, type EpochContext } from '../src/search/train/epoch.js';
import { Adam } from '../src/nn/optim/adam.js';
import { pit } from '../src/nas/pit/convert.js';
import { plainRegularizer } from '../src/search/regularizers.js';
import type { ArrayDataset } from '../src/data/types.js';

const QUICK = process.argv.includes('--quick');

function synthetic(n: number, shape: number[], classes: number, seed: number): ArrayDataset {
  const rng = new Rng(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  const x = new Float32Array(n * size).map(() => rng.normal());
  const y = new Int32Array(n).map(() => rng.int(classes));
  return { name: 'synthetic', x, sampleShape: shape, y, length: n, task: 'classification', numClasses: classes };
}

async function medianMs(fn: () => void): Promise<number> {
  const b = new Bench({ time: 0, iterations: QUICK ? 3 : 7, warmupIterations: 1, warmupTime: 0, throws: true });
  b.add('x', fn as () => Promise<void>);
  await b.run();
  return (b.tasks[0].result as { latency: { p50: number } }).latency.p50;
}

async function main(): Promise<void> {
  const choice = useFastestBackend();
  const shape = [28, 28];
  const train = synthetic(QUICK ? 640 : 2560, shape, 10, 1);
  const val = synthetic(QUICK ? 64 : 256, shape, 10, 2);
  const ctx: EpochContext = { task: 'classification', numClasses: 10, loss: { loss: 'cross-entropy', labelSmoothing: 0, huberDelta: 1 }, scaler: null };
  const rng = new Rng(3);
  const plain = buildSeed('tcn-mnist', { inputShape: shape, outputs: 10, rng: new Rng(4) });
  const plainOpt = new Adam(plain.parameters(), { lr: 1e-3 });
  const plainMs = await medianMs(() => { trainEpoch(plain, train, ctx, { batchSize: 32, rng, optimizers: [plainOpt] }); });
  const target = pit(buildSeed('tcn-mnist', { inputShape: shape, outputs: 10, rng: new Rng(4) }), { inputShape: shape });
  const wOpt = new Adam(target.weightParameters(), { lr: 1e-3 });
  const mOpt = new Adam(target.maskParameters(), { lr: 1e-3 });
  const reg = plainRegularizer('params', 1e-6);
  const searchMs = await medianMs(() => {
    trainEpoch(target.model, train, ctx, { batchSize: 32, rng, optimizers: [wOpt] });
    trainEpoch(target.model, val, ctx, { batchSize: 32, rng, optimizers: [mOpt], extraLoss: (l) => reg.term(target.costs({ discrete: true }), { epoch: 1, epochs: 1, taskLoss: l }) });
  });
  console.log(`backend ${getBackendName()} (${choice.reason ?? 'fastest available'}); tcn-mnist, ${train.length} train + ${val.length} validation samples`);
  console.log(`plain training epoch  median ${plainMs.toFixed(0)} ms`);
  console.log(`PIT search epoch      median ${searchMs.toFixed(0)} ms  (weights on train + masks on validation)`);
  console.log(`ratio search / plain  ${(searchMs / plainMs).toFixed(2)}× (target ≤ 2×)`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exitCode = 1;
});
