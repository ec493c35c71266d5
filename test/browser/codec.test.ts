// What a page does with checkpoints: bytes in, bytes out, through the browser entry only.
import { describe, expect, it } from 'vitest';
import {
  CHECKPOINT_FORMAT, Rng, buildSeed, decodeModelCheckpoint, encodeModelCheckpoint, noGrad, randn,
} from '../../src/browser.js';

describe('checkpoint bytes (browser entry)', () => {
  it('round-trips a seed model through encodeModelCheckpoint / decodeModelCheckpoint', () => {
    const model = buildSeed('tcn-ecg', { inputShape: [1, 96], outputs: 2, rng: new Rng(3) });
    const bytes = encodeModelCheckpoint(model, { format: CHECKPOINT_FORMAT, model: 'tcn-ecg', inputShape: [1, 96], outputs: 2 });
    const back = decodeModelCheckpoint(bytes, 'upload.safetensors');
    expect(back.meta.model).toBe('tcn-ecg');
    const x = randn([2, 1, 96], { rng: new Rng(4) });
    model.eval();
    back.model.eval();
    const a = noGrad(() => model.call(x).values());
    const b = noGrad(() => back.model.call(x).values());
    expect(Array.from(b)).toEqual(Array.from(a));
  });

  it('names the source when the bytes are not a tsdnas checkpoint', () => {
    expect(() => decodeModelCheckpoint(new Uint8Array(4), 'upload.bin')).toThrow(/upload\.bin/);
  });
});
