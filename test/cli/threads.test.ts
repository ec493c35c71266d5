/**
 * `--threads <n>` of the training commands: validated with the other options, refused on the js
 * backend, recorded in the run's summary, `--threads 1` is the default bit for bit, 2 threads
 * train to about the same accuracy, and --resume continues with the saved thread count.
 */

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it, expect } from 'vitest';
import { parseCommand, UsageError } from '../../src/cli/args.js';
import { runTrain, TRAIN_COMMAND_SCHEMA } from '../../src/cli/commands/train.js';
import { runSearchCommand, SEARCH_COMMAND_SCHEMA } from '../../src/cli/commands/search.js';
import { runMpsCommand, MPS_COMMAND_SCHEMA } from '../../src/cli/commands/mps.js';
import { cli } from '../reliability/cli.js';
import { runAndSignal } from '../reliability/kill.js';

const tmp = mkdtempSync(join(tmpdir(), 'tsdnas-threads-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const SCHEMAS = { train: TRAIN_COMMAND_SCHEMA, search: SEARCH_COMMAND_SCHEMA, sweep: SEARCH_COMMAND_SCHEMA, mps: MPS_COMMAND_SCHEMA };

describe('--threads option', () => {
  it('parses as an integer ≥ 1 (default 1) for train, search, sweep and mps', () => {
    for (const [command, schema] of Object.entries(SCHEMAS)) {
      expect(parseCommand(command, schema, []).config.threads).toBe(1);
      expect(parseCommand(command, schema, ['--threads', '2']).config.threads).toBe(2);
    }
    for (const bad of ['0', '-1', '1.5', 'x']) {
      const parse = () => parseCommand('train', TRAIN_COMMAND_SCHEMA, ['--threads', bad]);
      expect(parse).toThrow(UsageError);
      expect(parse).toThrow(`'threads' (--threads) = "${bad}" is not allowed; expected an integer ≥ 1`);
    }
  });

  it('is refused with --backend js, naming both options, before anything is written', () => {
    const out = join(tmp, 'refused');
    const msg = /--threads 2 splits the wasm kernels over worker threads, but --backend js runs on one thread; drop --threads .*or use --backend wasm/;
    expect(() => runTrain(['--dataset', 'mnist', '--backend', 'js', '--threads', '2', '--out', out])).toThrow(msg);
    expect(() => runSearchCommand(['--dataset', 'mnist', '--backend', 'js', '--threads', '2', '--out', out], true)).toThrow(msg);
    expect(() => runMpsCommand(['--dataset', 'mnist', '--backend', 'js', '--threads', '2', '--out', out])).toThrow(msg);
    expect(existsSync(out)).toBe(false);
  });
});

interface Summary { threads: number; backend: string; config: { threads: number }; test: { accuracy: number } }
const summaryOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Summary;
const checkpoint = (dir: string) => readFileSync(join(dir, 'model.safetensors'));

describe('tsdnas train --threads (child processes, embedded MNIST)', () => {
  const SHORT = ['train', '--dataset', 'mnist', '--limit', '500', '--epochs', '1'];

  it('--threads 1 is bit-identical to the default; --threads 2 is recorded and trains to about the same accuracy', async () => {
    const [dDefault, d1, d2] = ['default', 'one', 'two'].map((n) => join(tmp, n));
    const [rDefault, r1, r2] = await Promise.all([
      cli([...SHORT, '--out', dDefault]),
      cli([...SHORT, '--threads', '1', '--out', d1]),
      cli([...SHORT, '--threads', '2', '--out', d2]),
    ]);
    for (const r of [rDefault, r1, r2]) expect(r.code, r.stderr).toBe(0);
    expect(r1.stderr).toMatch(/backend wasm, 1 thread\n/);
    expect(r2.stderr).toMatch(/backend wasm, 2 threads\n/);
    expect(checkpoint(d1).equals(checkpoint(dDefault))).toBe(true);
    const s1 = summaryOf(d1);
    const s2 = summaryOf(d2);
    expect([s1.threads, s1.config.threads]).toEqual([1, 1]);
    expect([s2.backend, s2.threads, s2.config.threads]).toEqual(['wasm', 2, 2]);
    // Not bit-equal (gradient sums are split per thread), but the same training: within 3 points.
    expect(Math.abs(s2.test.accuracy - s1.test.accuracy)).toBeLessThan(0.03);
  });

  it('--resume continues with the saved thread count: an interrupted 2-thread run resumes to the uninterrupted 2-thread checkpoint', async () => {
    const RUN = ['train', '--dataset', 'mnist', '--limit', '1000', '--epochs', '3', '--seed', '4', '--threads', '2'];
    const a = join(tmp, 'resume-a');
    const b = join(tmp, 'resume-b');
    // Ctrl-C in the second epoch: the run stops after the batch in progress and saves its state.
    const [ra, stopped] = await Promise.all([cli([...RUN, '--out', a]), runAndSignal([...RUN, '--out', b], b, { only: 'train-state', writes: 1, delayMs: 0 }, 'SIGINT')]);
    expect(ra.code, ra.stderr).toBe(0);
    expect(stopped.sent, 'Ctrl-C was to arrive after the first epoch').toBe(true);
    expect(stopped.code, stopped.stderr).toBe(130);
    const rb = await cli(['train', '--resume', b]);
    expect(rb.code, rb.stderr).toBe(0);
    expect(rb.stderr).toMatch(/backend wasm, 2 threads\n/);
    expect(summaryOf(b).threads).toBe(2);
    expect(checkpoint(b).equals(checkpoint(a))).toBe(true);
  });
});
