/**
 * Library checkpoints: every one carries its architecture, round-trips as bytes and as files,
 * free model names and extra metadata flow through, and the wrong loader names the right one.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  Conv1d, Flatten, Linear, ReLU, Rng, Sequential, calibrate, decodeModel, decodeQuantModel, encodeModel, encodeQuantModel, loadModel,
  loadQuantModel, noGrad, quantize, randn, saveModel, saveQuantModel, pit,
} from '../../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'tsdnas-api-ckpt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const shape = [2, 8];
function custom(): Sequential {
  const r = new Rng(3);
  return new Sequential(new Conv1d(2, 4, 3, { padding: 'causal', rng: r }), new ReLU(), new Flatten(), new Linear(32, 3, { rng: r }));
}
const x = randn([5, ...shape], { rng: new Rng(9) });
const same = (a: Sequential | { call(t: typeof x): typeof x }, b: typeof a) => noGrad(() => expect(Array.from(b.call(x).values())).toEqual(Array.from(a.call(x).values())));

describe('float checkpoints', () => {
  it('bytes and files round-trip a custom model with its architecture, measured outputs and extra fields', () => {
    const m = custom().eval();
    const info = { inputShape: shape, name: 'my-net', dataset: 'my-data', note: { why: 'free fields flow' }, task: 'classification' as const };
    const a = decodeModel(encodeModel(m, info));
    expect(a.meta).toMatchObject({ model: 'my-net', outputs: 3, inputShape: shape, dataset: 'my-data', note: { why: 'free fields flow' } });
    expect(a.meta.architecture).toBeDefined();
    same(m, a.model.eval());
    const path = join(dir, 'm.safetensors');
    expect(saveModel(path, m, { inputShape: shape }).model).toBe('custom');
    same(m, loadModel(path).model.eval());
  });

  it('refuses a searchable (unexported) model and a bad input shape, saying what to do', () => {
    const pm = pit(custom(), { inputShape: shape });
    expect(() => encodeModel(pm.model, { inputShape: shape })).toThrow(/export searched models to plain layers first/);
    expect(() => encodeModel(custom(), { inputShape: [2, 0] })).toThrow(/info.inputShape must list/);
    expect(() => encodeModel(custom(), { inputShape: [3, 8] })).toThrow(/could not run the model on an input of shape \[3, 8\].*give info.outputs/);
  });
});

describe('quantised checkpoints', () => {
  it('bytes and files round-trip; each loader refuses the other kind', () => {
    const m = custom().eval();
    const q = quantize(m, { wBits: 4, aBits: 8 }, { inputShape: shape });
    calibrate(q, [x], { method: 'max' });
    q.eval();
    const b = decodeQuantModel(encodeQuantModel(q, m, { inputShape: shape, name: 'q' }));
    expect(b.meta.quantPlan).toBeDefined();
    same(q, b.model.eval());
    const path = join(dir, 'q.safetensors');
    saveQuantModel(path, q, m, { inputShape: shape });
    same(q, loadQuantModel(path).model.eval());
    expect(() => loadModel(path)).toThrow(/quantised checkpoint.*loadQuantModel/);
    expect(() => decodeQuantModel(encodeModel(m, { inputShape: shape }))).toThrow(/not a quantised checkpoint/);
  });
});
