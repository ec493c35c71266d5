/**
 * `tsdnas quantize` as a child process: a short w8a8 QAT run on ECG200 writes every output, the
 * quantised checkpoint reproduces the reported fake-quant accuracy, and bad options are refused
 * before any work with one clear line and nothing written.
 */

import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/data/index.js';
import { evaluate } from '../../src/search/train/epoch.js';
import { loadQuantCheckpoint } from '../../src/io/quant-checkpoint.js';
import { hasBenchmarkData } from '../benchmarkData.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = join(ROOT, 'src', 'cli', 'main.ts');
const tmp = mkdtempSync(join(tmpdir(), 'tsdnas-quantize-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Run { code: number; stdout: string; stderr: string }
function cli(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: ROOT, env: { ...process.env, TSDNAS_DEBUG: '' }, timeout: 120_000 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : -1, stdout, stderr });
    });
  });
}

const hasEcg200 = hasBenchmarkData('ucr/ECG200', 'test/quant/cli.test.ts', 'the ECG200 QAT run and the plan check (it needs the ECG200 model)');

describe('tsdnas quantize (child process)', () => {
  it.skipIf(!hasEcg200)('w8a8 QAT on ecg200 writes float, quantised, integer and summary files', async () => {
    const out = join(tmp, 'ok');
    const r = await cli(['quantize', '--dataset', 'ecg200', '--float-epochs', '2', '--epochs', '1', '--limit', '40', '--w-bits', '8', '--a-bits', '8', '--out', out]);
    expect(r.code, `stderr: ${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/ecg200 tcn-ecg w8a8: float \d+\.\d\d%, fake-quant \d+\.\d\d% .* integer \d+\.\d\d% on 100 samples/);
    // run.log: the run's lines (src/cli/runLog.ts), once the run directory is locked.
    expect(readdirSync(out).filter((f) => f !== 'run.log').sort()).toEqual(['float.safetensors', 'integer.json', 'quantized.safetensors', 'summary.json']);
    const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as {
      test: { fakeQuant: number; integer: number; integerVsFakeQuantAgreement: number };
      memory: { weightBytes: number; layers: { path: string; weightBytes: number }[] };
    };
    expect(s.test.integerVsFakeQuantAgreement).toBeGreaterThanOrEqual(0.99);
    expect(s.memory.weightBytes).toBe(s.memory.layers.reduce((a, l) => a + l.weightBytes, 0));
    // int8 weights: one byte per weight of tcn-ecg (16·9 + 16·16·9 + 32·16·9 + 2·32·12 = 7824).
    expect(s.memory.weightBytes).toBe(7824);
    const integer = JSON.parse(readFileSync(join(out, 'integer.json'), 'utf8')) as { format: string; nodes: { kind: string }[] };
    expect(integer.format).toBe('tsdnas.integer/2');
    const { model } = loadQuantCheckpoint(join(out, 'quantized.safetensors'));
    const splits = loadDataset('ecg200', { limit: 40 });
    const ctx = { task: 'classification' as const, numClasses: 2, loss: { loss: 'cross-entropy' as const, labelSmoothing: 0, huberDelta: 1 }, scaler: null };
    expect(evaluate(model.eval(), splits.test, ctx).metric).toBe(s.test.fakeQuant);
  });

  it('refuses bad options and plans before any work, writing nothing', async () => {
    const cases: [string[], RegExp][] = [
      [['--w-bits', '9'], /w-bits|wBits/],
      [['--calibration', 'median'], /--calibration must be 'max' or a percentile/],
      [['--plan', join(tmp, 'missing.json')], /missing\.json/],
    ];
    // A plan is checked against the model, which is built for the dataset: only with the data.
    if (hasEcg200) {
      const planPath = join(tmp, 'bad-plan.json');
      writeFileSync(planPath, JSON.stringify({ inputBits: 8, layers: { '0.0': { wBits: [8], aBits: 8 } } }));
      cases.push([['--plan', planPath], /bad-plan\.json: layer '0\.0': wBits has 1 entries but the layer has 16 output channels/]);
    }
    for (const [args, pattern] of cases) {
      const out = join(tmp, `bad-${args[0]}-${args[1].length}`);
      const r = await cli(['quantize', '--dataset', 'ecg200', ...args, '--out', out]);
      expect(r.code, r.stderr).not.toBe(0);
      expect(r.stderr).toMatch(pattern);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(existsSync(out)).toBe(false);
    }
  });
});
