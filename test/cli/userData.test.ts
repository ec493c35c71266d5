/**
 * A user's own data through every command, as a child process, on small files the test writes:
 * a multivariate sktime .ts pair (train, sweep, quantize, export --format c, eval, predict) and a
 * CSV regression described by a dataset description with a group column. Run records must say
 * what was loaded, and eval must prepare new files with the model's saved preprocessing.
 */

import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Rng } from '../../src/tensor/rng.js';
import { loadModelCheckpoint } from '../../src/io/checkpoint.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = join(ROOT, 'src', 'cli', 'main.ts');
// The commands run in a temp directory (relative paths as a user types them), so tsx is named by path.
const TSX = pathToFileURL(join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
const tmp = mkdtempSync(join(tmpdir(), 'tsdnas-user-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Run { code: number; stdout: string; stderr: string }

function cli(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', TSX, MAIN, ...args], { cwd: tmp, env: { ...process.env, TSDNAS_DEBUG: '', TSDNAS_NO_WORKER: '1' }, timeout: 120_000 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : -1, stdout, stderr });
    });
  });
}

/** Two classes that differ in which channel carries a bump: learnable in a few epochs. */
function tsFile(n: number, seed: number): string {
  const rng = new Rng(seed);
  const lines = ['# synthetic', '@problemName Bumps', '@timeStamps false', '@missing true', '@univariate false', '@dimensions 2', '@equalLength false', '@classLabel true up down', '@data'];
  for (let i = 0; i < n; i++) {
    const label = i % 2 === 0 ? 'up' : 'down';
    const L = 30 + (i % 5);
    const dims = [0, 1].map((c) => Array.from({ length: L }, (_, t) => {
      const bump = (label === 'up') === (c === 0) && t > 10 && t < 20 ? 2 : 0;
      return i === 3 && t === 4 ? '?' : (bump + rng.normal() * 0.3).toFixed(3);
    }).join(','));
    lines.push(`${dims.join(':')}:${label}`);
  }
  return lines.join('\n') + '\n';
}

const bumps = join(tmp, 'bumps');
mkdirSync(bumps);
writeFileSync(join(bumps, 'Bumps_TRAIN.ts'), tsFile(60, 1));
writeFileSync(join(bumps, 'Bumps_TEST.ts'), tsFile(30, 2));

