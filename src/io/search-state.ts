/**
 * The resumable state of a `tsdnas search` / `tsdnas sweep` run directory (RunStateDir: the
 * folder and its generic phase files, also used by src/io/mps-state.ts), kept in
 * `<run-dir>/state/` until the run completes (then removed):
 *
 *   run.json                         the command and its config (what --resume rebuilds from)
 *   ledger.json                      checksums of run.json and finished points, seconds spent
 *   warmup.safetensors               warm-up training state (train-state format), every epoch
 *   warm.safetensors                 the finished warm-up: seed weights + its result
 *   point-<i>.search.safetensors     search state: weights and masks, both optimisers, rngs, best
 *                                  (and, after a Ctrl-C, where the epoch stopped)
 *   point-<i>.searched.safetensors   the exported dense model + the search's result
 *   point-<i>.finetune.safetensors   fine-tune training state (train-state format), every epoch
 *   point-<i>.done.safetensors       a finished point (its model and result): never recomputed
 *
 * Every file is written atomically, and a phase's end is written before that phase's state is
 * removed, so a kill at any moment leaves a consistent place to continue from. Each record
 * also holds the global random generator's state right after the phase, what the next phase
 * starts from.
 */

import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Module } from '../nn/module.js';
import type { RngState } from '../tensor/rng.js';
import { buildFromArchitecture, describeArchitecture, type ArchNode } from '../nn/serialize.js';
import type { SearchProgress } from '../search/protocol.js';
import type { PointResult, Searched, SweepCheckpoints } from '../search/run.js';
import type { Finished, PhaseCheckpoint, PointCheckpoints } from '../search/sweep.js';
import type { FitProgress } from '../search/train/fit.js';
import { writeJsonAtomic } from './atomic.js';
import { RunLedger } from './run-ledger.js';
import {
  badField, checkPartial, isRngState, loadTrainState, readStateFile, readStateJson, saveTrainState, stateReplacer, stateReviver, writeStateFile, type Snapshot,
} from './train-state.js';

export const STATE_DIR = 'state';
export const RUN_FILE = 'run.json';
const RUN_FORMAT = 'tsdnas.run/1';
const SEARCH_STATE_FORMAT = 'tsdnas.search-state/1';
const PHASE_FORMAT = 'tsdnas.phase/1';
const SEARCH_KEY = 'tsdnas.search-state';
const PHASE_KEY = 'tsdnas.phase';

export function saveSearchState(path: string, model: Module, p: SearchProgress): void {
  const { weightOptimizer, maskOptimizer, bestState, ...rest } = p;
  writeStateFile(path, SEARCH_KEY, model, {
    json: { format: SEARCH_STATE_FORMAT, ...rest }, snapshots: { best: bestState }, optimizers: { weights: weightOptimizer, masks: maskOptimizer },
  });
}

/** Every field the search loop reads, checked before any is used (file and field named). */
function checkSearchProgress(path: string, st: Record<string, unknown>): void {
  const bad = (f: string, want: string) => badField(path, st, f, want);
  if (st.partial !== undefined) {
    const p = st.partial as { pass?: unknown; epoch?: unknown; weights?: unknown } | null;
    const w = p?.weights as { loss?: unknown; metric?: unknown } | null | undefined;
    if (p === null || typeof p !== 'object' || (p.pass !== 'weights' && p.pass !== 'masks')
      || (p.pass === 'masks' && (w === null || typeof w !== 'object' || typeof w.loss !== 'number' || typeof w.metric !== 'number'))) {
      throw bad('partial', "{pass: 'weights' | 'masks', epoch, weights} of the interrupted search epoch");
    }
    checkPartial(path, st, 'partial', p.epoch);
  }
  for (const [f, min] of [['epoch', st.partial !== undefined ? 0 : 1], ['bestEpoch', 0], ['sinceBest', 0]] as const) {
    if (!Number.isInteger(st[f]) || (st[f] as number) < min) throw bad(f, `an integer ≥ ${min}`);
  }
  if (typeof st.stopped !== 'boolean') throw bad('stopped', 'true or false');
  if (typeof st.best !== 'number' || Number.isNaN(st.best)) throw bad('best', 'a number');
  const fields = ['epoch', 'trainLoss', 'valLoss', 'valMetric', 'regTerm', 'objective'];
  if (!Array.isArray(st.history) || st.history.length !== st.epoch
    || !st.history.every((h) => h !== null && typeof h === 'object' && fields.every((k) => typeof (h as Record<string, unknown>)[k] === 'number'))) {
    throw bad('history', `one record {${fields.join(', ')}, …} per finished search epoch`);
  }
  for (const f of ['rng', 'globalRng']) if (!isRngState(st[f])) throw bad(f, '{s: [4 32-bit integers], spare: number | null}');
}

