/**
 * `tsdnas export` as a child process: ONNX from a float checkpoint (runs in onnxruntime and
 * matches the model), C from a quantised checkpoint (compiles, and its memory.json matches the
 * header), safetensors round trip, integer ONNX from a quantised
 * checkpoint, and the usage errors for a format a model cannot take.
 */

import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { randn } from '../../src/tensor/create.js';
import { Rng } from '../../src/tensor/rng.js';
import { noGrad } from '../../src/autograd/graph.js';
import { CHECKPOINT_FORMAT, loadModelCheckpoint, saveModelCheckpoint } from '../../src/io/checkpoint.js';
import { quantize } from '../../src/quant/convert.js';
import { calibrate } from '../../src/quant/calibrate.js';
import { loadQuantCheckpoint, saveQuantCheckpoint } from '../../src/io/quant-checkpoint.js';
import { seedModel } from '../quant/helpers.js';
import { HAVE_GCC } from './cHarness.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = join(ROOT, 'src/cli/main.ts');

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', MAIN, 'export', ...args], { cwd: ROOT, env: { ...process.env, TSDNAS_DEBUG: '' }, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : ((err as { code?: number }).code ?? 1), stdout, stderr });
    });
  });
}

describe('tsdnas export', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsdnas-export-'));
  const shape = [1, 96];
  const model = seedModel('tcn-ecg');
  const floatPath = join(dir, 'float', 'model.safetensors');
  saveModelCheckpoint(floatPath, model, { format: CHECKPOINT_FORMAT, model: 'tcn-ecg', inputShape: shape, outputs: 5 });
  const q = quantize(model, { wBits: 4, aBits: 8 }, { inputShape: shape });
  calibrate(q, [randn([4, ...shape], { rng: new Rng(2) })], { method: 'max' });
  const quantPath = join(dir, 'quant', 'quantized.safetensors');
  saveQuantCheckpoint(quantPath, q.eval(), model, { model: 'tcn-ecg', inputShape: shape, outputs: 5 });

  it('onnx from a run point directory runs in onnxruntime and matches the model', async () => {
    const r = await cli(['--format', 'onnx', '--from', join(dir, 'float'), '--out', join(dir, 'o1'), '--fold-bn', 'true']);
    expect(r.code, r.stderr).toBe(0);
    const session = await ort.InferenceSession.create(readFileSync(join(dir, 'o1', 'model.onnx')));
    const x = randn([3, ...shape], { rng: new Rng(4) });
    const got = (await session.run({ input: new ort.Tensor('float32', Float32Array.from(x.values()), [3, ...shape]) })).output.data as Float32Array;
    const want = noGrad(() => model.forward(x)).values();
    got.forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThanOrEqual(1e-4));
  });

  it.skipIf(!HAVE_GCC)('c from a quantised checkpoint compiles with -std=c99 -Wall -Werror and reports its memory', async () => {
    const r = await cli(['--format', 'c', '--from', quantPath, '--out', join(dir, 'c1'), '--name', 'ecg']);
    expect(r.code, r.stderr).toBe(0);
    const c = spawnSync('gcc', ['-std=c99', '-Wall', '-Werror', '-c', join(dir, 'c1', 'ecg.c'), '-o', join(dir, 'c1', 'ecg.o')], { encoding: 'utf8' });
    expect(c.status, c.stderr).toBe(0);
    const mem = JSON.parse(readFileSync(join(dir, 'c1', 'ecg.memory.json'), 'utf8'));
    expect(readFileSync(join(dir, 'c1', 'ecg.h'), 'utf8')).toContain(`#define ECG_ARENA_BYTES ${mem.arenaBytes}`);
    expect(mem.weightBytes).toBeGreaterThan(0);
    // The cost model counts what the C code stores (packed weights, 4 B bias, 4 B multiplier + 1 B
    // shift per channel) except that the output layer keeps int32 accumulators: no requantisation.
    const outputChannels = mem.biasBytes / 4 - mem.requantBytes / 5;
    // Rows are padded to whole 32-bit words for the SMLAD loops; the cost model counts packed bits.
    expect(mem.costModel.flashBytes).toBe(mem.weightBytes - mem.paddingBytes + mem.biasBytes + mem.requantBytes + 5 * outputChannels);
    const code = (f: string) => readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
    expect(code(join(dir, 'c1', 'ecg.c')) + code(join(dir, 'c1', 'ecg.h'))).not.toMatch(/\b(float|double)\b/);
    expect(readFileSync(join(dir, 'c1', 'ecg.h'), 'utf8')).toContain('void ecg_quantize_input_q16(const int32_t *x, ');
    const f = await cli(['--format', 'c', '--from', quantPath, '--out', join(dir, 'c2'), '--name', 'ecg', '--c-float', 'true']);
    expect(f.code, f.stderr).toBe(0);
    expect(readFileSync(join(dir, 'c2', 'ecg.h'), 'utf8')).toContain('void ecg_quantize_input(const float *x, ');
    expect(spawnSync('gcc', ['-std=c99', '-Wall', '-Werror', '-c', join(dir, 'c2', 'ecg.c'), '-o', join(dir, 'c2', 'ecg.o')], { encoding: 'utf8' }).status).toBe(0);
  });

  it('onnx from a quantised checkpoint is the integer model (int32 output, scale file)', async () => {
    const r = await cli(['--format', 'onnx', '--from', quantPath, '--out', join(dir, 'o2')]);
    expect(r.code, r.stderr).toBe(0);
    const session = await ort.InferenceSession.create(readFileSync(join(dir, 'o2', 'model.onnx')));
    const x = randn([2, ...shape], { rng: new Rng(4) });
    const out = (await session.run({ input: new ort.Tensor('float32', Float32Array.from(x.values()), [2, ...shape]) })).output;
    expect(out.type).toBe('int32');
    expect(JSON.parse(readFileSync(join(dir, 'o2', 'model.output-scale.json'), 'utf8')).outputScale).toHaveLength(5);
  });

  it('safetensors re-saves a quantised checkpoint that loads back with the same parameters', async () => {
    const r = await cli(['--format', 'safetensors', '--from', quantPath, '--out', join(dir, 's1')]);
    expect(r.code, r.stderr).toBe(0);
    const back = loadQuantCheckpoint(join(dir, 's1', 'model.safetensors')).model;
    const a = q.stateDict();
    for (const [k, t] of back.stateDict()) expect(Array.from(t.values()), k).toEqual(Array.from((a.get(k) as typeof t).values()));
    const f = await cli(['--format', 'safetensors', '--from', floatPath, '--out', join(dir, 's2')]);
    expect(f.code, f.stderr).toBe(0);
    expect(loadModelCheckpoint(join(dir, 's2', 'model.safetensors')).meta.model).toBe('tcn-ecg');
  });

  it('refuses formats a model cannot take, naming the file and what to do, and writes nothing', async () => {
    const c = await cli(['--format', 'c', '--from', floatPath, '--out', join(dir, 'e1')]);
    expect(c.code).toBe(2);
    expect(c.stderr).toMatch(/is a float model; C export needs an integer model — quantise it first/);
    expect(existsSync(join(dir, 'e1'))).toBe(false);
    const bad = await cli(['--format', 'tflite', '--from', floatPath, '--out', join(dir, 'e3')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/tflite/);
  });
});
