/**
 * Ctrl-C (SIGINT sent to a real child process): the command stops after the batch in progress,
 * saves where the epoch stopped, says how to continue, releases its lock and exits with 130;
 * resuming ends byte-identical to an uninterrupted run. A second Ctrl-C stops at once and still
 * leaves no lock and a resumable state.
 */

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it, expect } from 'vitest';
import { LOCK_FILE } from '../../src/io/run-lock.js';
import { STATE_DIR } from '../../src/io/search-state.js';
import { cli, hasEcg200 } from './cli.js';
import { runAndSignal } from './kill.js';

const tmp = mkdtempSync(join(tmpdir(), 'tsdnas-interrupt-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const SEARCH = ['search', '--dataset', 'ecg200', '--batch-size', '16', '--seed', '5', '--backend', 'js',
  '--warmup-epochs', '2', '--search-epochs', '3', '--finetune-epochs', '2'];
const TRAIN = ['train', '--dataset', 'ecg200', '--epochs', '4', '--batch-size', '8', '--seed', '5', '--backend', 'js'];

describe.skipIf(!hasEcg200)('Ctrl-C (SIGINT to a child process)', () => {
  it('search: stops after the current batch with exit code 130 and the resume command; the resumed run equals an uninterrupted one', async () => {
    const a = join(tmp, 'search-a');
    expect((await cli([...SEARCH, '--out', a])).code).toBe(0);
    const b = join(tmp, 'search-b');
    const o = await runAndSignal([...SEARCH, '--out', b], join(b, STATE_DIR), { only: 'point-0.search', writes: 1, delayMs: 20 }, 'SIGINT');
    expect(o.sent).toBe(true);
    expect(o.code, o.stderr).toBe(130);
    expect(o.stderr).toMatch(/Ctrl-C: finishing the current batch/);
    // The command as the user can run it: `tsdnas` when that is on PATH, else the node invocation (src/cli/invocation.ts).
    expect(o.stderr).toMatch(/\ntsdnas: interrupted; continue with \S.* search --resume /);
    expect(o.stderr).toContain(` search --resume ${b} (stopped`);
    expect(o.stderr).toMatch(/stopped after batch \d+\/\d+ of epoch \d+; its state is saved/);
    expect(existsSync(join(b, LOCK_FILE))).toBe(false);
    const r = await cli(['search', '--resume', b]);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(b, 'point-0', 'model.safetensors')).equals(readFileSync(join(a, 'point-0', 'model.safetensors')))).toBe(true);
  }, 120_000);

  it('train: interrupted mid-epoch and resumed gives the uninterrupted checkpoint; a second Ctrl-C stops at once, leaving no lock', async () => {
    const a = join(tmp, 'train-a');
    expect((await cli([...TRAIN, '--out', a])).code).toBe(0);
    const b = join(tmp, 'train-b');
    const once = await runAndSignal([...TRAIN, '--out', b], b, { only: 'train-state', writes: 1, delayMs: 15 }, 'SIGINT');
    expect(once.sent).toBe(true);
    expect(once.code, once.stderr).toBe(130);
    expect(once.stderr).toMatch(/\ntsdnas: interrupted; continue with \S.* train --resume /);
    expect(once.stderr).toContain(` train --resume ${b} (stopped`);
    expect(existsSync(join(b, LOCK_FILE))).toBe(false);
    const rb = await cli(['train', '--resume', b]);
    expect(rb.code, rb.stderr).toBe(0);
    expect(readFileSync(join(b, 'model.safetensors')).equals(readFileSync(join(a, 'model.safetensors')))).toBe(true);

    const d = join(tmp, 'train-twice');
    const o = await runAndSignal([...TRAIN, '--out', d], d, { only: 'train-state', writes: 1, delayMs: 10 }, 'SIGINT', true);
    expect(o.sent).toBe(true);
    expect(o.code, o.stderr).toBe(130);
    expect(o.stderr).toMatch(/interrupted(;| again, stopped at once;) .*continue with \S.* train --resume/);
    expect(existsSync(join(d, LOCK_FILE))).toBe(false);
    const r = await cli(['train', '--resume', d]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/resuming .* after epoch \d\/4/);
  }, 180_000);
});
