/**
 * Issue 16, finite state and bounds: a diverged model is never saved or loaded, bad data is
 * refused at load time naming file and row, huge λ gets a λ message, and sizes are bounded
 * before anything is allocated. CLI behaviour through child processes (test/reliability/cli.ts).
 */

import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildSeed } from '../../src/models/seeds.js';
import { CHECKPOINT_FORMAT, completeMeta, loadModelCheckpoint, modelTensors, saveModelCheckpoint, type ModelMeta } from '../../src/io/checkpoint.js';
import { saveSafetensors } from '../../src/io/safetensors.js';
import { loadDataset } from '../../src/data/index.js';
import { checkBatchBudget } from '../../src/search/train/batchBudget.js';
import { makeDataset } from '../../src/data/split.js';
import { writeStateFile } from '../../src/io/train-state.js';
import { checkFiniteOptimizer, checkFiniteState, TrainingDivergedError } from '../../src/nn/train/divergence.js';
import { OPTIMIZER_STATE_FORMAT, type OptimizerStateDict } from '../../src/nn/optim/stateDict.js';
import { cli } from './cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'tsdnas-finite-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const L = 96;

/** A small ECG200-shaped UCR folder: `rows` series of L values per file, labels -1 / 1; `edit` changes cells. */
function ecgDir(name: string, o: { trainRows?: number; testLength?: number; edit?: (part: 'TRAIN' | 'TEST', rows: string[][]) => void } = {}): string {
  const dir = join(tmp, name);
  mkdirSync(join(dir, 'ucr', 'ECG200'), { recursive: true });
  for (const part of ['TRAIN', 'TEST'] as const) {
    const len = part === 'TEST' ? (o.testLength ?? L) : L;
    const n = part === 'TRAIN' ? (o.trainRows ?? 40) : 20;
    const rows: string[][] = [];
    for (let i = 0; i < n; i++) {
      const label = i % 2 === 0 ? '-1' : '1';
      rows.push([label, ...Array.from({ length: len }, (_, t) => (Math.sin(t / (4 + (i % 2) * 3)) + (i % 5) * 0.01).toFixed(4))]);
    }
    o.edit?.(part, rows);
    writeFileSync(join(dir, 'ucr', 'ECG200', `ECG200_${part}.tsv`), rows.map((r) => r.join('\t')).join('\n') + '\n');
  }
  return dir;
}

/** A tcn-ecg checkpoint for ECG200-shaped data; `poison` writes a NaN / Inf into the named tensor, bypassing the save guard. */
function checkpoint(name: string, poison?: { tensor: string; value: number }): string {
  const model = buildSeed('tcn-ecg', { inputShape: [1, L], outputs: 2 });
  const meta: ModelMeta = { format: CHECKPOINT_FORMAT, model: 'tcn-ecg', inputShape: [1, L], outputs: 2, dataset: 'ecg200', task: 'classification', scaler: null };
  const path = join(tmp, name);
  const tensors = modelTensors(model, 'test');
  if (poison !== undefined) tensors[poison.tensor].data[0] = poison.value;
  saveSafetensors(path, tensors, { tsdnas: JSON.stringify(completeMeta(model, meta)) });
  return path;
}

function runningVar(): string {
  const model = buildSeed('tcn-ecg', { inputShape: [1, L], outputs: 2 });
  const name = [...model.stateDict().keys()].find((k) => k.endsWith('running_var'));
  if (name === undefined) throw new Error('tcn-ecg has no BatchNorm');
  return name;
}

