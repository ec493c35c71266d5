/**
 * Kill and resume for `tsdnas search` and `tsdnas sweep`: SIGKILLed at seeded moments in the
 * warm-up, search and fine-tune phases and resumed each time (after the stale-lock refusal), the
 * run ends with the exported model byte-identical and the front / point summaries identical
 * (wall-clock seconds aside) to an uninterrupted run on the same backend. A sweep resumed after
 * a finished point loads it without touching its files. A second writer is refused.
 *
 * TSDNAS_KILLS=20 npx vitest run test/reliability/search-resume.test.ts  runs a longer search
 * with that many kills at random state writes (for the note); the default is 3, one per phase.
 */

import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it, expect } from 'vitest';
import { Rng } from '../../src/tensor/rng.js';
import { LOCK_FILE } from '../../src/io/run-lock.js';
import { STATE_DIR } from '../../src/io/search-state.js';
import { cli, hasEcg200, stableJson } from './cli.js';
import { runAndKill, type KillPlan } from './kill.js';

const tmp = mkdtempSync(join(tmpdir(), 'tsdnas-search-resume-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const KILLS = Number(process.env.TSDNAS_KILLS ?? 3);
const LONG = KILLS > 3;
const COMMON = ['--dataset', 'ecg200', '--batch-size', '16', '--aug-noise', '0.05', '--seed', '3', '--backend', 'js'];
const SEARCH = ['search', ...COMMON, '--regularizer', 'hinge', '--size-target', '5000',
  '--warmup-epochs', LONG ? '6' : '4', '--search-epochs', LONG ? '10' : '4', '--finetune-epochs', LONG ? '6' : '3'];
const SWEEP = ['sweep', ...COMMON, '--lambdas', '1e-6,1e-4', '--warmup-epochs', '2', '--search-epochs', '3', '--finetune-epochs', '2'];

const bytes = (p: string) => readFileSync(p);

/** Kill `args` by each plan in turn (the first run fresh, then --resume), clearing the stale lock between; returns the kills made and what state each left. */
async function killAndResume(command: string, args: string[], dir: string, plans: KillPlan[]): Promise<{ kills: number; left: string[] }> {
  const state = join(dir, STATE_DIR);
  let kills = 0;
  const left: string[] = [];
  for (const plan of plans) {
    const killed = await runAndKill(kills === 0 ? [...args, '--out', dir] : [command, '--resume', dir], state, plan);
    if (!killed) break;
    kills++;
    left.push(existsSync(state) ? readdirSync(state).filter((f) => f.endsWith('.safetensors')).sort().join(' ') : '(none)');
    if (kills === 1) {
      const refused = await cli([command, '--resume', dir]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/has a stale lock: process \d+ .* is no longer running .*delete .*\.tsdnas\.lock/);
    }
    rmSync(join(dir, LOCK_FILE));
  }
  if (existsSync(state)) {
    const r = await cli([command, '--resume', dir]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/resuming/);
  }
  return { kills, left };
}

describe.skipIf(!hasEcg200)('search / sweep kill and resume (child processes)', () => {
  it(`search SIGKILLed ${KILLS} times (warm-up, search, fine-tune) and resumed: model bytes and front identical to an uninterrupted run`, async () => {
    const a = join(tmp, 'search-a');
    const ra = await cli([...SEARCH, '--out', a]);
    expect(ra.code, ra.stderr).toBe(0);
    const rng = new Rng(11);
    const plans: KillPlan[] = LONG
      ? Array.from({ length: KILLS }, () => ({ writes: 1, delayMs: rng.int(250) }))
      : [
        { only: 'warmup', writes: 1 + rng.int(2), delayMs: rng.int(150) },
        { only: 'point-0.search', writes: 1 + rng.int(2), delayMs: rng.int(150) },
        { only: 'point-0.finetune', writes: 1, delayMs: rng.int(150) },
      ];
    const b = join(tmp, 'search-b');
    const { kills, left } = await killAndResume('search', SEARCH, b, plans);
    expect(kills).toBe(KILLS);
    if (!LONG) {
      expect(left[0]).toMatch(/warmup/);
      expect(left[1]).toMatch(/point-0\.search/);
      expect(left[2]).toMatch(/point-0\.finetune/);
    }
    expect(bytes(join(b, 'point-0', 'model.safetensors')).equals(bytes(join(a, 'point-0', 'model.safetensors')))).toBe(true);
    expect(stableJson(join(b, 'front.json'))).toBe(stableJson(join(a, 'front.json')));
    expect(stableJson(join(b, 'point-0', 'summary.json'))).toBe(stableJson(join(a, 'point-0', 'summary.json')));
    // Finished: no state, no lock, no temp files left.
    expect(readdirSync(b).sort()).toEqual(readdirSync(a).sort());
    console.log(`search resume test: ${kills} SIGKILLs, resumed each time; states left at the kills: ${left.join(' | ')}; point-0/model.safetensors byte-identical, front.json and summary.json identical`);
  }, 300_000);

  it('sweep killed after a finished point and again mid-point: the finished point is loaded untouched, front identical', async () => {
    const a = join(tmp, 'sweep-a');
    const ra = await cli([...SWEEP, '--out', a]);
    expect(ra.code, ra.stderr).toBe(0);
    const b = join(tmp, 'sweep-b');
    const first = await runAndKill([...SWEEP, '--out', b], join(b, STATE_DIR), { only: 'point-1.search', writes: 1, delayMs: 40 });
    expect(first).toBe(true);
    const p0 = join(b, 'point-0');
    const files = readdirSync(p0).sort();
    const before = files.map((f) => ({ f, mtime: statSync(join(p0, f)).mtimeMs, data: bytes(join(p0, f)) }));
    expect(files).toEqual(['architecture.txt', 'model.safetensors', 'summary.json']);
    rmSync(join(b, LOCK_FILE));
    const second = await runAndKill(['sweep', '--resume', b], join(b, STATE_DIR), { only: 'point-1.finetune', writes: 1, delayMs: 30 });
    expect(second).toBe(true);
    rmSync(join(b, LOCK_FILE));
    const r = await cli(['sweep', '--resume', b]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/point 0: finished by the interrupted run .* loaded, not recomputed/);
    for (const x of before) {
      expect(statSync(join(p0, x.f)).mtimeMs, x.f).toBe(x.mtime);
      expect(bytes(join(p0, x.f)).equals(x.data), x.f).toBe(true);
    }
    for (const p of ['point-0', 'point-1']) expect(bytes(join(b, p, 'model.safetensors')).equals(bytes(join(a, p, 'model.safetensors'))), p).toBe(true);
    expect(stableJson(join(b, 'front.json'))).toBe(stableJson(join(a, 'front.json')));
    expect(existsSync(join(b, STATE_DIR))).toBe(false);
  }, 300_000);

  it('a second writer is refused; a fresh run into an interrupted directory is refused; --resume checks the command', async () => {
    for (const command of ['search', 'sweep']) {
      const d = join(tmp, `locked-${command}`);
      mkdirSync(d, { recursive: true });
      writeFileSync(join(d, LOCK_FILE), JSON.stringify({ pid: process.pid, host: hostname(), started: 'now', command: `tsdnas ${command}` }));
      const r = await cli([command, ...COMMON, '--out', d]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`is in use by process ${process.pid} .*tsdnas ${command}.*choose another --out`));
    }
    const d = join(tmp, 'interrupted');
    mkdirSync(join(d, STATE_DIR), { recursive: true });
    writeFileSync(join(d, STATE_DIR, 'run.json'), JSON.stringify({ format: 'tsdnas.run/1', command: 'sweep', config: {} }));
    const fresh = await cli(['sweep', ...COMMON, '--out', d]);
    expect(fresh.code).toBe(2);
    expect(fresh.stderr).toMatch(/holds an interrupted run .*continue it with .*sweep --resume/);
    const wrong = await cli(['search', '--resume', d]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/holds a tsdnas sweep run; continue it with .*sweep --resume/);
    expect(existsSync(join(d, LOCK_FILE))).toBe(false);
  }, 120_000);
});
