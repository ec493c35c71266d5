/**
 * The resumable state of a `tsdnas search` / `tsdnas sweep` run directory, kept in
 * `<run-dir>/state/` until the run completes (then removed):
 *
 *   run.json                         the command and its config (what --resume rebuilds from)
 *   warmup.safetensors               warm-up training state (train-state format), every epoch
 *   warm.safetensors                 the finished warm-up: seed weights + its result
 *   point-<i>.search.safetensors     search state: weights and masks, both optimisers, rngs, best
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
import type { SearchProgress, SearchPhaseResult } from '../nas/search/protocol.js';
import type { Finished, PhaseCheckpoint, PointResult, SeedResult, SweepCheckpoints } from '../nas/search/run.js';
import type { FitProgress } from '../nn/train/fit.js';
import { writeJsonAtomic } from './atomic.js';
import {
  badField, isRngState, loadTrainState, readStateFile, readStateJson, saveTrainState, stateReplacer, stateReviver, writeStateFile,
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
  for (const [f, min] of [['epoch', 1], ['bestEpoch', 0], ['sinceBest', 0]] as const) {
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

/** A finished phase: a model (with its architecture when it is rebuilt from the file) and a JSON value. */
function savePhase(path: string, model: Module, what: string, f: Finished<unknown>, architecture: boolean): void {
  writeStateFile(path, PHASE_KEY, model, {
    json: { format: PHASE_FORMAT, what, value: f.value, rng: f.rng, ...(architecture ? { architecture: describeArchitecture(model) } : {}) },
  });
}

function phaseJson(path: string, what: string): Record<string, unknown> {
  const json = readStateJson(path, PHASE_KEY, PHASE_FORMAT);
  if (json.what !== what) throw badField(path, json, 'what', `'${what}'`);
  if (!isRngState(json.rng)) throw badField(path, json, 'rng', '{s: [4 32-bit integers], spare: number | null}');
  if (json.value === null || typeof json.value !== 'object') throw badField(path, json, 'value', `the saved ${what} result`);
  return json;
}

/** Rebuilds the phase's model from its saved architecture and loads its weights. */
function loadPhaseModel(path: string, what: string): { model: Module; value: Record<string, unknown>; rng: RngState } {
  const json = phaseJson(path, what);
  let model: Module;
  try {
    model = buildFromArchitecture(json.architecture as ArchNode);
  } catch (e) {
    throw new Error(`${path}: the saved architecture cannot be rebuilt (${(e as Error).message}); the file is corrupt — delete it to redo that phase`);
  }
  readStateFile(path, PHASE_KEY, PHASE_FORMAT, model);
  return { model, value: json.value as Record<string, unknown>, rng: json.rng as RngState };
}

function fitCheckpoint(path: string): PhaseCheckpoint<FitProgress> {
  return {
    load: (model) => (existsSync(path) ? loadTrainState(path, model).progress : undefined),
    save: (model, p) => saveTrainState(path, model, p, {}),
  };
}

/** The command and config a run was started with, and whether its directory holds an unfinished run. */
export interface SavedRun {
  command: string;
  config: Record<string, unknown>;
}

/** The state of one search / sweep run directory (see the module comment for the files). */
export class SweepStateDir implements SweepCheckpoints {
  readonly dir: string;
  readonly warmup: PhaseCheckpoint<FitProgress>;
  constructor(runDir: string) {
    this.dir = join(runDir, STATE_DIR);
    this.warmup = fitCheckpoint(this.file('warmup.safetensors'));
  }

  private file(name: string): string {
    return join(this.dir, name);
  }

  /** True when an earlier run left state here (it was interrupted). */
  exists(): boolean {
    return existsSync(this.file(RUN_FILE));
  }

  /** Starts a fresh run: records the command and config (what --resume rebuilds the run from). */
  begin(command: string, config: Record<string, unknown>): void {
    mkdirSync(this.dir, { recursive: true });
    writeJsonAtomic(this.file(RUN_FILE), JSON.parse(JSON.stringify({ format: RUN_FORMAT, command, config }, stateReplacer)));
  }

  /** The saved command and config (validated: the run file of an interrupted run). */
  readRun(): SavedRun {
    const path = this.file(RUN_FILE);
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

  saveWarm(seed: Module, r: Finished<SeedResult>): void {
    savePhase(this.file('warm.safetensors'), seed, 'warm-up', r, false);
    rmSync(this.file('warmup.safetensors'), { force: true });
  }

  loadWarm(seed: Module): Finished<SeedResult> | null {
    const path = this.file('warm.safetensors');
    if (!existsSync(path)) return null;
    const json = phaseJson(path, 'warm-up');
    readStateFile(path, PHASE_KEY, PHASE_FORMAT, seed);
    return { value: json.value as SeedResult, rng: json.rng as RngState };
  }

  search(point: number): PhaseCheckpoint<SearchProgress> {
    const path = this.file(`point-${point}.search.safetensors`);
    return {
      load: (model) => (existsSync(path) ? loadSearchState(path, model) : undefined),
      save: (model, p) => saveSearchState(path, model, p),
    };
  }

  saveSearched(point: number, dense: Module, r: Finished<SearchPhaseResult & { regularizer: Record<string, unknown> }>): void {
    savePhase(this.file(`point-${point}.searched.safetensors`), dense, 'search', r, true);
    rmSync(this.file(`point-${point}.search.safetensors`), { force: true });
  }

  loadSearched(point: number): (Finished<SearchPhaseResult & { regularizer: Record<string, unknown> }> & { dense: Module }) | null {
    const path = this.file(`point-${point}.searched.safetensors`);
    if (!existsSync(path)) return null;
    const { model, value, rng } = loadPhaseModel(path, 'search');
    return { dense: model, value: value as unknown as SearchPhaseResult & { regularizer: Record<string, unknown> }, rng };
  }

  finetune(point: number): PhaseCheckpoint<FitProgress> {
    return fitCheckpoint(this.file(`point-${point}.finetune.safetensors`));
  }

  savePoint(point: number, r: Finished<PointResult>): void {
    const { model, ...value } = r.value;
    savePhase(this.file(`point-${point}.done.safetensors`), model, 'point', { value, rng: r.rng }, true);
    for (const phase of ['search', 'searched', 'finetune']) rmSync(this.file(`point-${point}.${phase}.safetensors`), { force: true });
  }

  loadPoint(point: number): Finished<PointResult> | null {
    const path = this.file(`point-${point}.done.safetensors`);
    if (!existsSync(path)) return null;
    const { model, value, rng } = loadPhaseModel(path, 'point');
    return { value: { ...(value as unknown as Omit<PointResult, 'model'>), model }, rng };
  }
}
