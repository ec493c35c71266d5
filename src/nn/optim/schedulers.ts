/**
 * The learning-rate schedules, each the closed form of its PyTorch namesake, plus a linear
 * warm-up that can lead into any of them. Call `step()` once per epoch, after the epoch's
 * optimiser steps.
 */

import { LRScheduler, type SchedulableOptimizer } from './lrScheduler.js';
import { checkKnownKeys, checkNumber, checkObject, fmtValue } from './validate.js';

function options(owner: string, o: unknown, allowed: readonly string[]): Record<string, unknown> {
  const obj = checkObject(owner, 'options', o);
  checkKnownKeys(owner, 'the options', obj, allowed);
  return obj;
}

export interface StepLROptions {
  /** Epochs between decays. */
  stepSize: number;
  /** Multiplier per decay (default 0.1). */
  gamma?: number;
}

/** lr = base · gamma^⌊epoch / stepSize⌋. */
export class StepLR extends LRScheduler {
  constructor(optimizer: SchedulableOptimizer, opts: StepLROptions) {
    const o = options('StepLR', opts, ['stepSize', 'gamma']);
    const stepSize = checkNumber('StepLR', 'stepSize', o.stepSize, { min: 1, integer: true });
    const gamma = checkNumber('StepLR', 'gamma', o.gamma ?? 0.1, { min: 0, minOpen: true });
    super(optimizer, 'StepLR', (epoch, base) => base * gamma ** Math.floor(epoch / stepSize));
  }
}

export interface MultiStepLROptions {
  /** Epochs at which lr is multiplied by gamma: strictly increasing integers ≥ 0. */
  milestones: readonly number[];
  gamma?: number;
}

/** lr = base · gamma^(number of milestones ≤ epoch). */
export class MultiStepLR extends LRScheduler {
  constructor(optimizer: SchedulableOptimizer, opts: MultiStepLROptions) {
    const o = options('MultiStepLR', opts, ['milestones', 'gamma']);
    const ms = o.milestones;
    const ok = Array.isArray(ms) && ms.every((m: unknown, i) => Number.isInteger(m) && (m as number) >= 0 && (i === 0 || (m as number) > ms[i - 1]));
    if (!ok) throw new Error(`MultiStepLR: milestones must be an array of strictly increasing integers ≥ 0, got ${fmtValue(ms)}`);
    const milestones = [...(ms as number[])];
    const gamma = checkNumber('MultiStepLR', 'gamma', o.gamma ?? 0.1, { min: 0, minOpen: true });
    super(optimizer, 'MultiStepLR', (epoch, base) => base * gamma ** milestones.filter((m) => m <= epoch).length);
  }
}

export interface CosineAnnealingLROptions {
  /** Epochs from the base lr down to etaMin (half a cosine period). */
  tMax: number;
  /** Minimum lr (default 0). */
  etaMin?: number;
}

/** lr = etaMin + (base − etaMin)·(1 + cos(π·epoch / tMax))/2; past tMax it rises again, as PyTorch's closed form does. */
export class CosineAnnealingLR extends LRScheduler {
  constructor(optimizer: SchedulableOptimizer, opts: CosineAnnealingLROptions) {
    const o = options('CosineAnnealingLR', opts, ['tMax', 'etaMin']);
    const tMax = checkNumber('CosineAnnealingLR', 'tMax', o.tMax, { min: 1, integer: true });
    const etaMin = checkNumber('CosineAnnealingLR', 'etaMin', o.etaMin ?? 0, { min: 0 });
    super(optimizer, 'CosineAnnealingLR', (epoch, base) => etaMin + ((base - etaMin) * (1 + Math.cos((Math.PI * epoch) / tMax))) / 2);
  }
}

export interface LinearWarmupOptions {
  /** Epochs of warm-up; the lr reaches the base lr (or `after`'s epoch-0 lr) at this epoch. */
  warmupEpochs: number;
  /** Fraction of the base lr at epoch 0, in (0, 1] (default 1/3, as PyTorch's LinearLR). */
  startFactor?: number;
  /** Schedule to follow the warm-up, run from its own epoch 0; only the wrapper is stepped. */
  after?: LRScheduler;
}

/**
 * lr = base · (startFactor + (1 − startFactor)·epoch / warmupEpochs) during warm-up, then
 * `after`'s lr at (epoch − warmupEpochs), or the base lr without `after` (PyTorch's LinearLR
 * followed by SequentialLR).
 */
export class LinearWarmup extends LRScheduler {
  readonly after: LRScheduler | undefined;

  constructor(optimizer: SchedulableOptimizer, opts: LinearWarmupOptions) {
    const o = options('LinearWarmup', opts, ['warmupEpochs', 'startFactor', 'after']);
    const warm = checkNumber('LinearWarmup', 'warmupEpochs', o.warmupEpochs, { min: 1, integer: true });
    const start = checkNumber('LinearWarmup', 'startFactor', o.startFactor ?? 1 / 3, { min: 0, minOpen: true, max: 1 });
    const after = o.after;
    if (after !== undefined && !(after instanceof LRScheduler)) {
      throw new Error(`LinearWarmup: after must be an LRScheduler, got ${fmtValue(after)}`);
    }
    if (after !== undefined && after.optimizer !== optimizer) {
      throw new Error('LinearWarmup: after must schedule the same optimizer as the warm-up');
    }
    if (after !== undefined) {
      const n = optimizer.paramGroups.length;
      if (after.baseLrs.length !== n) {
        throw new Error(`LinearWarmup: after was created for ${after.baseLrs.length} param groups but the optimizer now has ${n}`);
      }
      // `after` was created first and has already set its own lrs; its base lrs are the true ones.
      after.baseLrs.forEach((lr, i) => (optimizer.paramGroups[i].lr = lr));
    }
    super(optimizer, 'LinearWarmup', (epoch, base) => {
      if (epoch < warm) return base * (start + ((1 - start) * epoch) / warm);
      return after !== undefined ? after.lrAt(epoch - warm, base) : base;
    });
    this.after = after;
  }
}
