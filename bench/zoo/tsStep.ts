/**
 * The tsdnas side of the zoo: builds one entry's training step through the public API (the
 * architecture file → Module, random inputs from T.Rng, Adam at 1e-3) and times it. A step is
 * zeroGrad, forward, loss, backward, optimiser step; search modes add the cost term the search
 * protocol adds per batch (regulariser term of the model's costs) and use searchOptimizers.
 */

import * as T from '../../src/index.js';
import { LAMBDA, type ZooEntry } from './entries.js';

const MIN_MS = 1500;
const MIN_STEPS = 5;

/** Median ms of `step` over at least MIN_STEPS calls and MIN_MS, after one warm-up call (bench/tcn.ts uses it too). */
export function medianMs(step: () => void): number {
  step();
  const ts: number[] = [];
  const end = performance.now() + MIN_MS;
  while (ts.length < MIN_STEPS || performance.now() < end) {
    const t0 = performance.now();
    step();
    ts.push(performance.now() - t0);
  }
  ts.sort((a, b) => a - b);
  return ts[ts.length >> 1];
}

export const TIMING = { minTime: MIN_MS / 1000, minSteps: MIN_STEPS };

export interface TsStep {
  /** Parameters of the plain network (before any search conversion), to compare with PyTorch's. */
  params: number;
  step: () => void;
}

function randomBatch(e: ZooEntry, rng: T.Rng): { x: T.Tensor; loss: (out: T.Tensor) => T.Tensor } {
  const n = e.batch * e.input.reduce((a, b) => a * b, 1);
  const x = T.tensor(Float32Array.from({ length: n }, () => rng.uniform(-1, 1)), [e.batch, ...e.input]);
  if (e.classes === 1) {
    // A regression head (TEMPONet): mean squared error against random targets.
    const y = T.tensor(Float32Array.from({ length: e.batch }, () => rng.normal()), [e.batch, 1]);
    return { x, loss: (out) => T.mseLoss(out, y) };
  }
  const y = Array.from({ length: e.batch }, () => rng.int(e.classes));
  return { x, loss: (out) => T.crossEntropy(out, y) };
}

export function buildStep(e: ZooEntry): TsStep {
  const rng = new T.Rng(5);
  const { model } = T.loadModelFile(e.file, { inputShape: e.input, outputs: e.classes, rng });
  const params = model.numParameters();
  const { x, loss } = randomBatch(e, rng);
  if (e.mode === 'plain') {
    const opt = new T.Adam(model.parameters(), { lr: 1e-3 });
    return {
      params,
      step: () => {
        opt.zeroGrad();
        T.backward(loss(model.call(x)));
        opt.step();
      },
    };
  }
  // Search modes: the searchable handle and the cost the protocol regularises (plainRegularizer).
  const target: T.SearchableModel = e.mode === 'pit'
    ? T.pit(model, { inputShape: e.input })
    : T.mps.mps(model, {
      inputShape: e.input, perChannel: true, weightPrecisions: T.MPS_DEFAULTS.precisions, activationPrecisions: T.MPS_DEFAULTS.actPrecisions,
      inputBits: T.MPS_DEFAULTS.inputBits, sampling: T.MPS_DEFAULTS.sampling as T.mps.SamplingMode, t0: T.MPS_DEFAULTS.t0, calibration: x,
    });
  const cfg = e.mode === 'pit' ? T.SEARCH_DEFAULTS : T.MPS_DEFAULTS;
  const reg = T.plainRegularizer(e.mode === 'pit' ? 'params' : T.MPS_DEFAULTS.cost, LAMBDA[e.mode]);
  const opt = T.searchOptimizers(target, { lr: 1e-3 });
  return {
    params,
    step: () => {
      opt.zeroGrad();
      const task = loss(target.model.call(x));
      // As searchMasks' extraLoss: the term of every cost of the current masks (discrete as configured).
      const term = reg.term(target.costs({ discrete: cfg.discreteCost }), { epoch: 1, epochs: 1, taskLoss: 0, train: true });
      T.backward(T.add(task, term));
      opt.step();
    },
  };
}
