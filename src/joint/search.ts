/**
 * The joint search as a kind of precision-search point: the precision search's protocol (clip
 * calibration, weights on train and masks + logits on validation with task + λ·cost, annealed
 * temperature, argmax plan, quantisation-aware fine-tune of the plan, test) run on the joint
 * model, whose export is PIT's dense model with the plan of its kept channels. Unlike the
 * precision-only searches it keeps the BatchNorms during the search (PIT masks them with the
 * channels; docs/design.md#joint-search says why), and the plan's fine-tune folds them. `runMps` takes it
 * beside the per-layer and per-channel searches, so resume, files and reports are shared.
 */

import type { DatasetSplits } from '../data/types.js';
import type { Module } from '../nn/module.js';
import { calibrationBatch, type MpsConfig, type MpsHooks, type PrecisionSearchKind, type SamplingMode } from '../quant/mps/index.js';
import { joint } from './convert.js';
import type { JointModel } from './model.js';

/** The PIT part of a joint search: what the masks search. */
export interface JointSearchSpace {
  channels: boolean;
  receptiveField: boolean;
  dilation: boolean;
}

/** Convert a warm model for one joint point, from the precision search's config. */
export function jointTarget(model: Module, splits: DatasetSplits, cfg: MpsConfig, hooks: MpsHooks, space: JointSearchSpace): JointModel {
  return joint(model, {
    inputShape: splits.info.sampleShape, search: space,
    weightPrecisions: cfg.precisions, activationPrecisions: cfg.actPrecisions, inputBits: cfg.inputBits, perChannel: !cfg.perLayer || cfg.perChannel,
    sampling: cfg.sampling as SamplingMode, t0: cfg.t0, seed: cfg.seed, calibration: calibrationBatch(splits), costs: hooks.costs,
  });
}

/** The joint search as a point kind of runMps / searchOne (kind 'joint' in front.json). */
export function jointSearchKind(space: JointSearchSpace = { channels: true, receptiveField: true, dilation: true }): PrecisionSearchKind {
  return { kind: 'joint', name: 'joint', keepsBatchNorm: true, convert: (model, splits, cfg, hooks) => jointTarget(model, splits, cfg, hooks, space) };
}
