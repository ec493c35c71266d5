/**
 * The user's own model: the architecture validator (JSON paths in every message), the seeds'
 * descriptions round-tripping through JSON to the same model, the shape-fit check, resolving
 * `--model` values (seed, .json, .mjs builder), and `tsdnas models --show / --check`.
 *
 * The .mjs builder test writes a temp module that imports nothing: it builds from the `lib`
 * argument resolveModelAsync passes (this copy of the library), which is the documented way and
 * the only one that works both under vitest (src) and from the built package (dist).
 */

import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import * as T from '../../src/index.js';
import { SEED_MODELS, buildSeed } from '../../src/models/seeds.js';
import { describeArchitecture, type ArchNode } from '../../src/nn/serialize.js';
import {
  ARCHITECTURE_FORMAT, architectureParameters, checkArchitectureFits, modelFromSpec, parseModelSpec, SEED_DEFAULT_SHAPES, seedArchitecture,
  validateArchitecture,
} from '../../src/models/userModel.js';
import { buildModel } from '../../src/models/architectureFit.js';
import { resolveModel, resolveModelAsync } from '../../src/api/userModelFiles.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'tsdnas-usermodel-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const conv = (o: Record<string, unknown> = {}) => ({ type: 'Conv1d', cin: 1, cout: 4, k: 3, ...o });
const net = (...layers: unknown[]) => ({ type: 'Sequential', layers });
/** A small valid sequence classifier for [1, 16] inputs and 3 classes. */
const SMALL = net(conv({ padding: 'causal' }), { type: 'ReLU' }, { type: 'MaxPool1d', opts: { kernel: 2 } }, { type: 'Flatten' }, { type: 'Linear', in: 32, out: 3 });

function file(name: string, content: unknown): string {
  const p = join(tmp, name);
  writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content));
  return p;
}

