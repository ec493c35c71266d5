/**
 * Live output of the long commands (src/cli/output.ts): epoch lines reach a pipe while the run
 * goes on, a terminal gets in-place redraws, run.log survives SIGKILL, and SIGTERM stops like
 * the first Ctrl-C (state saved, lock released, exit 143, the resume command on its own line).
 */

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it, expect } from 'vitest';
import { LOCK_FILE } from '../../src/io/run-lock.js';
import { TRAIN_STATE_FILE } from '../../src/io/train-state.js';
import { RUN_LOG_FILE } from '../../src/cli/runLog.js';
import { shellWord } from '../../src/cli/invocation.js';
import { cli, hasEcg200, ROOT } from '../reliability/cli.js';
import { runAndSignal } from '../reliability/kill.js';

const tmp = mkdtempSync(join(tmpdir(), 'tsdnas-live-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const MAIN = join(ROOT, 'src', 'cli', 'main.ts');
const TRAIN = ['train', '--dataset', 'ecg200', '--batch-size', '8', '--seed', '5', '--backend', 'js'];
const hasScript = spawnSync('script', ['--version']).status === 0;

interface Seen { line: string; running: boolean; ms: number }

/** Runs `tsdnas <args>` with stderr piped, noting each line as it arrives and whether the child was still running; `onLine` may kill it. */
function watchLines(args: string[], onLine: (line: string, child: ReturnType<typeof spawn>) => void): Promise<{ seen: Seen[]; stderr: string; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    const t0 = Date.now();
    const seen: Seen[] = [];
    let stderr = '';
    let rest = '';
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      rest += d.toString();
      const lines = rest.split('\n');
      rest = lines.pop()!;
      for (const line of lines) {
        seen.push({ line, running: child.exitCode === null, ms: Date.now() - t0 });
        onLine(line, child);
      }
    });
    child.on('close', (_code, signal) => resolve({ seen, stderr, signal }));
  });
}

