/**
 * Integer ONNX export: the integer model written with integer-exact standard ops (ConvInteger /
 * MatMulInteger, int64 multiply and floor-shift requantisation) and run by onnxruntime-node must
 * reproduce the TS integer engine's output (int32 accumulators of the output layer) bit for bit.
 */

import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { randn } from '../../src/tensor/create.js';
import { Rng } from '../../src/tensor/rng.js';
import { quantize } from '../../src/quant/convert.js';
import { calibrate } from '../../src/quant/calibrate.js';
import { integerize } from '../../src/quant/integer/engine.js';
import { encodeOnnxModel, integerModelToOnnx } from '../../src/io/onnx/index.js';
import { SEED_SHAPES, seedModel } from '../quant/helpers.js';
import { mixedPlan } from './cHarness.js';


describe('integer ONNX export vs the TS integer engine (bit-exact, onnxruntime-node)', () => {
  const cases: [string, { wBits: number; aBits: number } | 'mixed'][] = [
    ['tcn-ecg', { wBits: 8, aBits: 8 }], ['tcn-ecg', 'mixed'], ['temponet', { wBits: 4, aBits: 8 }], ['cnn-small', { wBits: 2, aBits: 8 }],
    ['ds-cnn', { wBits: 8, aBits: 8 }], ['mini-resnet', 'mixed'], ['resnet8', { wBits: 8, aBits: 8 }], ['mobilenet-v1-0.25', 'mixed'],
  ];
  for (const [name, p] of cases) {
    const label = p === 'mixed' ? 'mixed per-channel' : `w${p.wBits}a${p.aBits}`;
    it(`${name} ${label}`, async () => {
      const shape = SEED_SHAPES[name];
      const q = quantize(seedModel(name), p === 'mixed' ? mixedPlan(name) : p, { inputShape: shape });
      const rng = new Rng(11);
      calibrate(q, [randn([4, ...shape], { rng })], { method: 'max' });
      const im = integerize(q.eval());
      // Mixed plans prune channels: some layers store weights for their live inputs only (a Gather in the graph).
      if (p === 'mixed') expect(im.memory().some((m) => m.inputsKept < m.inputs)).toBe(true);
      const x = randn([4, ...shape], { rng });
      const want = im.run(x).values[im.outputNode].data;
      const session = await ort.InferenceSession.create(encodeOnnxModel(integerModelToOnnx(im, { inputShape: shape })));
      const got = (await session.run({ input: new ort.Tensor('float32', Float32Array.from(x.values()), [4, ...shape]) })).output.data as Int32Array;
      const same = want.reduce((s, v, i) => s + (v === got[i] ? 1 : 0), 0);
      console.log(`integer onnx ${name} ${label}: ${same}/${want.length} outputs identical`);
      expect(same).toBe(want.length);
    });
  }
});
