/** Model checkpoints: round trip, corrupt / foreign / mismatched files, atomic writes. */

import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it, expect } from 'vitest';
import * as T from '../../src/index.js';
import { buildSeed } from '../../src/models/seeds.js';
import { CHECKPOINT_FORMAT, loadModelCheckpoint, saveModelCheckpoint, type ModelMeta } from '../../src/io/checkpoint.js';
import { saveSafetensors } from '../../src/io/safetensors.js';
import type { Module } from '../../src/nn/module.js';
import { weightsOf } from '../nn/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'tsdnas-ckpt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const META: ModelMeta = { format: CHECKPOINT_FORMAT, model: 'tcn-ecg', inputShape: [1, 32], outputs: 3, dataset: 'synthetic', task: 'classification', scaler: null };

/** A tcn-ecg with non-trivial BatchNorm statistics. */
function trainedModel(seed: number): Module {
  const m = buildSeed('tcn-ecg', { inputShape: [1, 32], outputs: 3, rng: new T.Rng(seed) });
  T.noGrad(() => m.train().call(T.randn([4, 1, 32], { rng: new T.Rng(seed + 1) })));
  return m;
}

const probe = T.randn([2, 1, 32], { rng: new T.Rng(77) });
const outputOf = (m: Module) => T.noGrad(() => m.eval().call(probe)).toFlatArray();

/** A fresh path in the temp dir holding a valid checkpoint. */
let counter = 0;
function savedCheckpoint(): string {
  const path = join(dir, `ckpt-${++counter}.safetensors`);
  saveModelCheckpoint(path, trainedModel(counter), META);
  return path;
}