describe.skipIf(!hasEcg200)('live output (child processes)', () => {
  it('through a pipe: epoch lines arrive while the run goes on, one bar line per epoch; run.log keeps them after SIGKILL', async () => {
    const out = join(tmp, 'piped');
    const r = await watchLines([...TRAIN, '--epochs', '40', '--out', out], (line, child) => {
      if (line.startsWith('epoch 2/40  train loss')) child.kill('SIGKILL');
    });
    expect(r.signal, r.stderr).toBe('SIGKILL');
    const epochLines = r.seen.filter((s) => /^epoch \d+\/40  train loss/.test(s.line));
    expect(epochLines.length).toBeGreaterThanOrEqual(2);
    expect(epochLines.every((s) => s.running)).toBe(true);
    // Not a TTY: no carriage-return redraws, one summary line per epoch's bar.
    expect(r.stderr).not.toContain('\r');
    expect(r.seen.filter((s) => s.line.startsWith('epoch 1/40 [')).length).toBe(1);
    const log = readFileSync(join(out, RUN_LOG_FILE), 'utf8');
    expect(log).toMatch(/^tsdnas train: ecg200/);
    expect(log).toMatch(/^epoch 1\/40  train loss/m);
    expect(log).toMatch(/^epoch 2\/40  train loss/m);
  }, 120_000);

  it.skipIf(!hasScript)('in a pseudo-terminal (script): the bar redraws in place; run.log holds the final lines only', async () => {
    const out = join(tmp, 'tty');
    const cmd = [process.execPath, '--import', 'tsx', MAIN, ...TRAIN, '--epochs', '2', '--batch-size', '4', '--out', out].map(shellWord).join(' ');
    const r = spawnSync('script', ['-qefc', cmd, '/dev/null'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    // A redraw is `\r` + the line + clear-to-end, not the `\r\n` a terminal makes of each newline.
    expect(r.stdout).toMatch(/\repoch 1\/2 \[[#-]+\] \d+\/20 .*\x1b\[K\repoch 1\/2 \[/);
    const log = readFileSync(join(out, RUN_LOG_FILE), 'utf8');
    expect(log).not.toMatch(/[\r\x1b]/);
    expect(log.split('\n').filter((l) => l.startsWith('epoch 1/2 ['))).toHaveLength(1);
    expect(log).toMatch(/^test accuracy: /m);
  }, 120_000);

  it.skipIf(!hasScript)('in a pseudo-terminal, Ctrl-C mid-bar: the resume command starts a line of its own', async () => {
    const out = join(tmp, 'tty-int');
    const cmd = [process.execPath, '--import', 'tsx', MAIN, ...TRAIN, '--epochs', '300', '--batch-size', '4', '--out', out].map(shellWord).join(' ');
    const child = spawn('script', ['-qefc', cmd, '/dev/null'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout!.on('data', (d: Buffer) => {
      text += d.toString();
      // After two epoch lines the CLI holds the lock; its pid is the process to interrupt (script's child).
      if ((text.match(/epoch \d+\/300  train loss/g) ?? []).length === 2 && !text.includes('Ctrl-C')) {
        const pid = (JSON.parse(readFileSync(join(out, LOCK_FILE), 'utf8')) as { pid: number }).pid;
        process.kill(pid, 'SIGINT');
        text += 'Ctrl-C';
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code, text).toBe(130);
    // Preceded by a newline or by clearing the half-drawn bar, never glued to it.
    expect(text).toMatch(/(\n|\r\x1b\[K)tsdnas: interrupted; continue with /);
  }, 120_000);

  it('--quiet: only the results on stdout and errors on stderr; run.log still has the epoch lines', async () => {
    const out = join(tmp, 'quiet');
    const r = await cli([...TRAIN, '--epochs', '1', '--limit', '40', '--quiet', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^test accuracy: /m);
    expect(readFileSync(join(out, RUN_LOG_FILE), 'utf8')).toMatch(/^epoch 1\/1  train loss/m);
    const bad = await cli([...TRAIN, '--lr', '-1', '--quiet', '--out', join(tmp, 'quiet-bad')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/lr/);
  }, 60_000);

  it('--json: stdout is one record per event (epoch, point, done; error on failure), the human lines go to stderr', async () => {
    const records = (stdout: string) => stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const t = await cli([...TRAIN, '--epochs', '2', '--limit', '40', '--json', '--out', join(tmp, 'json-train')]);
    expect(t.code, t.stderr).toBe(0);
    const tr = records(t.stdout);
    expect(tr.map((r) => r.event)).toEqual(['epoch', 'epoch', 'done']);
    expect(tr[1]).toMatchObject({ phase: 'train', epoch: 2 });
    expect(typeof tr[1]!.valLoss).toBe('number');
    expect(t.stderr).toMatch(/^test accuracy: /m);
    const s = await cli(['search', '--dataset', 'ecg200', '--batch-size', '16', '--seed', '5', '--backend', 'js', '--limit', '40',
      '--warmup-epochs', '1', '--search-epochs', '1', '--finetune-epochs', '1', '--json', '--out', join(tmp, 'json-search')]);
    expect(s.code, s.stderr).toBe(0);
    const sr = records(s.stdout);
    expect(sr.filter((r) => r.event === 'epoch').map((r) => r.phase)).toContain('search');
    const point = sr.find((r) => r.event === 'point');
    expect(point).toMatchObject({ index: 0 });
    expect(typeof point!.params).toBe('number');
    expect(point!.model).toBeUndefined();
    expect(sr.at(-1)).toEqual({ event: 'done', command: 'search' });
    const bad = await cli([...TRAIN, '--lr', '-1', '--json', '--out', join(tmp, 'json-bad')]);
    expect(bad.code).toBe(2);
    expect(records(bad.stdout)).toEqual([{ event: 'error', message: expect.stringMatching(/lr/), code: 2 }]);
  }, 120_000);

  it('SIGTERM mid-run: stops after the batch with exit 143 and the resume command on its own line; resuming gives the uninterrupted checkpoint', async () => {
    const a = join(tmp, 'term-a');
    const ra = await cli([...TRAIN, '--epochs', '4', '--out', a]);
    expect(ra.code, ra.stderr).toBe(0);
    const b = join(tmp, 'term-b');
    const o = await runAndSignal([...TRAIN, '--epochs', '4', '--out', b], b, { only: 'train-state', writes: 1, delayMs: 15 }, 'SIGTERM');
    expect(o.sent).toBe(true);
    expect(o.code, o.stderr).toBe(143);
    expect(o.stderr).toMatch(/SIGTERM: finishing the current batch/);
    expect(o.stderr).toMatch(new RegExp(`\\ntsdnas: interrupted; continue with \\S.* train --resume ${b.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(stopped after batch`));
    expect(existsSync(join(b, LOCK_FILE))).toBe(false);
    expect(existsSync(join(b, TRAIN_STATE_FILE))).toBe(true);
    expect(readFileSync(join(b, RUN_LOG_FILE), 'utf8')).toMatch(/SIGTERM: finishing the current batch[^]*interrupted; continue with/);
    const rb = await cli(['train', '--resume', b]);
    expect(rb.code, rb.stderr).toBe(0);
    expect(readFileSync(join(b, 'model.safetensors')).equals(readFileSync(join(a, 'model.safetensors')))).toBe(true);
    // The resumed run appended to the same log.
    expect(readFileSync(join(b, RUN_LOG_FILE), 'utf8')).toMatch(/interrupted; continue with[^]*resuming .* after epoch/);
  }, 180_000);

  it('SIGHUP (the terminal closed) stops the same way, with exit 129 and a resumable state', async () => {
    const d = join(tmp, 'hup');
    const o = await runAndSignal([...TRAIN, '--epochs', '4', '--out', d], d, { only: 'train-state', writes: 1, delayMs: 15 }, 'SIGHUP');
    expect(o.sent).toBe(true);
    expect(o.code, o.stderr).toBe(129);
    expect(o.stderr).toMatch(/SIGHUP: finishing the current batch[^]*interrupted; continue with \S.* train --resume /);
    expect(existsSync(join(d, LOCK_FILE))).toBe(false);
    expect(existsSync(join(d, TRAIN_STATE_FILE))).toBe(true);
  }, 60_000);
});
