/**
 * `tsdnas train` as a child process (`node --import tsx src/cli/main.ts`): exit codes, messages,
 * and no run directory or partial file left behind when a run is refused.
 */

import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, it, expect } from 'vitest';
import { resolveDataDir } from '../../src/data/dataDir.js';
import { loadDataset } from '../../src/data/index.js';
import { loadModelCheckpoint } from '../../src/io/checkpoint.js';
import { evaluate } from '../../src/search/train/epoch.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = join(ROOT, 'src', 'cli', 'main.ts');
const tmp = mkdtempSync(join(tmpdir(), 'tsdnas-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Run { code: number; stdout: string; stderr: string }

function cli(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: ROOT, env: { ...process.env, TSDNAS_DEBUG: '' }, timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

const hasEcg200 = (() => {
  try {
    return existsSync(join(resolveDataDir(), 'ucr', 'ECG200'));
  } catch {
    return false;
  }
})();

/** A fresh run directory path (not created). */
let n = 0;
const outDir = () => join(tmp, `run-${++n}`);

/** Run a command that must be refused: exit code, message, and nothing written to --out. */
async function refused(args: string[], code: number, ...patterns: RegExp[]): Promise<Run> {
  const out = outDir();
  const r = await cli([...args, '--out', out]);
  expect(r.code, `stderr: ${r.stderr}`).toBe(code);
  for (const p of patterns) expect(r.stderr).toMatch(p);
  expect(r.stderr).not.toMatch(/\n\s+at /); // one clear line, no stack trace
  expect(existsSync(out)).toBe(false);
  return r;
}

describe('tsdnas train (child process)', () => {
  it.skipIf(!hasEcg200)('trains ecg200 for one epoch and writes model.safetensors and summary.json', async () => {
    const out = outDir();
    const r = await cli(['train', '--dataset', 'ecg200', '--epochs', '1', '--limit', '40', '--out', out]);
    expect(r.code, `stderr: ${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/test accuracy: \d+\.\d\d%/);
    expect(r.stderr).toMatch(/ecg200 \(40 train/);
    expect(readdirSync(out).sort()).toEqual(['model.safetensors', 'run.log', 'summary.json']);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as {
      dataset: string; model: string; bestEpoch: number; history: unknown[]; config: { epochs: number; limit: number }; test: { accuracy: number; loss: number };
    };
    expect(summary.dataset).toBe('ecg200');
    expect(summary.model).toBe('tcn-ecg');
    expect(summary.config.epochs).toBe(1);
    expect(summary.config.limit).toBe(40);
    expect(summary.history).toHaveLength(1);
    expect(summary.test.accuracy).toBeGreaterThanOrEqual(0);
    expect(summary.test.accuracy).toBeLessThanOrEqual(1);
    // The checkpoint is the evaluated model: reloading it reproduces the reported test accuracy.
    const { model, meta } = loadModelCheckpoint(join(out, 'model.safetensors'));
    expect(meta).toMatchObject({ model: 'tcn-ecg', dataset: 'ecg200', task: 'classification', inputShape: [1, 96], outputs: 2 });
    const splits = loadDataset('ecg200', { limit: 40 });
    const ctx = { task: 'classification' as const, numClasses: 2, loss: { loss: 'cross-entropy' as const, labelSmoothing: 0, huberDelta: 1 }, scaler: null };
    expect(evaluate(model, splits.test, ctx).metric).toBe(summary.test.accuracy);
  });

  it('an unknown dataset exits 2 listing the valid names', async () => {
    await refused(['train', '--dataset', 'ecg300', '--epochs', '1'], 2, /dataset 'ecg300' is neither a named dataset \(mnist, fashion-mnist, ecg200, ecg5000, eog, ppg, fsdd\) nor an existing file or folder/, /did you mean 'ecg200'/);
  });

  it('an unknown option suggests the nearest one', async () => {
    await refused(['train', '--dataset', 'ecg200', '--epochz', '1'], 2, /unknown option --epochz \(did you mean --epochs\?\)/);
  });

  it('--lr -1 names lr and the allowed range (negative values are not mistaken for options)', async () => {
    await refused(['train', '--dataset', 'ecg200', '--lr', '-1'], 2, /'lr' \(--lr\) = "-1" is not allowed; expected a number ≥ 0/);
    await refused(['train', '--dataset', 'ecg200', '--lr=-1'], 2, /'lr' \(--lr\) = "-1" is not allowed/);
  });

  it('bad option values name the key and what is allowed', async () => {
    await refused(['train', '--epochs', '2.5'], 2, /'epochs' \(--epochs\) = "2\.5" is not allowed; expected an integer ≥ 0/);
    await refused(['train', '--optimizer', 'adamm'], 2, /'optimizer'.*one of adam, adamw, sgd \(did you mean 'adam'\?\)/);
    await refused(['train', '--batch-size', 'many'], 2, /'batchSize' \(--batch-size\) = "many"/);
  });

  it('a positional argument is refused instead of silently training on the default dataset', async () => {
    await refused(['train', 'ecg200'], 2, /unexpected argument 'ecg200'.*--dataset ecg200/);
  });

  it('--config with invalid JSON, an unknown key, a bad value or a missing file gives a clear message', async () => {
    const bad = join(tmp, 'bad.json');
    writeFileSync(bad, '{"epochs": 1,');
    await refused(['train', '--config', bad], 2, new RegExp(`--config ${bad}: not valid JSON`));
    const unknown = join(tmp, 'unknown.json');
    writeFileSync(unknown, JSON.stringify({ dataset: 'ecg200', epochz: 1 }));
    await refused(['train', '--config', unknown], 2, new RegExp(`--config ${unknown}: unknown key 'epochz' \\(did you mean 'epochs'\\?\\)`));
    const value = join(tmp, 'value.json');
    writeFileSync(value, JSON.stringify({ dataset: 'ecg200', 'batch-size': 0 }));
    await refused(['train', '--config', value], 2, new RegExp(`--config ${value}: 'batchSize'.* = 0 is not allowed; expected an integer ≥ 1`));
    const list = join(tmp, 'list.json');
    writeFileSync(list, '[1, 2]');
    await refused(['train', '--config', list], 2, /must hold a JSON object/);
    await refused(['train', '--config', join(tmp, 'missing.json')], 2, /missing\.json: cannot read the file \(ENOENT\)/);
  });

  it('--data-dir pointing nowhere names the path and the option', async () => {
    await refused(['train', '--dataset', 'ecg200', '--data-dir', '/nonexistent/tsdnas-data'], 1, /data directory '\/nonexistent\/tsdnas-data' \(from --data-dir/);
  });

  it.skipIf(!hasEcg200)('a model that does not fit the data is refused before training, with the models that do', async () => {
    await refused(['train', '--dataset', 'ecg200', '--model', 'mini-resnet'], 2, /--model mini-resnet takes images \[C, H, W\] but ecg200 gives samples of shape \[1, 96\]; choose one of: tcn-mnist, tcn-ecg/);
  });

  it('an unknown command exits 2 listing the commands; no command prints usage and exits 2', async () => {
    const r = await cli(['trian']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown command 'trian'; commands: train, search, sweep, .*datasets.*models/);
    const u = await cli([]);
    expect(u.code).toBe(2);
    expect(u.stdout).toMatch(/usage: tsdnas <command>/);
  });

  it('train --help lists the options with defaults and exits 0', async () => {
    const r = await cli(['train', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/--epochs\s+passes over the training split \(default 10\)/);
    expect(r.stdout).toMatch(/--dataset .*a named dataset \(mnist, fashion-mnist, ecg200/);
  });
});
