/** Shared fixtures of the quantisation tests: seed networks at test-sized inputs with non-trivial BatchNorm statistics. */

import { Rng } from '../../src/tensor/rng.js';
import { BatchNorm } from '../../src/nn/layers/batchnorm.js';
import type { Module } from '../../src/nn/module.js';
import { buildSeed } from '../../src/models/seeds.js';
import type { QuantModel } from '../../src/quant/qmodel.js';
import type { PlanLayerInfo, QuantPlan } from '../../src/quant/plan.js';

/**
 * A random per-channel plan over {0, 2, 4, 8}: each channel pruned with probability `pZero` (never
 * the output layer's), one channel of every layer kept; activations at `aBits()` (default 8).
 */
export function randomPrunedPlan(layers: readonly PlanLayerInfo[], rng: Rng, pZero = 0.4, aBits: () => number = () => 8): QuantPlan {
  const plan: QuantPlan = { inputBits: 8, layers: {} };
  for (const l of layers) {
    const wBits: number[] = Array.from({ length: l.outChannels }, () => (!l.isOutput && rng.next() < pZero ? 0 : [2, 4, 8][Math.floor(rng.next() * 3)]));
    if (!wBits.some((b) => b > 0)) wBits[l.outChannels - 1] = 8;
    plan.layers[l.path] = { wBits, aBits: aBits() };
  }
  return plan;
}

/** Every seed with an input shape small enough for the js integer engine in a unit test. */
export const SEED_SHAPES: Record<string, number[]> = {
  'tcn-mnist': [28, 28], 'tcn-ecg': [1, 96], temponet: [4, 64], 'temponet-seed': [4, 64], 'cnn-small': [1, 28, 28],
  'ds-cnn': [1, 49, 10], 'mini-resnet': [3, 16, 16], resnet8: [3, 32, 32], 'mobilenet-v1-0.25': [3, 32, 32],
};

/** Random running statistics and affine parameters, so that folding does real work. */
export function randomizeBatchNorms(model: Module, rng: Rng): void {
  for (const [, m] of model.namedModules()) {
    if (!(m instanceof BatchNorm)) continue;
    for (let c = 0; c < m.numFeatures; c++) {
      m.runningMean.data[c] = 0.2 * (rng.next() - 0.5);
      m.runningVar.data[c] = 0.5 + rng.next();
      if (m.weight) m.weight.data[c] = 0.6 + 0.8 * rng.next();
      if (m.bias) m.bias.data[c] = 0.2 * (rng.next() - 0.3);
    }
  }
}

export function seedModel(name: string, seed = 1): Module {
  const rng = new Rng(seed);
  const m = buildSeed(name, { inputShape: SEED_SHAPES[name], outputs: 5, rng });
  randomizeBatchNorms(m, rng);
  return m.eval();
}

/** The integer step of the codes a fake-quant node outputs, or null for a layer's accumulator. */
export function nodeStep(q: QuantModel, i: number): number | null {
  const n = q.nodes[i];
  switch (n.kind) {
    case 'input': case 'quant': case 'add': case 'avgpool': return n.quant.scale();
    case 'maxpool': case 'flatten': case 'pad': return nodeStep(q, n.src);
    case 'layer': return null;
  }
}
