/**
 * Library and CLI checkpoints are interchangeable: a model saved with saveModel (a custom,
 * non-seed architecture under a free name) is quantised by `tsdnas quantize --checkpoint` and
 * exported by `tsdnas export --format onnx`, and a checkpoint `tsdnas train` wrote loads with
 * loadModel and evaluates to the metric the CLI reported.
 */

import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  Conv1d, Flatten, Linear, MaxPool1d, ReLU, Rng, Sequential, evaluateModel, loadDataset, loadModel, loadQuantModel, saveModel,
} from '../../src/index.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = join(ROOT, 'src', 'cli', 'main.ts');
const tmp = mkdtempSync(join(tmpdir(), 'tsdnas-interchange-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: ROOT, env: { ...process.env, TSDNAS_DEBUG: '' }, timeout: 120_000 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : -1, stdout, stderr });
    });
  });
}

const shape = [28, 28];

describe('library ↔ CLI checkpoints', () => {
  const file = join(tmp, 'custom.safetensors');
  const r = new Rng(5);
  const model = new Sequential(new Conv1d(28, 8, 3, { padding: 'causal', rng: r }), new ReLU(), new MaxPool1d({ kernel: 4 }), new Flatten(), new Linear(8 * 7, 10, { rng: r }));
  saveModel(file, model, { inputShape: shape, name: 'custom', dataset: 'mnist', task: 'classification' });

  it('tsdnas quantize --checkpoint takes a library checkpoint', async () => {
    const out = join(tmp, 'q');
    const res = await cli(['quantize', '--checkpoint', file, '--dataset', 'mnist', '--limit', '200', '--epochs', '1', '--int-limit', '50', '--out', out]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toMatch(/float model from .*custom\.safetensors \(custom,/);
    const q = loadQuantModel(join(out, 'quantized.safetensors'));
    expect(q.meta.model).toBe('custom');
  }, 120_000);

  it('tsdnas export --format onnx takes a library checkpoint', async () => {
    const out = join(tmp, 'onnx');
    const res = await cli(['export', '--format', 'onnx', '--from', file, '--out', out]);
    expect(res.code, res.stderr).toBe(0);
    expect(readFileSync(join(out, 'model.onnx')).length).toBeGreaterThan(1000);
  }, 60_000);

  it('tsdnas eval, predict and mps --checkpoint take a library checkpoint', async () => {
    const ev = await cli(['eval', '--model', file, '--dataset', 'mnist']);
    expect(ev.code, ev.stderr).toBe(0);
    expect(ev.stdout).toMatch(/accuracy \d+\.\d\d%  macro-F1/);
    const preds = join(tmp, 'preds.npy');
    const pr = await cli(['predict', '--model', file, '--dataset', 'mnist', '--out', preds]);
    expect(pr.code, pr.stderr).toBe(0);
    expect(readFileSync(preds).subarray(1, 6).toString('latin1')).toBe('NUMPY');
    const out = join(tmp, 'mps');
    const m = await cli(['mps', '--checkpoint', file, '--dataset', 'mnist', '--limit', '200', '--warmup-epochs', '0', '--search-epochs', '1', '--finetune-epochs', '1', '--run-baselines', 'false', '--test-limit', '200', '--out', out]);
    expect(m.code, m.stderr).toBe(0);
    expect(existsSync(join(out, 'front.json'))).toBe(true);
  }, 240_000);

  it('loadModel takes a checkpoint tsdnas train wrote, and evaluates to its reported metric', async () => {
    const out = join(tmp, 'train');
    const res = await cli(['train', '--dataset', 'mnist', '--limit', '200', '--epochs', '1', '--out', out]);
    expect(res.code, res.stderr).toBe(0);
    const path = join(out, 'model.safetensors');
    expect(existsSync(path)).toBe(true);
    const { model: m, meta } = loadModel(path);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Record<string, unknown>;
    const data = loadDataset('mnist', { layout: 'sequence', limit: 200 });
    const report = evaluateModel(m, data.test, { scaler: meta.scaler ?? null });
    expect(JSON.stringify(summary)).toContain(String(report.metric));
  }, 120_000);
});