describe('model checkpoints', () => {
  it('save + load round trip restores the model: same weights, buffers and outputs', () => {
    const m = trainedModel(1);
    const path = join(dir, 'roundtrip.safetensors');
    saveModelCheckpoint(path, m, META);
    const { model, meta } = loadModelCheckpoint(path);
    expect(meta).toEqual({ ...META, architecture: T.describeArchitecture(m) });
    expect(weightsOf(model)).toEqual(weightsOf(m));
    expect(model.namedBuffers().length).toBeGreaterThan(0);
    expect(outputOf(model)).toEqual(outputOf(m));
  });

  it('loading does not advance the library-wide generator', () => {
    const path = savedCheckpoint();
    T.manualSeed(5);
    const expected = T.getRng().next();
    T.manualSeed(5);
    loadModelCheckpoint(path);
    expect(T.getRng().next()).toBe(expected);
  });

  it('a missing file gives an error naming the path', () => {
    const path = join(dir, 'nope.safetensors');
    expect(() => loadModelCheckpoint(path)).toThrow(new RegExp(`${path}: cannot read`));
  });

  it('a truncated file gives an error naming the file', () => {
    const path = savedCheckpoint();
    const bytes = readFileSync(path);
    for (const keep of [4, 20, bytes.length - 10]) {
      const cut = join(dir, `truncated-${keep}.safetensors`);
      writeFileSync(cut, bytes.subarray(0, keep));
      expect(() => loadModelCheckpoint(cut)).toThrow(new RegExp(cut.replace(/[.]/g, '\\.')));
    }
  });

  it('a flipped byte in the header gives an error naming the file', () => {
    const path = savedCheckpoint();
    const bytes = readFileSync(path);
    const headerLen = Number(bytes.readBigUInt64LE(0));
    const header = bytes.subarray(8, 8 + headerLen).toString('utf8');
    // (a) the opening brace: the header is no longer JSON.
    const a = Buffer.from(bytes);
    a[8] ^= 0x01;
    const pa = join(dir, 'flip-brace.safetensors');
    writeFileSync(pa, a);
    expect(() => loadModelCheckpoint(pa)).toThrow(/flip-brace\.safetensors: .*header/);
    // (b) a letter of a tensor name: still a valid file, but the state no longer fits the model.
    const at = header.indexOf('"7.weight"');
    expect(at).toBeGreaterThan(0);
    const b = Buffer.from(bytes);
    b[8 + at + 1] = '8'.charCodeAt(0);
    const pb = join(dir, 'flip-name.safetensors');
    writeFileSync(pb, b);
    expect(() => loadModelCheckpoint(pb)).toThrow(/flip-name\.safetensors: .*missing '7\.weight'.*unexpected '8\.weight'/);
    // (c) a digit of a data offset: the offsets no longer tile the data.
    const off = header.indexOf('"data_offsets":[') + '"data_offsets":['.length;
    const c = Buffer.from(bytes);
    c[8 + off] = c[8 + off] === 0x39 ? 0x38 : c[8 + off] + 1;
    const pc = join(dir, 'flip-offset.safetensors');
    writeFileSync(pc, c);
    expect(() => loadModelCheckpoint(pc)).toThrow(/flip-offset\.safetensors: /);
  });

  it('a safetensors file without tsdnas metadata is recognised as such', () => {
    const path = join(dir, 'plain.safetensors');
    saveSafetensors(path, { w: { dtype: 'float32', shape: [2], data: new Float32Array([1, 2]) } }, { format: 'pt' });
    expect(() => loadModelCheckpoint(path)).toThrow(/plain\.safetensors: not a tsdnas checkpoint \(no 'tsdnas' metadata entry\)/);
  });

  it('bad tsdnas metadata (wrong format, bad JSON, bad fields, unknown model) is named', () => {
    const tensors = { w: { dtype: 'float32' as const, shape: [1], data: new Float32Array([1]) } };
    const cases: [string, string, RegExp][] = [
      ['fmt', JSON.stringify({ ...META, format: 'other/2' }), /checkpoint format 'other\/2' is not 'tsdnas\.model\/1'/],
      ['json', '{"format": ', /the 'tsdnas' metadata is not valid JSON/],
      ['fields', JSON.stringify({ ...META, inputShape: [1, -3] }), /inputShape \(positive integers\).*\[1,-3\]/],
      ['model', JSON.stringify({ ...META, model: 'resnet99' }), /unknown model 'resnet99'/],
      ['shape', JSON.stringify({ ...META, inputShape: [1, 28, 28] }), /seed model 'tcn-ecg' expects inputs of shape \[C, L\]/],
    ];
    for (const [name, raw, re] of cases) {
      const path = join(dir, `meta-${name}.safetensors`);
      saveSafetensors(path, tensors, { tsdnas: raw });
      const err = (() => { try { loadModelCheckpoint(path); } catch (e) { return (e as Error).message; } return 'no error'; })();
      expect(err).toContain(path);
      expect(err).toMatch(re);
    }
  });

  it('a checkpoint whose shapes do not fit the model gives an error naming the file and the tensor', () => {
    // Saving refuses metadata that contradicts the model it describes …
    const path = join(dir, 'mismatch.safetensors');
    expect(() => saveModelCheckpoint(path, trainedModel(9), { ...META, outputs: 5 })).toThrow(/says outputs 5, but the model's last layer gives 3 values/);
    expect(existsSync(path)).toBe(false);
    // … and a file written by other means (a seed name only, tensors of a 3-output model) is named at load.
    saveSafetensors(path, T.modelTensors(trainedModel(9), 'test'), { tsdnas: JSON.stringify({ ...META, outputs: 5 }) });
    expect(() => loadModelCheckpoint(path)).toThrow(/mismatch\.safetensors: loadStateDict: .*'7\.weight' has shape \[3, 128\] but the model expects \[5, 128\]/);
  });

  it('saving writes atomically: only the final file remains, an existing one is replaced whole', () => {
    const sub = join(dir, 'run', 'nested');
    const path = join(sub, 'model.safetensors');
    saveModelCheckpoint(path, trainedModel(3), META); // creates the directories
    saveModelCheckpoint(path, trainedModel(4), META); // replaces
    expect(readdirSync(sub)).toEqual(['model.safetensors']);
    expect(weightsOf(loadModelCheckpoint(path).model)).toEqual(weightsOf(trainedModel(4)));
  });

  it('a failed save leaves neither a partial file nor a temp file, and keeps the old file', () => {
    const sub = join(dir, 'failing');
    mkdirSync(sub);
    const path = join(sub, 'model.safetensors');
    saveModelCheckpoint(path, trainedModel(5), META);
    const before = readFileSync(path);
    // Target is a directory: the final rename fails after the temp file was written.
    const asDir = join(sub, 'is-a-dir.safetensors');
    mkdirSync(asDir);
    expect(() => saveModelCheckpoint(asDir, trainedModel(6), META)).toThrow(/is-a-dir\.safetensors: could not write/);
    // A non-float tensor is rejected before anything is written.
    const intModel = { stateDict: () => new Map([['x', T.tensor(new Int32Array([1, 2]), [2])]]) } as unknown as Module;
    expect(() => saveModelCheckpoint(join(sub, 'int.safetensors'), intModel, META)).toThrow(/'x' has dtype int32; only float tensors are saved/);
    expect(existsSync(join(sub, 'int.safetensors'))).toBe(false);
    expect(readdirSync(sub).sort()).toEqual(['is-a-dir.safetensors', 'model.safetensors']);
    expect(readdirSync(sub).some((f) => f.endsWith('.tmp'))).toBe(false);
    expect(readFileSync(path).equals(before)).toBe(true);
  });
});