describe('validateArchitecture', () => {
  const bad: [string, unknown, RegExp][] = [
    ['not an object', [1, 2], /^my-net\.json: the architecture must be a layer object such as \{"type": "ReLU"\}, got \[1,2\]$/],
    ['missing type', { layers: [] }, /my-net\.json: type is missing; every layer needs a "type"/],
    ['unknown type, nearest suggested', net({ type: 'Conv1D', cin: 1, cout: 1, k: 1 }), /layers\[0\]\.type is "Conv1D", not a layer type \(did you mean 'Conv1d'\?\)/],
    ['zero kernel', net({ type: 'ReLU' }, { type: 'ReLU' }, conv({ k: 0 })), /^my-net\.json: layers\[2\]\.k must be a positive integer, got 0$/],
    ['fractional channels', net(conv({ cout: 2.5 })), /layers\[0\]\.cout must be a positive integer, got 2\.5/],
    ['string channels', net(conv({ cin: '3' })), /layers\[0\]\.cin must be a positive integer, got "3"/],
    ['missing required key', net({ type: 'Linear', in: 4 }), /layers\[0\]\.out is missing; a Linear needs 'type', 'in', 'out'/],
    ['unknown key, nearest suggested', net(conv({ kernel: 3 })), /layers\[0\]\.kernel is not a key of a Conv1d \(did you mean 'k'\?\)/],
    ['groups must divide', net(conv({ cin: 3, cout: 4, groups: 2 })), /layers\[0\]\.groups = 2 must divide cin = 3 and cout = 4/],
    ['bad padding name', net(conv({ padding: 'casual' })), /layers\[0\]\.padding is "casual"; padding names are valid, same, causal \(did you mean 'causal'\?\)/],
    ["'same' with a stride", net(conv({ padding: 'same', stride: 2 })), /layers\[0\]\.padding 'same' needs stride 1/],
    ['causal is 1-D only', net({ type: 'Conv2d', cin: 1, cout: 1, k: 3, padding: 'causal' }), /layers\[0\]\.padding is "causal"; padding names are valid, same/],
    ['Conv2d kernel pair', net({ type: 'Conv2d', cin: 1, cout: 1, k: [3, 0] }), /layers\[0\]\.k\[1\] must be a positive integer, got 0/],
    ['bias must be boolean', net({ type: 'Linear', in: 1, out: 1, bias: 1 }), /layers\[0\]\.bias must be true or false, got 1/],
    ['dropout range', net({ type: 'Dropout', p: 1 }), /layers\[0\]\.p must be a number in \[0, 1\), got 1/],
    ['bn momentum', net({ type: 'BatchNorm1d', features: 4, momentum: 2 }), /layers\[0\]\.momentum must be a number in \[0, 1\], got 2/],
    ['pool options', net({ type: 'MaxPool1d', opts: { kernel: 2, strid: 2 } }), /layers\[0\]\.opts\.strid is not a key of the options of a MaxPool1d \(did you mean 'stride'\?\)/],
    ['pool padding ≤ half the kernel', net({ type: 'AvgPool2d', opts: { kernel: 2, padding: 2 } }), /layers\[0\]\.opts\.padding must be at most half the kernel 2, got 2/],
    ['nested residual path', net({ type: 'Residual', body: net({ type: 'ReLU' }, { type: 'Tanh', slope: 1 }) }), /layers\[0\]\.body\.layers\[1\]\.slope is not a key of a Tanh/],
    ['layers must be an array', { type: 'Sequential', layers: {} }, /^my-net\.json: layers must be an array of layers, got an object$/],
    ['channel limit', net(conv({ cout: 200_000 })), /layers\[0\]\.cout is 200000, above the limit of 100,000/],
    ['parameter limit before allocating', net({ type: 'Linear', in: 90_000, out: 90_000 }), /layers\[0\] brings the model to 8,100,090,000 parameters, above the limit of 50,000,000/],
  ];
  for (const [what, value, re] of bad) {
    it(`refuses ${what}`, () => {
      expect(() => validateArchitecture(value, 'my-net.json')).toThrow(re);
    });
  }

  it('fills the optional fields with the layers’ defaults and counts parameters', () => {
    const a = validateArchitecture(SMALL, 'x.json');
    expect((a as { layers: ArchNode[] }).layers[0]).toEqual({ type: 'Conv1d', cin: 1, cout: 4, k: 3, stride: 1, dilation: 1, padding: 'causal', groups: 1, bias: true });
    expect(architectureParameters(SMALL, 'x.json')).toBe(4 * 3 + 4 + 32 * 3 + 3);
  });

  it('refuses runaway nesting without overflowing the stack', () => {
    let deep: unknown = { type: 'ReLU' };
    for (let i = 0; i < 100; i++) deep = net(deep);
    expect(() => validateArchitecture(deep, 'deep.json')).toThrow(/nested 65 containers deep, above the limit of 64/);
  });
});

describe('parseModelSpec', () => {
  it('accepts a bare architecture and the tsdnas.architecture/1 wrapper', () => {
    expect(parseModelSpec(SMALL, 'a.json').root).toBe('');
    const w = parseModelSpec({ format: ARCHITECTURE_FORMAT, description: 'mine', architecture: SMALL }, 'b.json');
    expect(w).toMatchObject({ description: 'mine', root: 'architecture' });
  });
  it('names the path inside the wrapper, and refuses a wrong format or unknown keys', () => {
    expect(() => parseModelSpec({ format: ARCHITECTURE_FORMAT, architecture: net(conv({ k: 0 })) }, 'b.json')).toThrow(/^b\.json: architecture\.layers\[0\]\.k must be a positive integer, got 0$/);
    expect(() => parseModelSpec({ format: 'tsdnas.architecture/2', architecture: SMALL }, 'b.json')).toThrow(/format must be "tsdnas\.architecture\/1", got "tsdnas\.architecture\/2"/);
    expect(() => parseModelSpec({ format: ARCHITECTURE_FORMAT, architectur: SMALL }, 'b.json')).toThrow(/'architectur' is not a key of a model spec file \(did you mean 'architecture'\?\)/);
  });
});

