/** Target costs inside a PIT search: layer specs carry input shapes, and latency / energy / flash / peak RAM send gradients to the masks. */

import { describe, it, expect } from 'vitest';
import * as T from '../../src/index.js';
import { buildSeed } from '../../src/models/seeds.js';
import { pit } from '../../src/nas/pit/convert.js';
import { gap8, stm32h7, targetCosts } from '../../src/hw/index.js';

describe('hardware costs of a PIT model', () => {
  it('tcn-ecg on GAP8 and STM32H7: every hardware cost is positive and moves the masks', () => {
    for (const t of [gap8, stm32h7]) {
      const m = buildSeed('tcn-ecg', { inputShape: [1, 96], outputs: 2, rng: new T.Rng(0) });
      const p = pit(m, { inputShape: [1, 96], costs: targetCosts(t) });
      expect(p.layers[0].spec.inShape).toEqual([96]);
      expect(p.layers[p.layers.length - 1].spec.inShape).toEqual([]);
      for (const name of ['latency', 'energy', 'flash', 'ram']) {
        for (const q of p.maskParameters()) q.grad = null;
        const c = p.cost(name);
        expect(c.item(), `${t.name} ${name}`).toBeGreaterThan(0);
        T.backward(c);
        const moved = p.maskParameters().filter((q) => q.grad !== null && q.grad.toFlatArray().some((g) => g !== 0));
        expect(moved.length, `${t.name} ${name}`).toBeGreaterThan(0);
      }
    }
  });

  it('the peak RAM of tcn-ecg is set by its first conv (1×96 in, 16×96 out) plus scratch', () => {
    const m = buildSeed('tcn-ecg', { inputShape: [1, 96], outputs: 2, rng: new T.Rng(0) });
    const p = pit(m, { inputShape: [1, 96], costs: targetCosts(stm32h7) });
    // CMSIS-NN scratch: 2 q15 columns of Cin·k = 16·9 for the second conv (16×48 in, 16×48 out) vs 1·9 for the first
    const first = 96 + 16 * 96 + 4 * 9;
    const second = 16 * 48 + 16 * 48 + 4 * 16 * 9;
    expect(p.cost('ram').item()).toBe(Math.max(first, second));
  });
});
