/**
 * The one resumable epoch loop under training (fit) and every search (searchMasks): epochs of a
 * method's body, the best epoch kept by the method's rule (with patience), the last finished
 * epoch's weights kept to roll back to on a divergence, a progress snapshot after every epoch
 * and on an interrupted one (what a resume continues from, exactly), and the kept weights
 * chosen at the end (best or last).
 */

import { getRng, type Rng, type RngState } from '../tensor/rng.js';
import type { Module } from '../nn/module.js';
import type { OptimizerStateDict } from '../nn/optim/stateDict.js';
import { restore, snapshot } from '../nn/train/snapshot.js';
import { checkFiniteOptimizer, checkFiniteState, TrainingDivergedError } from '../nn/train/divergence.js';
import { TrainingInterruptedError, type PartialEpoch } from '../nn/train/interrupt.js';

export type WeightSnapshot = Map<string, Float32Array | Float64Array>;

/**
 * The loop's state at an epoch boundary, besides the model's own weights: `key` is the method's
 * best-so-far (e.g. fit's {best, bestLoss}), `partial` the method's record of an interrupted
 * epoch `epoch + 1`. A method maps it to and from its own progress record (FitProgress, SearchProgress).
 */
export interface LoopState<R, K, X> {
  epoch: number;
  stopped: boolean;
  history: R[];
  key: K;
  bestEpoch: number;
  sinceBest: number;
  /** The loop's generator (it draws the next epoch's data order) and the global one. */
  rng: RngState;
  globalRng: RngState;
  bestState: WeightSnapshot;
  partial?: X;
}

/** One epoch's outcome: its record (kept in the history) and its candidate best-so-far key. */
export interface EpochOutcome<R, K> {
  record: R;
  key: K;
}

export interface EpochLoop<R, K, X, P> {
  model: Module;
  epochs: number;
  /** The loop's own generator (its state is saved and restored with the progress). */
  rng: Rng;
  /** The best-so-far key before any epoch. */
  initialKey: K;
  /** Runs epoch `epoch`; `resume` is the interrupted epoch's record, on the first epoch of a resumed run only. */
  body(epoch: number, resume: X | undefined): EpochOutcome<R, K>;
  /** Whether the epoch (its candidate key and record) replaces the best so far. */
  better(candidate: K, best: K, record: R): boolean;
  /** Stop after this many epochs without a better one (0 = never). */
  patience: number;
  /** Whether a non-improving epoch counts towards patience (default: always). */
  patienceCounts?(epoch: number, bestEpoch: number): boolean;
  /** The method's record of an epoch interrupted (Ctrl-C) at `p`. */
  interrupted(p: PartialEpoch): X;
  /** The method's progress record of a loop state (saved by onEpochEnd). */
  progress(s: LoopState<R, K, X>): P;
  onEpoch?(record: R): void;
  /** After every finished epoch (best updated), and on an interrupted one: everything needed to resume. */
  onEpochEnd?(p: P): void;
  /** The weights kept at the end: the best epoch's, or the last epoch's. */
  select: 'best' | 'last';
  /** Without a best epoch (bestEpoch 0): restore the starting weights, or keep the last epoch's. */
  withoutBest: 'restore' | 'last';
}

export interface LoopResult<R> {
  history: R[];
  bestEpoch: number;
}

/**
 * The checks after an epoch, in order: the validation loss (`what` names it in the message), the
 * model's weights and buffers, then each optimiser's state. Weights that fail are never kept or saved.
 */
export function checkEpochFinite(model: Module, epoch: number, valLoss: number, message: string, optimizers: readonly (readonly [string, { stateDict(): OptimizerStateDict }])[]): void {
  const step = { epoch, batch: 0, batches: 0 };
  // Weights that give a NaN / Inf validation loss are not a good state to keep or resume.
  if (!Number.isFinite(valLoss)) throw new TrainingDivergedError(step, 'validation', '(validation)', message);
  // Running statistics can overflow while the loss stays finite; such weights are never kept.
  checkFiniteState(model.stateDict(), step);
  for (const [name, opt] of optimizers) checkFiniteOptimizer(opt.stateDict(), name, step);
}

/**
 * Run the loop. With `resume` (a state from onEpochEnd, the model already holding that epoch's
 * weights, the method's own state already restored) it continues after `resume.epoch` exactly as
 * the uninterrupted run would have. A TrainingDivergedError leaves the model at the last
 * finished epoch and names it on the error.
 */
export function runEpochs<R, K, X, P>(loop: EpochLoop<R, K, X, P>, resume?: LoopState<R, K, X>): LoopResult<R> {
  const { model, rng } = loop;
  const history: R[] = [];
  let key = loop.initialKey;
  let bestEpoch = 0;
  let bestState = snapshot(model);
  let sinceBest = 0;
  let stopped = false;
  // The weights at the end of the last finished epoch: what a divergence rolls back to.
  let lastGood = bestState;
  let lastGoodEpoch = 0;
  if (resume !== undefined) {
    rng.setState(resume.rng);
    getRng().setState(resume.globalRng);
    history.push(...resume.history);
    ({ key, bestEpoch, sinceBest, stopped, bestState } = resume);
    lastGood = snapshot(model);
    lastGoodEpoch = resume.epoch;
  }
  const rollBack = (e: unknown): unknown => {
    if (e instanceof TrainingDivergedError) {
      restore(model, lastGood);
      e.lastGoodEpoch = lastGoodEpoch;
      e.history = history;
    }
    return e;
  };
  // The loop's state after `done` epochs (and, when interrupted, where the next one stopped).
  const state = (done: number, rngState: RngState, partial?: { at: PartialEpoch; record: X }): LoopState<R, K, X> => ({
    epoch: done, stopped, history: [...history], key, bestEpoch, sinceBest, rng: rngState, globalRng: partial?.at.globalRng ?? getRng().getState(), bestState,
    ...(partial === undefined ? {} : { partial: partial.record }),
  });
  const first = (resume?.epoch ?? 0) + 1;
  for (let epoch = first; epoch <= loop.epochs && !stopped; epoch++) {
    let out: EpochOutcome<R, K>;
    try {
      out = loop.body(epoch, epoch === first ? resume?.partial : undefined);
    } catch (e) {
      if (e instanceof TrainingInterruptedError && e.partial !== null) {
        loop.onEpochEnd?.(loop.progress(state(epoch - 1, e.partial.rngStart, { at: e.partial, record: loop.interrupted(e.partial) })));
      }
      throw rollBack(e);
    }
    history.push(out.record);
    lastGood = snapshot(model);
    lastGoodEpoch = epoch;
    loop.onEpoch?.(out.record);
    if (loop.better(out.key, key, out.record)) {
      key = out.key;
      bestEpoch = epoch;
      bestState = snapshot(model);
      sinceBest = 0;
    } else if (loop.patience > 0 && (loop.patienceCounts?.(epoch, bestEpoch) ?? true) && ++sinceBest >= loop.patience) {
      stopped = true;
    }
    loop.onEpochEnd?.(loop.progress(state(epoch, rng.getState())));
  }
  if (loop.select === 'last' || (bestEpoch === 0 && loop.withoutBest === 'last')) bestEpoch = history.length;
  else if (loop.epochs > 0) restore(model, bestState);
  return { history, bestEpoch };
}