describe('every seed round-trips through its JSON description', () => {
  for (const name of Object.keys(SEED_MODELS)) {
    it(`${name}: same parameters, same weights from the same rng, same output`, () => {
      const { inputShape, outputs } = SEED_DEFAULT_SHAPES[name];
      const seed = buildSeed(name, { inputShape, outputs, rng: new T.Rng(7) });
      const json = JSON.parse(JSON.stringify(describeArchitecture(seed))) as unknown;
      const arch = validateArchitecture(json, `${name}.json`);
      expect(arch).toEqual(describeArchitecture(seed));
      expect(seedArchitecture(name, inputShape, outputs)).toEqual(arch);
      const rebuilt = buildModel(arch, `${name}.json`, new T.Rng(7));
      expect(rebuilt.numParameters()).toBe(seed.numParameters());
      expect(architectureParameters(json, name)).toBe(seed.numParameters());
      // Building from the description with the seed's rng gives the seed's own weights ...
      const a = seed.stateDict();
      for (const [k, t] of rebuilt.stateDict()) expect(t.toFlatArray(), k).toEqual(a.get(k)?.toFlatArray());
      // ... and so the same function, here checked on a random batch in eval mode.
      const x = T.randn([2, ...inputShape], { rng: new T.Rng(3) });
      const y0 = T.noGrad(() => seed.eval().call(x)).toFlatArray();
      const y1 = T.noGrad(() => rebuilt.eval().call(x)).toFlatArray();
      expect(y1).toEqual(y0);
      expect(checkArchitectureFits(arch, inputShape, outputs, name)).toEqual({ outputShape: [1, outputs], parameters: seed.numParameters() });
    });
  }
});

