/**
 * The one sweep driver under every search method (PIT's runSweep, mixed precision's runMps, and
 * any method whose points share one warm-up): the warm-up once, then each point in run order,
 * loaded when an earlier (killed) run finished it, else run and saved. Generic over the warm-up
 * result, the point result and the saved point; the method supplies the phases. Also the
 * resumable phase helpers the methods' points are made of (a phase run once, a training phase,
 * a search phase, each saving its per-epoch state through a PhaseCheckpoint).
 */

import { getRng, streamState, type RngState } from '../tensor/rng.js';
import type { Module } from '../nn/module.js';
import { buildFromArchitecture, describeArchitecture } from '../nn/serialize.js';
import type { TrainConfig } from '../nn/train/config.js';
import type { DatasetSplits } from '../data/types.js';
import { fit, type FitHooks, type FitProgress, type FitResult } from './train/fit.js';
import type { EpochContext } from './train/epoch.js';
import type { SearchTrainingConfig, MaskSearchConfig } from './config.js';
import { searchMasks, type SearchHooks, type SearchPhaseResult, type SearchProgress } from './protocol.js';
import type { Regularizer } from './regularizers.js';
import type { SearchableModel } from './types.js';

/** The saved state of one loop phase: loaded into `model` (undefined when none), saved after every epoch. */
export interface PhaseCheckpoint<P> {
  load(model: Module): P | undefined;
  save(model: Module, p: P): void;
}

/** A finished phase's output and the global random generator's state right after it (what the next phase starts from). */
export interface Finished<T> {
  value: T;
  rng: RngState;
}

/** The resumable state of one point: its search (per epoch), the searched model with its result, its fine-tune (per epoch). */
export interface PointCheckpoints<S, SP = SearchProgress> {
  search: PhaseCheckpoint<SP>;
  /** The searched point's model (exported / float source) and result, before its fine-tune. */
  saveSearched(model: Module, r: Finished<S>): void;
  loadSearched(): (Finished<S> & { model: Module }) | null;
  finetune: PhaseCheckpoint<FitProgress>;
}

/**
 * Where a sweep keeps its resumable state (src/io/search-state.ts, src/io/mps-state.ts: files in
 * the run directory): the warm-up (per epoch, then its end), each point's phases, each finished
 * point (never recomputed once saved). A phase's end is saved before its state is dropped, so a
 * kill at any moment leaves one consistent place to continue from. W: the warm-up's result, S: a
 * searched point's result, P: a point, L: a point as loaded (P by default).
 */
export interface RunCheckpoints<W, S, P, L = Finished<P>> {
  warmup: PhaseCheckpoint<FitProgress>;
  /** The warmed seed's weights and the warm-up's result. */
  saveWarm(seed: Module, r: Finished<W>): void;
  loadWarm(seed: Module): Finished<W> | null;
  point(index: number): PointCheckpoints<S>;
  savePoint(index: number, r: Finished<P>): void;
  loadPoint(index: number): L | null;
}

/** What a sweep reports as points finish. */
export interface SweepPointHooks<P> {
  /** Called when a point is finished (e.g. to write its files at once). */
  onPoint?: (p: P, index: number) => void;
  /** Called instead of onPoint for a point finished by an earlier, interrupted run (loaded, not recomputed). */
  onPointLoaded?: (p: P, index: number) => void;
}

export interface SweepSpec<W, P, C, L> {
  /** The warm-up (resumable on its own, e.g. through runPhaseOnce). */
  warmUp(): W;
  /** The points in run order, given the warm-up's result; each runs with its own checkpoints (undefined without a store). */
  points(warm: W): readonly ((ckpt: C | undefined) => P)[];
  store?: { point(index: number): C; savePoint(index: number, r: Finished<P>): void; loadPoint(index: number): L | null };
  /** A saved point as a result (its models rebuilt). */
  loaded(saved: L, index: number): P;
  hooks?: SweepPointHooks<P>;
  /** Run (or load) only these points, after the warm-up (a worker's share of a parallel sweep); all by default. */
  only?: ReadonlySet<number>;
}

/**
 * The sweep: the warm-up, then every point, loaded when an earlier run finished it (the global
 * random generator restored to right after it) or run and saved; the results equal an
 * uninterrupted run's. Each point starts from its own random stream, derived from the
 * generator's state at the end of the warm-up and the point's index (streamState), so a point's
 * bits do not depend on the points before it: a sweep run point by point, in parallel worker
 * processes (`only`) or resumed gives the same points. With `only`, the points not in it are
 * left out of `points` (holes).
 */
