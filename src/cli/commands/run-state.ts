/**
 * The resumable state of a run directory as the commands that keep one use it (search, sweep,
 * mps, joint, and their multi-seed runs): --resume's saved config, beginning a fresh run or
 * checking a resumed one, and what an interruption or divergence tells the user.
 */

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { RunStateDir, STATE_DIR } from '../../io/search-state.js';
import { TrainingDivergedError } from '../../nn/train/divergence.js';
import { explainInterrupt } from '../interrupt.js';
import { resumeCommand } from '../invocation.js';
import { UsageError } from '../args.js';
import { onlyResume } from './train.js';

const log = (s: string) => process.stderr.write(s + '\n');

/**
 * `--resume <dir>` of a command that keeps its state in <dir>/state/ (search, sweep, mps): the
 * saved config values (no other option may be given; the saved command must match).
 */
export function savedRunConfig(argv: string[], dir: string, command: string, allowed: readonly string[] = []): { values: Record<string, unknown>; where: string } {
  onlyResume(argv, dir, allowed);
  const state = new RunStateDir(dir);
  if (!state.exists()) {
    const done = existsSync(join(dir, 'front.json')) ? ' (front.json is there: the run finished)' : '';
    throw new UsageError(`--resume ${dir}: no ${STATE_DIR}/run.json in that directory${done}; it is written when a tsdnas search, sweep or mps run starts`);
  }
  const saved = state.readRun();
  if (saved.command !== command) throw new UsageError(`--resume ${dir}: that directory holds a tsdnas ${saved.command} run; continue it with ${resumeCommand(saved.command, dir)}`);
  verifyLedger(state, dir);
  return { values: { ...saved.config, out: dir, resume: dir }, where: join(state.dir, 'run.json') };
}

/** run.json and the finished points must be as the run left them (src/io/run-ledger.ts). */
function verifyLedger(state: RunStateDir, dir: string): void {
  try {
    state.ledger.verify(state.runFile);
  } catch (e) {
    throw new UsageError(`--resume ${dir}: ${(e as Error).message}`);
  }
}

/** A fresh run records its config (refused where an interrupted run waits); a resumed one says so. */
export function beginRunState(state: RunStateDir, command: string, cfg: { resume?: string } & Record<string, unknown>, outDir: string): void {
  if (cfg.resume !== undefined) {
    // Checked again under the lock; also loads the seconds the earlier segments took.
    verifyLedger(state, outDir);
    log(`tsdnas ${command}: resuming ${outDir}`);
    return;
  }
  if (state.exists()) throw new UsageError(`${outDir} holds an interrupted run (${state.dir}); continue it with ${resumeCommand(command, outDir)}, or start again with --force (removes that run)`);
  const { resume: _r, ...config } = cfg;
  state.begin(command, config);
}

/** Adds where the last good state is to a divergence, and the resume command to an interruption. */
export function explainStop(e: unknown, command: string, state: RunStateDir, outDir: string): void {
  // The time of this segment counts towards the resumed run's total.
  if (state.exists()) state.ledger.saveSeconds();
  if (e instanceof TrainingDivergedError) e.message += `; the state of the last finished epoch (${e.lastGoodEpoch}) is kept in ${state.dir}`;
  explainInterrupt(e, command, outDir, state.exists());
}