describe('checkArchitectureFits', () => {
  const fits = (a: unknown, shape: number[], outputs: number) => () => checkArchitectureFits(validateArchitecture(a, 'my-net.json'), shape, outputs, 'my-net.json');

  it('reports the first conv against the data’s channels', () => {
    expect(fits(SMALL, [3, 128], 3)).toThrow('my-net.json: the first conv takes 1 input channel but the data has 3 channels [3, 128]; edit layers[0].cin to 3');
  });
  it('reports the output count against the classes, naming the last linear', () => {
    expect(fits(SMALL, [1, 16], 4)).toThrow('my-net.json: the model outputs 3 values per sample but the data needs 4 (one per class, or 1 for a regression target); edit layers[4].out to 4');
  });
  it('reports a linear whose input width does not match the flattened features', () => {
    expect(fits(SMALL, [1, 20], 3)).toThrow('my-net.json: layers[4] (Linear) takes in = 32 features but receives 40 (input [1, 40]); edit layers[4].in to 40');
  });
  it('reports a mid-network channel mismatch and a missing flatten', () => {
    expect(fits(net(conv(), conv({ cin: 5 })), [1, 16], 3)).toThrow(/layers\[1\] \(Conv1d\) takes cin = 5 channels but receives 4 .*edit layers\[1\]\.cin to 4/);
    expect(fits(net(conv(), { type: 'Linear', in: 14, out: 3 }), [1, 16], 3)).toThrow(/the model's output has shape \[1, 4, 3\] for a batch of one sample; it must be \[1, 3\]/);
  });
  it('reports a conv of the wrong dimensionality and a pool longer than its input, with paths', () => {
    expect(fits(net({ type: 'Conv2d', cin: 1, cout: 2, k: 3 }), [1, 16], 3)).toThrow(/layers\[0\] is a Conv2d, which takes \[C, H, W\] images, but the data has shape \[1, 16\] per sample/);
    expect(fits(net({ type: 'MaxPool1d', opts: { kernel: 8 } }, { type: 'MaxPool1d', opts: { kernel: 8 } }), [1, 16], 1)).toThrow(/^my-net\.json: layers\[1\] \(MaxPool1d\(k=8, s=8\)\) cannot take its input \[1, 1, 2\]: .*kernel 8 is larger than the input length 2/);
  });
  it('reports a residual whose body and shortcut disagree', () => {
    const res = net({ type: 'Residual', body: net(conv({ cin: 1, cout: 2, padding: 'causal' })) });
    expect(fits(res, [1, 16], 1)).toThrow(/layers\[0\]\.body outputs \[1, 2, 16\] but its input \(no shortcut\); the two are added/);
  });
  it('refuses a layer that would compute an enormous activation before running it', () => {
    const huge = net({ type: 'Conv1d', cin: 1, cout: 50_000, k: 1 });
    expect(fits(huge, [1, 10_000], 1)).toThrow(/layers\[0\] \(Conv1d\) would compute about 500,000,000 values for one sample/);
  });
});

describe('resolveModel / resolveModelAsync', () => {
  const o = { inputShape: [1, 16], outputs: 3 };

  it('resolves a seed name, checked against the data', () => {
    const r = resolveModel('tcn-ecg', { inputShape: [1, 96], outputs: 2, rng: new T.Rng(1) });
    expect(r).toMatchObject({ name: 'tcn-ecg', source: "seed model 'tcn-ecg'" });
    expect(r.model.numParameters()).toBe(buildSeed('tcn-ecg', { inputShape: [1, 96], outputs: 2 }).numParameters());
  });

  it('resolves a .json file (bare or wrapped), with the file name in every error', () => {
    const bare = file('bare.json', SMALL);
    expect(resolveModel(bare, o)).toMatchObject({ name: 'bare.json', source: bare });
    const wrapped = file('wrapped.json', { format: ARCHITECTURE_FORMAT, description: 'small', architecture: SMALL });
    expect(resolveModel(wrapped, o).description).toBe('small');
    expect(() => resolveModel(wrapped, { ...o, outputs: 2 })).toThrow(`${wrapped}: the model outputs 3 values per sample but the data needs 2 (one per class, or 1 for a regression target); edit architecture.layers[4].out to 2`);
    const broken = file('broken.json', '{\n  "type": "Sequential",\n  "layers": [,]\n}');
    expect(() => resolveModel(broken, o)).toThrow(/broken\.json: not valid JSON/);
  });

  it('builds the same weights from a file as from modelFromSpec with the same rng', () => {
    const a = resolveModel(file('same.json', SMALL), { ...o, rng: new T.Rng(5) }).model.stateDict();
    const b = modelFromSpec(SMALL, 'x', 'x', { ...o, rng: new T.Rng(5) }).model.stateDict();
    for (const [k, t] of a) expect(t.toFlatArray()).toEqual(b.get(k)?.toFlatArray());
  });

  it('refuses unknown names, missing files and TypeScript builders clearly', () => {
    expect(() => resolveModel('tcn-eeg', o)).toThrow(/unknown model 'tcn-eeg' \(did you mean 'tcn-ecg'\?\): give a seed model/);
    expect(() => resolveModel(join(tmp, 'nope.json'), o)).toThrow(/nope\.json: no such model file/);
    expect(() => resolveModel('net.ts', o)).toThrow(/compile it to \.mjs/);
    expect(() => resolveModel('net.mjs', o)).toThrow(/call resolveModelAsync/);
  });

  it('loads a .mjs builder module that builds from the lib argument', async () => {
    const p = file('builder.mjs', `export function build({ inputShape, outputs, rng, lib }) {
  return new lib.Sequential(
    new lib.Conv1d(inputShape[0], 4, 3, { padding: 'causal', rng }), new lib.ReLU(),
    new lib.GlobalAvgPool(), new lib.Linear(4, outputs, { rng }));
}\n`);
    const r = await resolveModelAsync(p, { ...o, rng: new T.Rng(1) });
    expect(r.name).toBe('builder.mjs');
    expect(r.model.numParameters()).toBe(4 * 3 + 4 + 4 * 3 + 3);
    expect((r.architecture as { layers: ArchNode[] }).layers.map((l) => l.type)).toEqual(['Conv1d', 'ReLU', 'GlobalAvgPool', 'Linear']);
    // The shape check applies to modules too.
    await expect(resolveModelAsync(p, { inputShape: [2, 16], outputs: 3 })).resolves.toBeDefined();
    const fixed = file('fixed.mjs', `export default ({ lib }) => new lib.Sequential(new lib.Flatten(), new lib.Linear(16, 2));\n`);
    await expect(resolveModelAsync(fixed, o)).rejects.toThrow(/fixed\.mjs: the model outputs 2 values per sample but the data needs 3 \(one per class.*; edit layers\[1\]\.out to 3$/);
    // Seeds and JSON go through the async entry point as well.
    await expect(resolveModelAsync('tcn-ecg', { inputShape: [1, 96], outputs: 2 })).resolves.toMatchObject({ name: 'tcn-ecg' });
  });

  it('refuses a module without a builder, or one that returns no Module', async () => {
    await expect(resolveModelAsync(file('none.mjs', 'export const x = 1;\n'), o)).rejects.toThrow(/none\.mjs: exports neither a 'build' function nor a default function/);
    await expect(resolveModelAsync(file('obj.mjs', 'export const build = () => ({ forward() {} });\n'), o)).rejects.toThrow(/obj\.mjs: build\(\) returned a Module of another copy of tsdnas/);
    await expect(resolveModelAsync(file('num.mjs', 'export default () => 42;\n'), o)).rejects.toThrow(/num\.mjs: build\(\) must return a tsdnas Module, got number/);
    await expect(resolveModelAsync(file('throws.mjs', 'export default () => { throw new Error("boom"); };\n'), o)).rejects.toThrow(/throws\.mjs: build\(\) failed: boom/);
  });
});

interface Run { code: number; stdout: string; stderr: string }

function cli(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'cli', 'main.ts'), ...args], { cwd: ROOT, env: { ...process.env, TSDNAS_DEBUG: '' }, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : -1, stdout, stderr });
    });
  });
}

