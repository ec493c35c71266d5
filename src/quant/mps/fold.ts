/**
 * BatchNorm folding of a float model before a mixed-precision search (docs/design.md#mixed-precision-search). Why: a
 * BatchNorm after a conv makes the loss blind to the scale of that conv's output channels, and
 * the relaxed mixture Σ_i θ_i·Q_{p_i}(W) with a 0-bit candidate only scales a channel — so with BN
 * in place the search prunes freely (the loss never sees it) and the argmax network collapses.
 * Folded, the mixture's scale reaches the loss, and the searched weights are the deployed ones.
 */

import type { Module } from '../../nn/module.js';
import { BatchNorm } from '../../nn/layers/batchnorm.js';
import { Identity } from '../../nn/layers/simple.js';
import { buildFromArchitecture, describeArchitecture } from '../../nn/serialize.js';
import { traceModel } from '../../graph/trace.js';
import { swapAt } from '../../graph/swap.js';
import { foldBatchNorm } from '../bnFold.js';
import { isQuantizable } from './mpsLayer.js';

/** Fold every BatchNorm that directly follows a conv / linear (its only consumer) into it, in place; returns the folded paths. */
export function foldBatchNorms(model: Module, inputShape: readonly number[]): string[] {
  const trace = traceModel(model, inputShape);
  const folded: string[] = [];
  for (const u of trace.units) {
    const m = u.module;
    if (m === null || !isQuantizable(m) || u.consumers.length !== 1) continue;
    const bnUnit = u.consumers[0];
    if (!(bnUnit.module instanceof BatchNorm)) continue;
    const f = foldBatchNorm(m.weight, m.bias, bnUnit.module);
    const arch = describeArchitecture(m) as { bias: boolean };
    const next = buildFromArchitecture({ ...arch, bias: true } as Parameters<typeof buildFromArchitecture>[0]);
    const state = next.stateDict();
    (state.get('weight') as { data: Float32Array }).data.set(f.weight);
    (state.get('bias') as { data: Float32Array }).data.set(f.bias);
    swapAt(trace.modules, u.path, next);
    swapAt(trace.modules, bnUnit.path, new Identity());
    folded.push(`${u.path} ← ${bnUnit.path}`);
  }
  return folded;
}
