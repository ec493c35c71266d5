/**
 * Consumers of pruned channels store no weights for them: the integer model's packed weight bytes
 * equal the mixed-precision search's size cost of the same plan (up to each precision group's
 * rounding to whole bytes), and dropping changes no value the integer model computes.
 */

import { describe, expect, it } from 'vitest';
import { randn } from '../../src/tensor/create.js';
import { Rng } from '../../src/tensor/rng.js';
import { noGrad } from '../../src/autograd/graph.js';
import { quantize } from '../../src/quant/convert.js';
import { calibrate } from '../../src/quant/calibrate.js';
import { integerize } from '../../src/quant/integer/engine.js';
import type { QuantPlan } from '../../src/quant/plan.js';
import { fixedPrecision, mps } from '../../src/quant/mps/index.js';
import { foldBatchNorms } from '../../src/quant/mps/fold.js';
import { SEED_SHAPES, randomPrunedPlan, seedModel } from './helpers.js';

/** A random pruned plan for a seed network, activations at 4 or 8 bits. */
function randomPlan(name: string, rng: Rng): QuantPlan {
  const probe = mps(seedModel(name), { inputShape: SEED_SHAPES[name], weightPrecisions: [0, 2, 4, 8] });
  return randomPrunedPlan(probe.planLayers(), rng, 0.4, () => [4, 8][Math.floor(rng.next() * 2)]);
}

function sameAdds(plan: QuantPlan, name: string): QuantPlan {
  // Layers meeting in an add need equal aBits: the search's fixed model tells which share a quantiser.
  const t = mps(seedModel(name), { inputShape: SEED_SHAPES[name] });
  const first = new Map<unknown, number>();
  for (const r of t.layers) {
    if (!r.firstCall || r.outQuant === null) continue;
    const a = first.get(r.outQuant);
    if (a === undefined) first.set(r.outQuant, plan.layers[r.path].aBits);
    else plan.layers[r.path].aBits = a;
  }
  return plan;
}

const NAMES = ['tcn-ecg', 'mini-resnet', 'ds-cnn', 'temponet', 'cnn-small'];

describe('integer engine: consumers drop known-zero input channels', () => {
  for (const name of NAMES) {
    it(`${name}: packed weight bytes = the search's size cost per layer, on three random pruned plans; values unchanged by dropping`, () => {
      const shape = SEED_SHAPES[name];
      for (const seed of [1, 2, 3]) {
        const rng = new Rng(100 + seed);
        const plan = sameAdds(randomPlan(name, rng), name);
        const model = seedModel(name, seed);
        const q = quantize(model, plan, { inputShape: shape });
        calibrate(q, [randn([4, ...shape], { rng })], { method: 'max' });
        q.eval();
        const im = integerize(q);
        const full = integerize(q, { dropZeroInputs: false });
        // The search's exact cost of the same plan on the BatchNorm-folded float model.
        foldBatchNorms(model, shape);
        const t = fixedPrecision(model, plan, { inputShape: shape });
        const expected = new Map(t.precisionSummary().map((r) => [r.name, r.sizeBytes]));
        let dropped = 0;
        let packedTotal = 0;
        let expectedTotal = 0;
        for (const mem of im.memory()) {
          const groups = Object.keys(mem.channelsPerBits).filter((b) => b !== '0').length;
          const want = expected.get(mem.path) as number;
          // Each precision group is a whole number of bytes: at most (groups − 1/8·…) bytes above the exact bits / 8.
          expect(mem.weightBytes - want, `${name} seed ${seed} '${mem.path}': packed ${mem.weightBytes} B vs expected ${want} B`).toBeGreaterThanOrEqual(0);
          expect(mem.weightBytes - want).toBeLessThan(groups);
          dropped += mem.inputs - mem.inputsKept;
          packedTotal += mem.weightBytes;
          expectedTotal += want;
        }
        expect(dropped, `${name} seed ${seed}: some inputs dropped`).toBeGreaterThan(0);
        expect(packedTotal).toBeLessThan(full.memory().reduce((s, m) => s + m.weightBytes, 0));
        expect(packedTotal - expectedTotal).toBeLessThan(im.memory().length * 3);
        // Same integer values at every node, dropped or not.
        const x = randn([3, ...shape], { rng });
        const a = im.run(x);
        const b = full.run(x);
        a.values.forEach((v, i) => expect(Array.from(v.data), `${name} node ${i}`).toEqual(Array.from(b.values[i].data)));
        expect(Array.from(a.output)).toEqual(Array.from(b.output));
        // The fake-quant model's pruned channels are exactly zero too.
        const fq = noGrad(() => q.runNodes(x));
        q.nodes.forEach((n, i) => {
          if (n.kind !== 'layer') return;
          const v = fq[i].values();
          const c = fq[i].shape[1];
          const inner = v.length / (fq[i].shape[0] * c);
          n.layer.wBits.forEach((bits, ch) => {
            if (bits !== 0) return;
            for (let k = 0; k < v.length; k++) if (Math.floor(k / inner) % c === ch) expect(v[k]).toBe(0);
          });
        });
      }
    });
  }

  it('a residual add keeps a channel that only one branch pruned', () => {
    const name = 'mini-resnet';
    const plan = sameAdds(randomPlan(name, new Rng(9)), name);
    const q = quantize(seedModel(name), plan, { inputShape: SEED_SHAPES[name] });
    const im = integerize(q);
    // Every layer reading an add: its kept inputs are the channels kept by either branch.
    im.nodes.forEach((n, i) => {
      if (n.kind !== 'layer') return;
      let src = n.src;
      while (im.nodes[src].kind === 'requant' || im.nodes[src].kind === 'maxpool' || im.nodes[src].kind === 'avgpool' || im.nodes[src].kind === 'pad') src = (im.nodes[src] as { src: number }).src;
      const a = im.nodes[src];
      if (a.kind !== 'add') return;
      const writers = a.srcs.map((s) => {
        let j = s;
        while (im.nodes[j].kind !== 'layer' && im.nodes[j].kind !== 'add' && im.nodes[j].kind !== 'input') j = (im.nodes[j] as { src: number }).src;
        return im.nodes[j];
      });
      const liveIn = (w: (typeof writers)[number], c: number): boolean => w.kind !== 'layer' || w.groups.some((g) => g.channels.includes(c));
      const channels = n.weightShape[1];
      const want = Array.from({ length: channels }, (_, c) => c).filter((c) => writers.some((w) => w.kind === 'add' || liveIn(w, c)));
      expect(n.inKeep ?? Array.from({ length: channels }, (_, c) => c), `layer ${i}`).toEqual(want);
    });
  });
});