describe('tsdnas models (child process)', () => {
  it('--show prints an architecture file that --check accepts, and --check reports misfits', async () => {
    const show = await cli(['models', '--show', 'tcn-ecg']);
    expect(show.code, show.stderr).toBe(0);
    const doc = JSON.parse(show.stdout) as { format: string; architecture: unknown };
    expect(doc.format).toBe(ARCHITECTURE_FORMAT);
    expect(validateArchitecture(doc.architecture, 'shown')).toEqual(seedArchitecture('tcn-ecg', [1, 96], 2));
    const p = file('shown.json', show.stdout);
    const ok = await cli(['models', '--check', p, '--input-shape', '1,96', '--outputs', '2']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain(`${p}: ok — ${buildSeed('tcn-ecg', { inputShape: [1, 96], outputs: 2 }).numParameters().toLocaleString('en-US')} parameters, input [N, 1, 96] → output [N, 2]`);
    const bad = await cli(['models', '--check', p, '--input-shape', '3,96', '--outputs', '2']);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim()).toBe(`tsdnas: ${p}: the first conv takes 1 input channel but the data has 3 channels [3, 96]; edit architecture.layers[0].layers[0].cin to 3`);
  });

  it('--show takes --input-shape / --outputs, and refuses a non-seed; --check needs --input-shape', async () => {
    const show = await cli(['models', '--show', 'cnn-small', '--input-shape', '3,32,32', '--outputs', '5']);
    expect(show.code, show.stderr).toBe(0);
    expect((JSON.parse(show.stdout) as { architecture: ArchNode }).architecture).toEqual(seedArchitecture('cnn-small', [3, 32, 32], 5));
    const notSeed = await cli(['models', '--show', 'my-net.json']);
    expect(notSeed.code).toBe(2);
    expect(notSeed.stderr).toMatch(/--show takes a seed model name/);
    const noShape = await cli(['models', '--check', 'my-net.json']);
    expect(noShape.code).toBe(2);
    expect(noShape.stderr).toMatch(/--check needs --input-shape/);
  });
});