describe('your own data through the CLI', () => {
  it('train → sweep → quantize → export --format c → eval → predict on a .ts folder', async () => {
    const train = await cli(['train', '--dataset', bumps, '--epochs', '8', '--out', 'train']);
    expect(train.code, train.stderr).toBe(0);
    expect(train.stderr).toMatch(/tsdnas train: Bumps \(\d+ train \/ \d+ val \/ 30 test, input \[2, 34\]\)/);
    const summary = JSON.parse(readFileSync(join(tmp, 'train', 'summary.json'), 'utf8'));
    expect(summary.data.name).toBe('Bumps');
    expect(summary.data.source).toContain('Bumps_TRAIN.ts');
    expect(summary.data.notes).toMatch(/4 missing values filled \(interpolate\)/);
    expect(summary.test.accuracy).toBeGreaterThan(0.8);
    const { meta } = loadModelCheckpoint(join(tmp, 'train', 'model.safetensors'));
    expect(meta.preprocessing?.classes).toEqual(['up', 'down']);
    expect(meta.architecture).toBeDefined();

    const sweep = await cli(['sweep', '--dataset', bumps, '--warmup-epochs', '2', '--search-epochs', '2', '--finetune-epochs', '1', '--lambdas', '1e-4', '--out', 'sweep']);
    expect(sweep.code, sweep.stderr).toBe(0);
    expect(existsSync(join(tmp, 'sweep', 'front.csv'))).toBe(true);

    const q = await cli(['quantize', '--dataset', bumps, '--checkpoint', join('train', 'model.safetensors'), '--epochs', '1', '--out', 'quant']);
    expect(q.code, q.stderr).toBe(0);
    const c = await cli(['export', '--format', 'c', '--from', 'quant', '--out', 'c', '--name', 'bumps']);
    expect(c.code, c.stderr).toBe(0);
    expect(existsSync(join(tmp, 'c', 'bumps.c'))).toBe(true);

    const ev = await cli(['eval', '--model', 'train', '--dataset', bumps]);
    expect(ev.code, ev.stderr).toBe(0);
    expect(ev.stdout).toContain(`accuracy ${(summary.test.accuracy * 100).toFixed(2)}%`);
    expect(ev.stdout).toMatch(/confusion matrix[\s\S]*up[\s\S]*down/);
    const evq = await cli(['eval', '--model', 'quant', '--dataset', join(bumps, 'Bumps_TEST.ts'), '--out', 'eval.json']);
    expect(evq.code, evq.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(tmp, 'eval.json'), 'utf8')).samples).toBe(30);

    const pr = await cli(['predict', '--model', 'train', '--dataset', join(bumps, 'Bumps_TEST.ts'), '--out', 'preds.csv']);
    expect(pr.code, pr.stderr).toBe(0);
    const rows = readFileSync(join(tmp, 'preds.csv'), 'utf8').trim().split('\n');
    expect(rows[0]).toBe('index,source,predicted,label,p_up,p_down');
    expect(rows.length).toBe(31);
    const npy = await cli(['predict', '--model', 'train', '--dataset', join(bumps, 'Bumps_TEST.ts'), '--out', 'preds.npy']);
    expect(npy.code, npy.stderr).toBe(0);
    expect(readFileSync(join(tmp, 'preds.npy')).subarray(0, 6).toString('latin1')).toBe('\x93NUMPY');
  }, 240_000);

  it('a CSV regression with a group column, described by a .json file', async () => {
    const rng = new Rng(7);
    const lines = ['subject,target,v0,v1,v2,v3,v4,v5,v6,v7,v8,v9,v10,v11'];
    for (let i = 0; i < 80; i++) {
      const level = rng.next() * 4;
      lines.push([`s${i % 8}`, (level * 10).toFixed(3), ...Array.from({ length: 12 }, () => (level + rng.normal() * 0.1).toFixed(3))].join(','));
    }
    writeFileSync(join(tmp, 'levels.csv'), lines.join('\n') + '\n');
    writeFileSync(join(tmp, 'levels.json'), JSON.stringify({ name: 'levels', train: 'levels.csv', task: 'regression', csv: { labelColumn: 'target', groupColumn: 'subject' }, normalize: 'channel' }));
    const r = await cli(['train', '--dataset', 'levels.json', '--epochs', '6', '--out', 'levels']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/test mae: \d/);
    const s = JSON.parse(readFileSync(join(tmp, 'levels', 'summary.json'), 'utf8'));
    expect(s.data.notes).toMatch(/whole groups/);
    expect(s.data.preprocessing.stats).toHaveLength(1);
    const ev = await cli(['eval', '--model', 'levels', '--dataset', 'levels.json']);
    expect(ev.code, ev.stderr).toBe(0);
    expect(ev.stdout).toMatch(/MAE \d.*RMSE \d/);
  }, 120_000);

  it('refusals name the file and the row, and write nothing', async () => {
    writeFileSync(join(tmp, 'bad.json'), JSON.stringify({ name: 'bad', train: 'levels.csv', normalise: 'channel' }));
    const r = await cli(['train', '--dataset', 'bad.json', '--epochs', '1', '--out', 'never']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.json: unknown key 'normalise' \(did you mean 'normalize'\?\)/);
    expect(existsSync(join(tmp, 'never'))).toBe(false);
    writeFileSync(join(tmp, 'broken.csv'), 'label,a,b\nx,1,2\ny,3,oops\n');
    const b = await cli(['train', '--dataset', 'broken.csv', '--epochs', '1', '--out', 'never']);
    expect(b.code).toBe(1);
    expect(b.stderr).toMatch(/broken\.csv.*line 3/);
    expect(existsSync(join(tmp, 'never'))).toBe(false);
    const nope = await cli(['eval', '--model', 'train', '--dataset', 'no-such-file.csv']);
    expect(nope.code).toBe(2);
    expect(nope.stderr).toMatch(/neither a named dataset .* nor an existing file or folder/);
  }, 60_000);
});
