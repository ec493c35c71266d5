/**
 * Kill and resume: `tsdnas train` killed with SIGKILL at several seeded moments and resumed
 * each time (after clearing the stale lock it reports) ends with a checkpoint byte-identical to
 * an uninterrupted run; a second writer is refused; --resume refuses other options.
 */

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it, expect } from 'vitest';
import { Rng } from '../../src/tensor/rng.js';
import { LOCK_FILE } from '../../src/io/run-lock.js';
import { TRAIN_STATE_FILE } from '../../src/io/train-state.js';
import { cli, hasEcg200, ROOT } from './cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'tsdnas-resume-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const ARGS = ['--dataset', 'ecg200', '--epochs', '8', '--batch-size', '8', '--aug-noise', '0.05', '--seed', '3', '--backend', 'js'];

/** Start `tsdnas train`; SIGKILL it `delayMs` after its state file first appears (or let it finish). Resolves true when killed. */
function runAndKill(args: string[], stateFile: string, delayMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'cli', 'main.ts'), 'train', ...args], { cwd: ROOT, stdio: 'ignore' });
    let killed = false;
    const before = existsSync(stateFile) ? readFileSync(stateFile) : null;
    const poll = setInterval(() => {
      if (!existsSync(stateFile)) return;
      const now = readFileSync(stateFile);
      if (before !== null && now.equals(before)) return; // wait for a new epoch's state
      clearInterval(poll);
      setTimeout(() => { killed = child.exitCode === null && child.kill('SIGKILL'); }, delayMs);
    }, 10);
    child.on('exit', () => {
      clearInterval(poll);
      resolve(killed);
    });
  });
}

describe('kill and resume (child processes)', () => {
  it.skipIf(!hasEcg200)('SIGKILL at seeded moments + --resume gives a checkpoint bit-identical to an uninterrupted run', async () => {
    const a = join(tmp, 'uninterrupted');
    expect((await cli(['train', ...ARGS, '--out', a])).code).toBe(0);
    const b = join(tmp, 'killed');
    const state = join(b, TRAIN_STATE_FILE);
    const rng = new Rng(9);
    let kills = 0;
    let first = true;
    for (let attempt = 0; attempt < 12; attempt++) {
      const killed = await runAndKill(first ? [...ARGS, '--out', b] : ['--resume', b], state, rng.int(120));
      first = false;
      if (!killed) break;
      kills++;
      // The killed process could not release its lock: resuming is refused with the stale-lock message.
      const refused = await cli(['train', '--resume', b]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/has a stale lock: process \d+ .* is no longer running .*delete .*\.tsdnas\.lock/);
      rmSync(join(b, LOCK_FILE));
      if (kills >= 3) {
        const r = await cli(['train', '--resume', b]);
        expect(r.code, r.stderr).toBe(0);
        expect(r.stderr).toMatch(/resuming .* after epoch \d+\/8/);
        break;
      }
    }
    expect(kills).toBeGreaterThanOrEqual(2);
    expect(readFileSync(join(b, 'model.safetensors')).equals(readFileSync(join(a, 'model.safetensors')))).toBe(true);
    const hist = (d: string) => JSON.parse(readFileSync(join(d, 'summary.json'), 'utf8')).history.map(({ seconds: _s, ...r }: { seconds: number }) => r);
    expect(hist(b)).toEqual(hist(a));
    // Finished: no state, no lock, no temp files left.
    expect(readdirSync(b).sort()).toEqual(['model.safetensors', 'run.log', 'summary.json']);
    console.log(`resume test: ${kills} SIGKILLs, resumed each time, checkpoint bit-identical`);
  }, 180_000);

  it.skipIf(!hasEcg200)('a second writer is refused naming the holder; --resume refuses other options and a directory without state', async () => {
    const d = join(tmp, 'locked');
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, LOCK_FILE), JSON.stringify({ pid: process.pid, host: hostname(), started: 'now', command: 'tsdnas train' }));
    const r = await cli(['train', ...ARGS, '--out', d]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`is in use by process ${process.pid} .*choose another --out`));
    const extra = await cli(['train', '--resume', d, '--lr', '0.1']);
    expect(extra.code).toBe(2);
    expect(extra.stderr).toMatch(/--resume .* continues with the run's saved config; drop --lr/);
    const none = await cli(['train', '--resume', join(tmp, 'nothing')]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no train-state\.safetensors in that directory/);
  });
});
