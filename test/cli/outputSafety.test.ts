/**
 * Outputs that cannot be mixed up (issue 16), as child processes: the run lock on every command
 * that writes a run directory, no finished run replaced without --force (and --force removing
 * only tsdnas's files), --out checked before any work, list options without empty entries, an
 * edited run.json or a deleted finished point refused on --resume, bare boolean flags, config
 * files with 1e400 / duplicate / __proto__ keys refused, and a resumed sweep's total time.
 */

import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/cli/args.js';
import { MPS_COMMAND_SCHEMA } from '../../src/cli/commands/mps.js';
import { SEARCH_COMMAND_SCHEMA } from '../../src/cli/commands/search.js';
import { LOCK_FILE } from '../../src/io/run-lock.js';
import { RunStateDir } from '../../src/io/search-state.js';
import { resolveConfig } from '../../src/util/schema.js';
import { cli, type Run } from '../reliability/cli.js';
import { buildSeed } from '../../src/models/seeds.js';
import { Rng } from '../../src/tensor/rng.js';
import { saveModelCheckpoint, CHECKPOINT_FORMAT } from '../../src/io/checkpoint.js';

const tmp = mkdtempSync(join(tmpdir(), 'tsdnas-safety-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let n = 0;
const outDir = () => join(tmp, `run-${++n}`);
const DATA = ['--dataset', 'mnist', '--limit', '100'];
const TRAIN = ['train', ...DATA, '--epochs', '1'];
const SWEEP = ['sweep', ...DATA, '--warmup-epochs', '0', '--search-epochs', '1', '--finetune-epochs', '0', '--lambdas', '1e-5,1e-4'];

/** Exit code 2 (usage), the message, one line without a stack trace. */
function expectUsage(r: Run, ...patterns: RegExp[]): void {
  expect(r.code, `stderr: ${r.stderr}`).toBe(2);
  for (const p of patterns) expect(r.stderr).toMatch(p);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

/** Every file under `dir`, relative, sorted. */
function tree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
}

/** A finished sweep's directory, made by hand (what the outputs look like, without the minute of training). */
function fakeFinishedSweep(dir: string): void {
  for (const p of ['point-0', 'point-1']) {
    mkdirSync(join(dir, p), { recursive: true });
    writeFileSync(join(dir, p, 'model.safetensors'), 'old');
  }
  writeFileSync(join(dir, 'front.json'), '{}');
  writeFileSync(join(dir, 'report.html'), 'old');
}

describe('tsdnas outputs cannot be mixed up (child processes)', () => {
  it('quantize takes the run lock: a second writer into one --out is refused and writes nothing', async () => {
    const out = outDir();
    mkdirSync(out);
    // Held by this (live) test process, as a running quantize would hold it.
    writeFileSync(join(out, LOCK_FILE), JSON.stringify({ pid: process.pid, host: hostname(), started: new Date().toISOString(), command: 'tsdnas quantize' }));
    const r = await cli(['quantize', ...DATA, '--float-epochs', '0', '--epochs', '0', '--out', out]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`run directory ${out} is in use by process ${process.pid}`));
    expect(tree(out)).toEqual([LOCK_FILE]);
  });

  it('export takes the lock too: a second export into one --out is refused and writes nothing', async () => {
    const ckpt = join(tmp, 'seed.safetensors');
    saveModelCheckpoint(ckpt, buildSeed('tcn-ecg', { inputShape: [1, 32], outputs: 2, rng: new Rng(1) }), { format: CHECKPOINT_FORMAT, model: 'tcn-ecg', inputShape: [1, 32], outputs: 2 });
    const out = outDir();
    mkdirSync(out);
    writeFileSync(join(out, LOCK_FILE), JSON.stringify({ pid: process.pid, host: hostname(), started: new Date().toISOString(), command: 'tsdnas export' }));
    const r = await cli(['export', '--format', 'onnx', '--from', ckpt, '--out', out]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`run directory ${out} is in use by process ${process.pid}`));
    expect(tree(out)).toEqual([LOCK_FILE]);
  });

  it('a finished run is not overwritten without --force; --force replaces only its files, refusing a directory with foreign files', async () => {
    const out = outDir();
    fakeFinishedSweep(out);
    const before = tree(out);
    expectUsage(await cli([...SWEEP, '--out', out]), new RegExp(`--out ${out} holds a finished run \\(front\\.json\\)`), /--force/);
    expect(tree(out)).toEqual(before);
    writeFileSync(join(out, 'notes.txt'), 'mine');
    expectUsage(await cli([...TRAIN, '--out', out, '--force']), /--force: .* also holds files tsdnas did not write \(notes\.txt\)/);
    expect(tree(out)).toEqual([...before, 'notes.txt'].sort());
    rmSync(join(out, 'notes.txt'));
    const r = await cli([...TRAIN, '--out', out, '--force']);
    expect(r.code, r.stderr).toBe(0);
    // The old sweep's point-1/ and front are gone: only the new run's files remain.
    expect(tree(out).filter((f) => f !== 'run.log')).toEqual(['model.safetensors', 'summary.json']);
  });

  it('--out is checked before any data is loaded: a file in the way is named with the option, nothing is left behind', async () => {
    const file = join(tmp, 'a-file');
    writeFileSync(file, 'x');
    expectUsage(await cli([...TRAIN, '--out', file]), new RegExp(`--out ${file}: ${file} is a file, not a directory \\(EEXIST\\); give another --out`));
    expectUsage(await cli([...TRAIN, '--out', join(file, 'sub')]), new RegExp(`--out ${file}/sub: ${file} is a file, so .* cannot be a directory \\(ENOTDIR\\)`));
    expect(readFileSync(file, 'utf8')).toBe('x');
    const fresh = join(outDir(), 'deep', 'er');
    expectUsage(await cli([...TRAIN, '--out', fresh, '--lr', '-1']), /--lr/);
    expect(existsSync(fresh)).toBe(false);
  });

  it.skipIf(process.getuid?.() === 0)('an unwritable --out is an EACCES usage error naming --out', async () => {
    const { chmodSync } = await import('node:fs');
    const ro = outDir();
    mkdirSync(ro, { mode: 0o500 });
    try {
      expectUsage(await cli([...TRAIN, '--out', join(ro, 'x')]), /--out .*: no permission to write there \(EACCES\)/);
    } finally {
      chmodSync(ro, 0o700);
    }
  });

  it("list options reject empty entries: --lambdas 1e-5,,1e-4 and --lambdas '' are usage errors", async () => {
    const out = outDir();
    for (const v of ['1e-5,,1e-4', '', '1e-5,']) {
      expectUsage(await cli(['sweep', ...DATA, '--lambdas', v, '--out', out]), /'lambdas' \(--lambdas\) = .* expected a comma-separated list of numbers without empty entries/);
    }
    expect(existsSync(out)).toBe(false);
  });

  it('an edited run.json or a deleted finished point is refused on --resume, naming the file (and the keys)', async () => {
    const cfg = resolveConfig(SEARCH_COMMAND_SCHEMA, [{ values: { dataset: 'mnist', limit: 100, lambdas: [1e-5, 1e-4] }, where: 'test' }]);
    const { resume: _r, ...config } = cfg;
    const out = outDir();
    const state = new RunStateDir(out);
    state.begin('sweep', config);
    const runFile = join(out, 'state', 'run.json');
    const text = readFileSync(runFile, 'utf8');
    const edited = JSON.parse(text) as { config: Record<string, unknown> };
    writeFileSync(runFile, JSON.stringify({ ...edited, config: { ...edited.config, searchEpochs: 2, limit: 50 } }, null, 2));
    expectUsage(await cli(['sweep', '--resume', out]), new RegExp(`${runFile} was changed since the run started \\(keys that differ: limit, searchEpochs\\)`));
    writeFileSync(runFile, text);
    // A finished point recorded in the ledger, then deleted.
    mkdirSync(join(out, 'point-0'));
    writeFileSync(join(out, 'point-0', 'model.safetensors'), 'weights');
    state.ledger.verify(runFile);
    state.ledger.recordPoint(0);
    rmSync(join(out, 'point-0'), { recursive: true });
    expectUsage(await cli(['sweep', '--resume', out]), /point-0\/model\.safetensors of finished point 0 is missing \(deleted\?\)/);
    expect(tree(out)).toEqual(['state', 'state/ledger.json', 'state/run.json']);
  });

  it('bare boolean flags mean true, before another option or at the end', () => {
    expect(parseCommand('mps', MPS_COMMAND_SCHEMA, ['--per-layer', '--lambda', '1e-6']).config.perLayer).toBe(true);
    const c = parseCommand('mps', MPS_COMMAND_SCHEMA, ['--per-channel', 'false', '--sweep']).config;
    expect([c.perChannel, c.sweep]).toEqual([false, true]);
    expect(parseCommand('sweep', SEARCH_COMMAND_SCHEMA, ['--force']).config.force).toBe(true);
  });

  it('bare boolean flags on the command line reach the command (no "argument is ambiguous")', async () => {
    const out = outDir();
    const r = await cli(['mps', '--per-layer', '--precisions', '9', '--out', out, '--sweep']);
    expectUsage(r, /precisions/);
    expect(r.stderr).not.toMatch(/ambiguous/);
    expect(existsSync(out)).toBe(false);
  });

  it('a --config file with 1e400, a duplicate key or __proto__ / constructor is refused naming the key', async () => {
    const cases: [string, RegExp][] = [
      ['{"epochs": 1e400}', /'epochs' = 1e400 is not a finite number/],
      ['{"epochs": 1, "lr": 0.01, "epochs": 2}', /key 'epochs' is given twice/],
      ['{"__proto__": {"epochs": 1}}', /key '__proto__' is not an option name/],
      ['{"constructor": 1}', /key 'constructor' is not an option name/],
    ];
    for (const [text, pattern] of cases) {
      const file = join(tmp, `config-${++n}.json`);
      writeFileSync(file, text);
      const out = outDir();
      expectUsage(await cli(['train', '--config', file, '--out', out]), new RegExp(`--config ${file}: `), pattern);
      expect(existsSync(out)).toBe(false);
    }
  });

  it('a resumed sweep reports the time of all its segments', async () => {
    const cfg = resolveConfig(SEARCH_COMMAND_SCHEMA, [{ values: { dataset: 'mnist', limit: 100, warmupEpochs: 0, searchEpochs: 1, finetuneEpochs: 0, lambdas: [1e-5, 1e-4] }, where: 'test' }]);
    const { resume: _r, ...config } = cfg;
    const out = outDir();
    new RunStateDir(out).begin('sweep', config);
    // An earlier segment that ran 10 minutes before it was stopped.
    const ledgerFile = join(out, 'state', 'ledger.json');
    writeFileSync(ledgerFile, JSON.stringify({ ...JSON.parse(readFileSync(ledgerFile, 'utf8')), seconds: 600 }));
    const r = await cli(['sweep', '--resume', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/sweep took 10\.\d min/);
    const front = JSON.parse(readFileSync(join(out, 'front.json'), 'utf8')) as { sweepSeconds: number };
    expect(front.sweepSeconds).toBeGreaterThan(600);
    expect(existsSync(join(out, 'state'))).toBe(false);
  });
});
