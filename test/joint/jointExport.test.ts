/**
 * A joint search's export goes through the existing integer paths: the pruned dense model with the
 * plan of its kept channels is quantised, integerised and emitted as C99, which (compiled with gcc)
 * agrees bit for bit with the TS integer engine. Skipped, with a message, without gcc.
 */

import { describe, expect, it } from 'vitest';
import * as T from '../../src/index.js';
import { integerModelToC } from '../../src/io/c/index.js';
import { SEED_SHAPES, seedModel } from '../quant/helpers.js';
import { HAVE_GCC, compileAndRun } from '../export/cHarness.js';

if (!HAVE_GCC) console.warn('joint C export test skipped: gcc is not installed');

describe.skipIf(!HAVE_GCC)('joint export → integer C (bit-exact with the TS integer engine)', () => {
  for (const name of ['tcn-ecg', 'mini-resnet']) {
    it(`${name}: masks and bits from a joint model, C outputs identical`, () => {
      const shape = SEED_SHAPES[name];
      const j = T.joint(seedModel(name), { inputShape: shape, seed: 3 });
      const rng = new T.Rng(5);
      for (const p of j.pit.maskParameters()) for (let i = 0; i < p.size; i++) p.data[i] = rng.next() < 0.4 ? 0.1 : 0.9;
      for (const r of j.layers) for (let i = 0; i < r.wq.selector.logits.size; i++) r.wq.selector.logits.data[i] = rng.normal();
      const dense = j.exportDense();
      const q = T.quantize(dense, j.plan(), { inputShape: shape });
      T.calibrate(q, [T.randn([4, ...shape], { rng })], { method: 'max' });
      q.eval();
      const im = T.integerize(q);
      const x = T.randn([6, ...shape], { rng });
      const run = im.run(x).values;
      const want = run[im.outputNode].data;
      const c = compileAndRun(integerModelToC(im, { inputShape: shape, name: name.replace(/[^a-z0-9]/g, '_') }), { codes: Int32Array.from(run[0].data), q16: new Int32Array(run[0].data.length) }, 6);
      expect(Array.from(c.outputs)).toEqual(Array.from(want));
      expect(dense.numParameters()).toBeLessThan(seedModel(name).numParameters());
    });
  }
});