export function loadSearchState(path: string, model: Module): SearchProgress {
  const { json, snapshots, optimizers } = readStateFile(path, SEARCH_KEY, SEARCH_STATE_FORMAT, model, { snapshots: ['best'], optimizers: ['weights', 'masks'] });
  checkSearchProgress(path, json);
  return { ...(json as unknown as SearchProgress), weightOptimizer: optimizers.weights, maskOptimizer: optimizers.masks, bestState: snapshots.best };
}

function phaseJson(path: string, what: string): Record<string, unknown> {
  const json = readStateJson(path, PHASE_KEY, PHASE_FORMAT);
  if (json.what !== what) throw badField(path, json, 'what', `'${what}'`);
  if (!isRngState(json.rng)) throw badField(path, json, 'rng', '{s: [4 32-bit integers], spare: number | null}');
  if (json.value === null || typeof json.value !== 'object') throw badField(path, json, 'value', `the saved ${what} result`);
  return json;
}

function fitCheckpoint(path: string): PhaseCheckpoint<FitProgress> {
  return {
    load: (model) => (existsSync(path) ? loadTrainState(path, model).progress : undefined),
    save: (model, p) => saveTrainState(path, model, p, {}),
  };
}

/** The command and config a run was started with. */
export interface SavedRun {
  command: string;
  config: Record<string, unknown>;
}

/**
 * A run directory's `state/` folder: the saved command and config, and the phase files of a
 * sweep (see the module comment): the warm-up and each point's search, searched model and
 * fine-tune, for any method's results (the search layer's RunCheckpoints); subclasses save and
 * load their method's finished points.
 */
export class RunStateDir<S = unknown> {
  readonly dir: string;
  /** Checksums of run.json and finished points, and the run's seconds (src/io/run-ledger.ts). */
  readonly ledger: RunLedger;
  /** Per-epoch warm-up training state. */
  readonly warmup: PhaseCheckpoint<FitProgress>;
  constructor(runDir: string) {
    this.dir = join(runDir, STATE_DIR);
    this.ledger = new RunLedger(runDir, this.dir);
    this.warmup = this.fit('warmup');
  }

  /** Path of the saved command and config. */
  get runFile(): string {
    return join(this.dir, RUN_FILE);
  }

  protected file(name: string): string {
    return join(this.dir, `${name}.safetensors`);
  }

  /** True when an earlier run left state here (it was interrupted). */
  exists(): boolean {
    return existsSync(join(this.dir, RUN_FILE));
  }

  /** Starts a fresh run: records the command and config (what --resume rebuilds the run from). */
  begin(command: string, config: Record<string, unknown>): void {
    mkdirSync(this.dir, { recursive: true });
    writeJsonAtomic(join(this.dir, RUN_FILE), JSON.parse(JSON.stringify({ format: RUN_FORMAT, command, config }, stateReplacer)));
    this.ledger.begin(this.runFile);
  }

  /** The saved command and config (validated). */
  readRun(): SavedRun {
    const path = join(this.dir, RUN_FILE);
    let run: Record<string, unknown>;
    try {
      run = JSON.parse(readFileSync(path, 'utf8'), stateReviver) as Record<string, unknown>;
    } catch (e) {
      throw new Error(`${path}: cannot read the saved run (${(e as Error).message}); the file is corrupt — start the run again`);
    }
    if (run === null || typeof run !== 'object' || run.format !== RUN_FORMAT) throw new Error(`${path}: not a tsdnas run file (expected format '${RUN_FORMAT}')`);
    if (typeof run.command !== 'string') throw badField(path, run, 'command', 'a command name');
    if (run.config === null || typeof run.config !== 'object' || Array.isArray(run.config)) throw badField(path, run, 'config', 'an object of options');
    return { command: run.command, config: run.config as Record<string, unknown> };
  }