export function runSweepDriver<W, P, C, L extends { rng: RngState }>(spec: SweepSpec<W, P, C, L>): { warm: W; points: P[] } {
  const warm = spec.warmUp();
  const warmEnd = getRng().getState();
  const points: P[] = [];
  const store = spec.store;
  spec.points(warm).forEach((run, i) => {
    if (spec.only !== undefined && !spec.only.has(i)) return;
    getRng().setState(streamState(warmEnd, i));
    const saved = store?.loadPoint(i) ?? null;
    if (saved !== null) {
      getRng().setState(saved.rng);
      points[i] = spec.loaded(saved, i);
      spec.hooks?.onPointLoaded?.(points[i], i);
      return;
    }
    const p = run(store?.point(i));
    points[i] = p;
    spec.hooks?.onPoint?.(p, i);
    store?.savePoint(i, { value: p, rng: getRng().getState() });
  });
  return { warm, points };
}

/**
 * A phase run once: loaded (the global generator restored to right after it) when an earlier run
 * finished it, else run and saved with the generator's state after it.
 */
export function runPhaseOnce<T>(load: (() => Finished<T> | null) | undefined, run: () => T, save?: (r: Finished<T>) => void): T {
  const done = load?.() ?? null;
  if (done !== null) {
    getRng().setState(done.rng);
    return done.value;
  }
  const value = run();
  save?.({ value, rng: getRng().getState() });
  return value;
}

/**
 * A point's search phase run once (runPhaseOnce): loaded with its model (exported / float
 * source) when an earlier run saved it, else run and saved with that model before the fine-tune.
 */
export function runSearchedOnce<S>(ckpt: PointCheckpoints<S> | undefined, run: () => { value: S; model: Module }): { value: S; model: Module } {
  const box: { model?: Module } = {};
  const value = runPhaseOnce<S>(ckpt === undefined ? undefined : () => {
    const done = ckpt.loadSearched();
    if (done !== null) box.model = done.model;
    return done;
  }, () => {
    const r = run();
    box.model = r.model;
    return r.value;
  }, ckpt === undefined ? undefined : (r) => ckpt.saveSearched(box.model as Module, r));
  if (box.model === undefined) throw new Error('runSearchedOnce: the searched phase gave no model');
  return { value, model: box.model };
}

/** A search's training options for a phase of `epochs` epochs (no early stopping inside a protocol phase). */
export function trainingPart(cfg: SearchTrainingConfig, epochs: number): TrainConfig {
  return { ...cfg, epochs, patience: 0 } as TrainConfig;
}

/** Hooks of a training phase (warm-up, fine-tune) inside a sweep. */
export interface FitPhaseHooks {
  onBatch?: FitHooks['onBatch'];
  onEpoch?: FitHooks['onEpoch'];
}

/** Train `model` for `epochs` epochs of a search's options, saving (and resuming from) its per-epoch state through `ckpt`. */
export function fitPhase(model: Module, splits: DatasetSplits, cfg: SearchTrainingConfig, epochs: number, hooks: FitPhaseHooks, ckpt?: PhaseCheckpoint<FitProgress>): FitResult {
  return fit(model, splits, trainingPart(cfg, epochs), {
    onBatch: hooks.onBatch, onEpoch: hooks.onEpoch, onEpochEnd: ckpt === undefined ? undefined : (p) => ckpt.save(model, p),
  }, ckpt?.load(model));
}

/** searchMasks with its per-epoch state saved through (and resumed from) `ckpt` instead of hooks.onSearchEpochEnd. */
export function searchPhase(target: SearchableModel, splits: DatasetSplits, ctx: EpochContext, cfg: MaskSearchConfig, reg: Regularizer, hooks: SearchHooks, ckpt?: PhaseCheckpoint<SearchProgress>): SearchPhaseResult {
  return searchMasks(target, splits, ctx, cfg, reg, {
    ...hooks,
    onSearchEpochEnd: ckpt === undefined ? hooks.onSearchEpochEnd : (p) => ckpt.save(target.model, p),
  }, ckpt?.load(target.model));
}

/** A structural copy of a model with the same weights (each sweep point starts from the warm seed). */
export function cloneModel(m: Module): Module {
  const copy = buildFromArchitecture(describeArchitecture(m));
  copy.loadStateDict(m.stateDict());
  return copy;
}
