import { describe, expect, it } from 'vitest';
import * as T from '../../src/index.js';
import { buildSeed, SEED_MODELS } from '../../src/models/seeds.js';
import { buildFromArchitecture, describeArchitecture } from '../../src/nn/serialize.js';
import { Module } from '../../src/nn/module.js';

const shapes: Record<string, number[]> = {
  'tcn-mnist': [28, 28], 'tcn-ecg': [1, 96], temponet: [4, 256], 'temponet-seed': [4, 256], 'cnn-small': [1, 28, 28],
  'ds-cnn': [1, 49, 10], 'mini-resnet': [3, 32, 32], resnet8: [3, 32, 32], 'mobilenet-v1-0.25': [3, 96, 96],
};

describe('architecture descriptions', () => {
  it('cover every seed model in SEED_MODELS', () => {
    expect(Object.keys(shapes).sort()).toEqual(Object.keys(SEED_MODELS).sort());
  });

  for (const name of Object.keys(shapes)) {
    it(`${name}: describe → JSON → build gives the same parameters and outputs`, () => {
      const m = buildSeed(name, { inputShape: shapes[name], outputs: 3, rng: new T.Rng(5) });
      const arch = JSON.parse(JSON.stringify(describeArchitecture(m)));
      const copy = buildFromArchitecture(arch);
      const a = m.stateDict();
      const b = copy.stateDict();
      expect([...b.keys()]).toEqual([...a.keys()]);
      for (const [k, t] of a) expect(b.get(k)?.shape).toEqual(t.shape);
      if (name === 'mobilenet-v1-0.25') return; // large input; shapes suffice
      copy.loadStateDict(a);
      const x = T.randn([2, ...shapes[name]], { rng: new T.Rng(1) });
      const ya = T.noGrad(() => m.eval().call(x)).toFlatArray();
      const yb = T.noGrad(() => copy.eval().call(x)).toFlatArray();
      expect(yb).toEqual(ya);
    });
  }

  it('refuses a module class it does not know, naming it and where it is', () => {
    class Mystery extends Module {
      forward(x: T.Tensor) { return x; }
    }
    const m = new T.Sequential(new T.ReLU(), new Mystery());
    expect(() => describeArchitecture(m)).toThrow(/module '1' is a Mystery/);
    expect(() => buildFromArchitecture({ type: 'Nope' } as never)).toThrow(/unknown layer type 'Nope'/);
  });
});