  /** The run completed (its outputs are written): nothing is left to resume. */
  finish(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Per-epoch training state of the phase `name`. */
  protected fit(name: string): PhaseCheckpoint<FitProgress> {
    return fitCheckpoint(this.file(name));
  }

  /** Per-epoch search state of the phase `name`. */
  protected searchState(name: string): PhaseCheckpoint<SearchProgress> {
    const path = this.file(name);
    return {
      load: (model) => (existsSync(path) ? loadSearchState(path, model) : undefined),
      save: (model, p) => saveSearchState(path, model, p),
    };
  }


  /** The finished warm-up: the warmed seed's weights and the method's warm-up result. */
  saveWarm<W>(seed: Module, r: Finished<W>): void {
    this.savePhase('warm', seed, 'warm-up', r, { drop: ['warmup'] });
  }

  loadWarm<W>(seed: Module): Finished<W> | null {
    return this.loadPhaseInto<W>('warm', 'warm-up', seed);
  }

  /** True when the warm-up finished (its result is saved). */
  hasWarm(): boolean {
    return existsSync(this.file('warm'));
  }

  /** True when point `point` finished (its result is saved). */
  hasPoint(point: number): boolean {
    return existsSync(this.file(`point-${point}.done`));
  }

  /** Per-epoch search state of point `point`. */
  search(point: number): PhaseCheckpoint<SearchProgress> {
    return this.searchState(`point-${point}.search`);
  }

  /** Per-epoch fine-tune state of point `point`. */
  finetune(point: number): PhaseCheckpoint<FitProgress> {
    return this.fit(`point-${point}.finetune`);
  }

  /** Every phase of point `index` before it is finished (a searched model is saved with its architecture). */
  point(index: number): PointCheckpoints<S> {
    const name = (phase: string) => `point-${index}.${phase}`;
    return {
      search: this.search(index),
      saveSearched: (model, r) => this.savePhase(name('searched'), model, 'search', r, { architecture: true, drop: [name('search')] }),
      loadSearched: () => {
        const r = this.loadPhaseModel<S>(name('searched'), 'search');
        return r === null ? null : { value: r.value, rng: r.rng, model: r.model };
      },
      finetune: this.finetune(index),
    };
  }

  /** Saves a finished phase (then drops the states in `drop`, which it replaces). */
  protected savePhase(name: string, model: Module, what: string, f: Finished<unknown>, opts: { architecture?: boolean; snapshots?: Record<string, Snapshot>; drop?: string[] } = {}): void {
    writeStateFile(this.file(name), PHASE_KEY, model, {
      json: { format: PHASE_FORMAT, what, value: f.value, rng: f.rng, ...(opts.architecture === true ? { architecture: describeArchitecture(model) } : {}) },
      snapshots: opts.snapshots,
    });
    for (const d of opts.drop ?? []) rmSync(this.file(d), { force: true });
  }

  /** A finished phase's result, its weights loaded into `model`; null when the phase did not finish. */
  protected loadPhaseInto<T>(name: string, what: string, model: Module): Finished<T> | null {
    const path = this.file(name);
    if (!existsSync(path)) return null;
    const json = phaseJson(path, what);
    readStateFile(path, PHASE_KEY, PHASE_FORMAT, model);
    return { value: json.value as T, rng: json.rng as RngState };
  }

  /** A finished phase's result with its model rebuilt from the saved architecture (and the snapshots asked for). */
  protected loadPhaseModel<T>(name: string, what: string, snapshots: string[] = []): (Finished<T> & { model: Module; snapshots: Record<string, Snapshot> }) | null {
    const path = this.file(name);
    if (!existsSync(path)) return null;
    const json = phaseJson(path, what);
    let model: Module;
    try {
      model = buildFromArchitecture(json.architecture as ArchNode);
    } catch (e) {
      throw new Error(`${path}: the saved architecture cannot be rebuilt (${(e as Error).message}); the file is corrupt — delete it to redo that phase`);
    }
    const r = readStateFile(path, PHASE_KEY, PHASE_FORMAT, model, { snapshots });
    return { model, value: json.value as T, rng: json.rng as RngState, snapshots: r.snapshots };
  }
}

/** The state of one search / sweep run directory (see the module comment for the files). */
export class SweepStateDir extends RunStateDir<Searched> implements SweepCheckpoints {
  savePoint(point: number, r: Finished<PointResult>): void {
    const { model, ...value } = r.value;
    this.savePhase(`point-${point}.done`, model, 'point', { value, rng: r.rng }, { architecture: true, drop: ['search', 'searched', 'finetune'].map((p) => `point-${point}.${p}`) });
  }

  loadPoint(point: number): Finished<PointResult> | null {
    const r = this.loadPhaseModel<Omit<PointResult, 'model'>>(`point-${point}.done`, 'point');
    return r === null ? null : { value: { ...r.value, model: r.model }, rng: r.rng };
  }
}