describe('finite-state guarantee', () => {
  it('sgd lr 10 momentum 0.99: exits non-zero with the divergence message and writes no model.safetensors', async () => {
    const out = join(tmp, 'sgd');
    const r = await cli(['train', '--dataset', 'mnist', '--limit', '200', '--optimizer', 'sgd', '--lr', '10', '--momentum', '0.99', '--scheduler', 'none', '--epochs', '10', '--out', out]);
    expect(r.code, r.stderr).not.toBe(0);
    // Either a non-finite value or one past the 1e30 bound, whichever the run reaches first.
    expect(r.stderr).toMatch(/training diverged at .*(holds (NaN|Inf|-Inf)|is (NaN|Infinity|-Infinity)|NaN|Inf|holds \S+ \(\|x\| ≥ 1e30\))/);
    expect(existsSync(join(out, 'model.safetensors'))).toBe(false);
    // What it keeps instead is finite.
    const { model } = loadModelCheckpoint(join(out, 'last-good.safetensors'));
    for (const t of model.stateDict().values()) expect(t.values().every(Number.isFinite)).toBe(true);
  }, 120_000);

  it('a model holding Inf is not saved, naming the tensor', () => {
    const model = buildSeed('tcn-ecg', { inputShape: [1, L], outputs: 2 });
    const name = runningVar();
    model.stateDict().get(name)!.data[0] = Infinity;
    const path = join(tmp, 'never.safetensors');
    expect(() => saveModelCheckpoint(path, model, { format: CHECKPOINT_FORMAT, model: 'tcn-ecg', inputShape: [1, L], outputs: 2 })).toThrow(new RegExp(`'${name.replace(/\./g, '\\.')}' holds Inf`));
    expect(existsSync(path)).toBe(false);
  });

  it('after an epoch, a buffer holding Inf or a weight of 3.9e34 is a divergence naming the tensor', () => {
    const model = buildSeed('tcn-ecg', { inputShape: [1, L], outputs: 2 });
    const step = { epoch: 3, batch: 0, batches: 0 };
    expect(() => checkFiniteState(model.stateDict(), step)).not.toThrow();
    const w = model.stateDict().get('0.0.weight')!;
    w.data[4] = 3.9e34;
    expect(() => checkFiniteState(model.stateDict(), step)).toThrow(/end of epoch 3: '0\.0\.weight' holds 3\.90e\+34 \(\|x\| ≥ 1e30\) at element 4/);
    w.data[4] = 0;
    const name = runningVar();
    model.stateDict().get(name)!.data[1] = Infinity;
    let err: unknown;
    try { checkFiniteState(model.stateDict(), step); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(TrainingDivergedError);
    expect((err as TrainingDivergedError).what).toBe('state');
    expect((err as Error).message).toContain(`'${name}' holds Inf at element 1`);
  });

  it('an optimiser moment holding Inf stops training and is never written to a state file', () => {
    const sd: OptimizerStateDict = {
      format: OPTIMIZER_STATE_FORMAT, optimizer: 'adam', groups: [],
      state: { 3: { step: 1, shape: [2], buffers: { expAvg: Float32Array.of(0, 1), expAvgSq: Float32Array.of(1, Infinity) } } },
    };
    expect(() => checkFiniteOptimizer(sd, 'optimiser', { epoch: 2, batch: 0, batches: 0 })).toThrow(/end of epoch 2: the optimiser state 'expAvgSq' of parameter 3 holds Inf at element 1/);
    const model = buildSeed('tcn-ecg', { inputShape: [1, L], outputs: 2 });
    const path = join(tmp, 'state.safetensors');
    expect(() => writeStateFile(path, 'tsdnas.test', model, { json: { format: 'x' }, optimizers: { optimizer: sd } })).toThrow(/state\.safetensors: tensor 'optimizer\.3\.expAvgSq' holds Inf/);
    expect(existsSync(path)).toBe(false);
  });

  it('a checkpoint with a NaN / Inf tensor is refused by export, quantize --checkpoint and eval, naming the tensor', async () => {
    const data = ecgDir('clean');
    const name = runningVar();
    const bad = checkpoint('bad.safetensors', { tensor: name, value: Infinity });
    expect(() => loadModelCheckpoint(bad)).toThrow(new RegExp(`bad\\.safetensors: tensor '${name.replace(/\./g, '\\.')}' holds Inf`));
    const runs = await Promise.all([
      cli(['export', '--format', 'onnx', '--from', bad, '--out', join(tmp, 'exp')]),
      cli(['quantize', '--dataset', 'ecg200', '--data-dir', data, '--checkpoint', bad, '--out', join(tmp, 'q')]),
      cli(['eval', '--model', bad, '--dataset', 'ecg200', '--data-dir', data]),
    ]);
    for (const r of runs) {
      expect(r.code, r.stderr).not.toBe(0);
      expect(r.stderr).toContain(`tensor '${name}' holds Inf`);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    expect(existsSync(join(tmp, 'exp', 'model.onnx'))).toBe(false);
    const nan = checkpoint('nan.safetensors', { tensor: '0.0.weight', value: NaN });
    expect(() => loadModelCheckpoint(nan)).toThrow(/tensor '0\.0\.weight' holds NaN/);
  }, 120_000);
});

describe('resource bounds', () => {
  /** A small checkpoint whose metadata architecture is replaced by `arch`. */
  function lying(name: string, arch: unknown): string {
    const model = buildSeed('tcn-ecg', { inputShape: [1, L], outputs: 2 });
    const meta = completeMeta(model, { format: CHECKPOINT_FORMAT, model: 'tcn-ecg', inputShape: [1, L], outputs: 2 });
    const path = join(tmp, name);
    saveSafetensors(path, modelTensors(model, 'test'), { tsdnas: JSON.stringify({ ...meta, architecture: arch }) });
    return path;
  }

  it('a checkpoint whose architecture claims 1e8 channels is refused fast, naming the file', () => {
    const path = lying('huge.safetensors', { type: 'Sequential', layers: [{ type: 'Conv1d', cin: 1, cout: 1e8, k: 3 }] });
    const t0 = performance.now();
    expect(() => loadModelCheckpoint(path)).toThrow(/huge\.safetensors: metadata architecture/);
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  it('an architecture within the limits but larger than the stored values is refused naming the file', () => {
    const path = lying('big.safetensors', { type: 'Sequential', layers: [{ type: 'Conv1d', cin: 64, cout: 64, k: 9 }] });
    const t0 = performance.now();
    expect(() => loadModelCheckpoint(path)).toThrow(/big\.safetensors: the metadata architecture has 36,928 parameters but the file stores only [\d,]+ values/);
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  it('--batch-size 1000000 on a Fashion-MNIST-sized split is refused with the estimate and a size that fits', () => {
    const ds = makeDataset('fashion-like', new Float32Array(0), [1, 28, 28], new Int32Array(0), 'classification', 10);
    const big = { ...ds, length: 55_000 };
    expect(() => checkBatchBudget(1_000_000, big)).toThrow(/--batch-size 1000000 \(it is larger than the 55000 training samples.*\): .* GiB .*use --batch-size \d+ or less/);
    expect(() => checkBatchBudget(256, big)).not.toThrow();
  });

  it('--batch-size 1000000 through the CLI fails before training, naming the option', async () => {
    const out = join(tmp, 'bs');
    const r = await cli(['train', '--dataset', 'mnist', '--batch-size', '1000000', '--epochs', '1', '--out', out]);
    // One batch of all 7200 training images took 2.2 GB when measured: over the budget.
    expect(r.code, r.stderr).not.toBe(0);
    expect(r.stderr).toMatch(/--batch-size 1000000 \(it is larger than the 7200 training samples.*use --batch-size \d+ or less/);
    expect(existsSync(join(out, 'model.safetensors'))).toBe(false);
    expect(r.stderr).not.toMatch(/offset is out of bounds|\n\s+at /);
  }, 120_000);
});

describe('data validation at load time', () => {
  it('NaN inside a UCR training series names the file, row and column (CLI, before training)', async () => {
    const data = ecgDir('nan', { edit: (part, rows) => { if (part === 'TRAIN') rows[2][10] = 'NaN'; } });
    const r = await cli(['train', '--dataset', 'ecg200', '--data-dir', data, '--epochs', '1', '--out', join(tmp, 'nanrun')]);
    expect(r.code, r.stderr).not.toBe(0);
    expect(r.stderr).toMatch(/ECG200_TRAIN\.tsv: row 3, column 11: value NaN inside the series/);
    expect(r.stderr).not.toMatch(/learning rate|epoch 1/);
  }, 60_000);

  it('3e38 in a test row is refused naming the test file and row', () => {
    const data = ecgDir('huge', { edit: (part, rows) => { if (part === 'TEST') rows[4][7] = '3e38'; } });
    expect(() => loadDataset('ecg200', { dataDir: data })).toThrow(/ECG200_TEST\.tsv: row 5, column 8: value 3e\+38, not a usable number/);
  });

  it('a shorter test file is refused before training, naming both files and lengths', async () => {
    const data = ecgDir('short', { testLength: 80 });
    const out = join(tmp, 'shortrun');
    const r = await cli(['train', '--dataset', 'ecg200', '--data-dir', data, '--epochs', '1', '--out', out]);
    expect(r.code, r.stderr).not.toBe(0);
    expect(r.stderr).toMatch(/ECG200_TEST\.tsv holds series of 80 values but .*ECG200_TRAIN\.tsv holds 96/);
    expect(existsSync(join(out, 'train-state.safetensors'))).toBe(false);
    expect(existsSync(join(out, 'model.safetensors'))).toBe(false);
    // A longer one too.
    expect(() => loadDataset('ecg200', { dataDir: ecgDir('long', { testLength: 120 }) })).toThrow(/ECG200_TEST\.tsv holds series of 120 values/);
  }, 60_000);

  it('a test class unseen in training is named', () => {
    const data = ecgDir('unseen', { edit: (part, rows) => { if (part === 'TRAIN') for (const r of rows) r[0] = '-1'; } });
    expect(() => loadDataset('ecg200', { dataDir: data })).toThrow(/ECG200_TEST\.tsv: row 2 has class 1, which never occurs in .*ECG200_TRAIN\.tsv/);
  });
});

describe('divergence advice', () => {
  it('--lambda 1e300 points at λ, not the learning rate', async () => {
    const data = ecgDir('lambda');
    const r = await cli(['search', '--dataset', 'ecg200', '--data-dir', data, '--lambda', '1e300', '--warmup-epochs', '1', '--search-epochs', '2', '--finetune-epochs', '1', '--out', join(tmp, 'lam')]);
    expect(r.code, r.stderr).not.toBe(0);
    expect(r.stderr).toMatch(/regulariser term .*smaller --lambda/);
    expect(r.stderr).not.toMatch(/lower the learning rate/);
  }, 120_000);
});
