/**
 * Conv → ReLU fusion inside Sequential (src/nn/fusion.ts, src/nn/layers/containers.ts): the same
 * output and parameter gradients as the unfused layers, bit for bit, on js and on wasm (one and two
 * threads); the graph it records (one conv node with relu in the conv's scope); what is not fused
 * (subclasses, instance-level forward, other activations); BatchNorm → ReLU (and a PIT-masked
 * BatchNorm → ReLU) as one batchNorm op; tracing unfused; and withoutLayerFusion restoring the setting.
 */

import { describe, it, expect, afterEach, afterAll } from 'vitest';
import * as T from '../../src/index.js';
import type { Module } from '../../src/nn/module.js';

const initialBackend = T.getBackendName();

afterEach(() => {
  T.setLayerFusion(true);
});

afterAll(async () => {
  await T.setWasmThreads(1);
  T.setBackend(initialBackend);
});

function sameBits(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return 0;
  const u = new Uint32Array(Float32Array.from(a).buffer), v = new Uint32Array(Float32Array.from(b).buffer);
  for (let i = 0; i < u.length; i++) if (u[i] !== v[i]) return i;
  return -1;
}

/** Sequential(Conv1d, ReLU, Conv1d, ReLU, GlobalAvgPool, Linear): above THREAD_MIN_MACS in the second conv at batch 8. */
function model1d(seed: number): T.Sequential {
  const rng = new T.Rng(seed);
  return new T.Sequential(
    new T.Conv1d(4, 16, 5, { padding: 'causal', dilation: 2, rng }),
    new T.ReLU(),
    new T.Conv1d(16, 16, 5, { padding: 'causal', dilation: 4, rng }),
    new T.ReLU(),
    new T.GlobalAvgPool(),
    new T.Linear(16, 5, { rng }),
  );
}

function model2d(seed: number): T.Sequential {
  const rng = new T.Rng(seed);
  return new T.Sequential(
    new T.Conv2d(3, 8, 3, { padding: 1, rng }),
    new T.ReLU(),
    new T.Conv2d(8, 8, 3, { stride: 2, padding: 1, groups: 2, rng }),
    new T.ReLU(),
    new T.Conv2d(8, 8, 3, { padding: 1, groups: 8, rng }),
    new T.ReLU(),
    new T.GlobalAvgPool(),
    new T.Linear(8, 4, { rng }),
  );
}

interface Run { out: number[]; grads: [string, number[]][] }

function forwardBackward(model: T.Sequential, x: T.Tensor): Run {
  for (const p of model.parameters()) p.grad = null;
  const out = model.call(x);
  T.backward(T.sum(T.square(out)));
  return { out: out.toFlatArray(), grads: model.namedParameters().map(([k, p]) => [k, p.grad!.toFlatArray()]) };
}

function expectSameRun(a: Run, b: Run, what: string): void {
  expect(sameBits(a.out, b.out), `${what}: output`).toBe(-1);
  expect(a.grads.map(([k]) => k)).toEqual(b.grads.map(([k]) => k));
  a.grads.forEach(([k, g], i) => expect(sameBits(g, b.grads[i][1]), `${what}: gradient of ${k}`).toBe(-1));
}

/** Every recorded node reachable from `out`. */
function nodes(out: T.Tensor): T.Node[] {
  const seen = new Set<T.Tensor>();
  const found: T.Node[] = [];
  const stack = [out];
  while (stack.length > 0) {
    const t = stack.pop()!;
    if (seen.has(t) || t.node === null) continue;
    seen.add(t);
    const n = t.node as T.Node;
    found.push(n);
    stack.push(...n.inputs);
  }
  return found;
}

const convNodes = (out: T.Tensor) => nodes(out).filter((n) => n.op === 'conv') as T.Node<'conv'>[];
const reluNodes = (out: T.Tensor) => nodes(out).filter((n) => n.op === 'relu');

/** A wider 1-D model whose second conv is above WAKE_MIN_MACS at batch 8 (the workers take part on two threads). */
function model1dWide(seed: number): T.Sequential {
  const rng = new T.Rng(seed);
  return new T.Sequential(
    new T.Conv1d(4, 32, 5, { padding: 'causal', rng }),
    new T.ReLU(),
    new T.Conv1d(32, 32, 5, { padding: 'causal', dilation: 2, rng }),
    new T.ReLU(),
    new T.GlobalAvgPool(),
    new T.Linear(32, 3, { rng }),
  );
}

/** [label, model, input shape, wasm only] */
const CASES: [string, (seed: number) => T.Sequential, number[], boolean][] = [
  ['1-D', model1d, [8, 4, 512], false],
  ['2-D', model2d, [4, 3, 16, 16], false],
  ['1-D wide (second conv above WAKE_MIN_MACS)', model1dWide, [8, 4, 1024], true],
];

it('the wide case is above WAKE_MIN_MACS and the 1-D one above THREAD_MIN_MACS', () => {
  expect(8 * 32 * 32 * 5 * 1024).toBeGreaterThanOrEqual(T.WAKE_MIN_MACS);
  expect(8 * 16 * 16 * 5 * 512).toBeGreaterThanOrEqual(T.THREAD_MIN_MACS);
});

describe('Sequential Conv → ReLU fusion: same bits as the separate layers', () => {
  const backends: [string, () => Promise<void>][] = [
    ['js', async () => T.setBackend('js')],
    ['wasm, 1 thread', async () => {
      expect(T.registerWasmBackend()).toBe(true);
      T.setBackend('wasm');
      await T.setWasmThreads(1);
    }],
    ['wasm, 2 threads', async () => {
      expect(T.registerWasmBackend()).toBe(true);
      T.setBackend('wasm');
      expect(await T.setWasmThreads(2)).toBe(2);
    }],
  ];
  for (const [be, use] of backends) {
    for (const [label, make, shape, wasmOnly] of CASES) {
      it.skipIf(wasmOnly && be === 'js')(`${label} on ${be}: forward output and every parameter gradient`, async () => {
        await use();
        const x = T.randn(shape, { rng: new T.Rng(3) });
        T.setLayerFusion(true);
        const model = make(1);
        const fusedGraph = model.call(x);
        expect(convNodes(fusedGraph).every((n) => n.attrs.relu)).toBe(true);
        const fused = forwardBackward(model, x);
        T.setLayerFusion(false);
        expect(convNodes(model.call(x)).some((n) => n.attrs.relu)).toBe(false);
        const separate = forwardBackward(make(1), x);
        expectSameRun(fused, separate, `${label} ${be}`);
        // And the same model again, fused, after the unfused one (nothing left behind by either mode).
        T.setLayerFusion(true);
        expectSameRun(forwardBackward(model, x), fused, `${label} ${be}, second fused run`);
        if (be !== 'js') expect(T.kernelStats().active).toBe('wasm');
      });
    }
  }
});

describe('what the fused graph records', () => {
  it('one conv node with attrs.relu in the conv\'s own scope per Conv → ReLU pair, and no relu node', () => {
    const model = model1d(2);
    const out = model.call(T.randn([2, 4, 32], { rng: new T.Rng(1) }));
    const convs = convNodes(out);
    expect(convs.map((n) => [n.scope, n.attrs.relu]).sort()).toEqual([['0', true], ['2', true]]);
    expect(reluNodes(out)).toHaveLength(0);
    // The chain from the output: linear → pool → conv1d's reshape → the fused conv.
    const scopes = nodes(out).map((n) => n.scope);
    expect(scopes).not.toContain('1');
    expect(scopes).not.toContain('3');
  });

  it('nested: the scope is the conv\'s full path', () => {
    const rng = new T.Rng(4);
    const inner = new T.Sequential(new T.Conv1d(2, 3, 3, { rng }), new T.ReLU());
    const outer = new T.Sequential(new T.Conv1d(2, 2, 1, { rng }), inner, new T.GlobalAvgPool());
    const out = outer.call(T.randn([1, 2, 10], { rng }));
    expect(convNodes(out).map((n) => [n.scope, n.attrs.relu]).sort()).toEqual([['0', false], ['1.0', true]]);
  });

  it('with fusion off every module records its own op', () => {
    T.setLayerFusion(false);
    const out = model1d(2).call(T.randn([2, 4, 32], { rng: new T.Rng(1) }));
    expect(convNodes(out).map((n) => [n.scope, n.attrs.relu]).sort()).toEqual([['0', false], ['2', false]]);
    expect(reluNodes(out).map((n) => n.scope).sort()).toEqual(['1', '3']);
  });

  it('traceModel runs unfused: the ReLUs are module units of their own, and fusion stays on after', () => {
    const model = model1d(5);
    const trace = T.traceModel(model, [4, 32]);
    const units = trace.units.filter((u) => u.kind === 'module');
    expect(units.map((u) => u.path)).toEqual(['0', '1', '2', '3', '4', '5']);
    expect(units[1].module).toBeInstanceOf(T.ReLU);
    expect(units[3].module).toBeInstanceOf(T.ReLU);
    expect(units[1].producers[0]).toBe(units[0]);
    expect(T.layerFusionEnabled()).toBe(true);
    // The traced conv records no fused relu.
    expect(convNodes(trace.output).every((n) => !n.attrs.relu)).toBe(true);
  });
});

describe('what is not fused', () => {
  const rng = () => new T.Rng(8);
  const x = () => T.randn([2, 3, 20], { rng: new T.Rng(9), requiresGrad: true });
  class MyConv1d extends T.Conv1d {}
  class MyReLU extends T.ReLU {}

  const cases: [string, () => Module[]][] = [
    ['a subclass of Conv1d', () => [new MyConv1d(3, 4, 3, { rng: rng() }), new T.ReLU()]],
    ['a Conv1d instance with its own forward', () => {
      const c = new T.Conv1d(3, 4, 3, { rng: rng() });
      c.forward = (t: T.Tensor) => T.Conv1d.prototype.forward.call(c, t);
      return [c, new T.ReLU()];
    }],
    ['a ReLU subclass', () => [new T.Conv1d(3, 4, 3, { rng: rng() }), new MyReLU()]],
    ['a ReLU instance with its own forward', () => {
      const r = new T.ReLU();
      r.forward = (t: T.Tensor) => T.relu(t);
      return [new T.Conv1d(3, 4, 3, { rng: rng() }), r];
    }],
    ['LeakyReLU', () => [new T.Conv1d(3, 4, 3, { rng: rng() }), new T.LeakyReLU(0.1)]],
    ['a Conv1d last in the Sequential', () => [new T.ReLU(), new T.Conv1d(3, 4, 3, { rng: rng() })]],
  ];
  for (const [label, layers] of cases) {
    it(label, () => {
      const out = new T.Sequential(...layers()).call(x());
      const convs = convNodes(out);
      expect(convs).toHaveLength(1);
      expect(convs[0].attrs.relu).toBe(false);
      if (label !== 'LeakyReLU') expect(reluNodes(out)).toHaveLength(1);
    });
  }

  it('the unfused cases still compute relu(conv): same values as the fused exact classes', () => {
    const want = new T.Sequential(new T.Conv1d(3, 4, 3, { rng: rng() }), new T.ReLU()).call(x()).toFlatArray();
    for (const [label, layers] of cases.slice(0, 4)) {
      expect(sameBits(new T.Sequential(...layers()).call(x()).toFlatArray(), want), label).toBe(-1);
    }
  });
});

describe('setLayerFusion / withoutLayerFusion', () => {
  it('withoutLayerFusion turns fusion off inside, returns the callback\'s value and restores the setting', () => {
    expect(T.layerFusionEnabled()).toBe(true);
    expect(T.withoutLayerFusion(() => T.layerFusionEnabled())).toBe(false);
    expect(T.layerFusionEnabled()).toBe(true);
    expect(T.withoutLayerFusion(() => 42)).toBe(42);
    T.setLayerFusion(false);
    T.withoutLayerFusion(() => undefined);
    expect(T.layerFusionEnabled()).toBe(false);
  });

  it('restores the setting when the callback throws', () => {
    expect(() => T.withoutLayerFusion(() => {
      throw new Error('inside');
    })).toThrow('inside');
    expect(T.layerFusionEnabled()).toBe(true);
    // Nested: the inner call restores the outer's "off", the outer restores "on".
    T.withoutLayerFusion(() => {
      expect(() => T.withoutLayerFusion(() => {
        throw new Error('nested');
      })).toThrow('nested');
      expect(T.layerFusionEnabled()).toBe(false);
    });
    expect(T.layerFusionEnabled()).toBe(true);
  });

  it('a model forward inside withoutLayerFusion records separate relu nodes', () => {
    const out = T.withoutLayerFusion(() => model1d(3).call(T.randn([1, 4, 16], { rng: new T.Rng(2) })));
    expect(reluNodes(out)).toHaveLength(2);
    expect(T.layerFusionEnabled()).toBe(true);
  });
});

describe('BatchNorm → ReLU runs as one batchNorm op', () => {
  const bnNodes = (out: T.Tensor) => nodes(out).filter((n) => n.op === 'batchNorm') as T.Node<'batchNorm'>[];
  const build = (seed: number) => {
    const rng = new T.Rng(seed);
    return new T.Sequential(
      new T.Conv1d(3, 6, 3, { padding: 'causal', rng }), new T.BatchNorm1d(6), new T.ReLU(),
      new T.Conv1d(6, 6, 3, { padding: 'causal', rng }), new T.BatchNorm1d(6), new T.ReLU(),
      new T.GlobalAvgPool(), new T.Linear(6, 3, { rng }),
    );
  };
  const x = () => T.randn([4, 3, 16], { rng: new T.Rng(21) });

  for (const training of [true, false]) {
    it(`Conv → BN → ReLU: ${training ? 'the BN node carries the ReLU' : 'BN folded into the conv, which carries the ReLU'}, no relu node; values and gradients as unfused (${training ? 'training' : 'eval'})`, () => {
      const fused = build(5);
      const plain = build(5);
      const probe = build(5);
      for (const m of [fused, plain, probe]) m.train(training);
      const out = probe.call(x());
      const bns = bnNodes(out);
      if (training) {
        expect(bns).toHaveLength(2);
        expect(bns.every((n) => n.attrs.relu)).toBe(true);
      } else {
        // Eval mode folds each BatchNorm into the conv before it: conv nodes with the ReLU, no BN node.
        expect(bns).toHaveLength(0);
        expect(convNodes(out).map((n) => n.attrs.relu)).toEqual([true, true]);
      }
      expect(reluNodes(out)).toHaveLength(0);
      const a = forwardBackward(fused, x());
      const b = T.withoutLayerFusion(() => forwardBackward(plain, x()));
      expect(a.out.length).toBe(b.out.length);
      a.out.forEach((v, i) => expect(v).toBeCloseTo(b.out[i], 5));
      a.grads.forEach(([k, g], i) => g.forEach((v, j) => expect(v, `${k}[${j}]`).toBeCloseTo(b.grads[i][1][j], 4)));
      // The running statistics moved the same way.
      const rf = fused.namedBuffers().map(([, t]) => t.toFlatArray()).flat();
      const rp = plain.namedBuffers().map(([, t]) => t.toFlatArray()).flat();
      rf.forEach((v, i) => expect(v).toBeCloseTo(rp[i], 6));
    });
  }

  it('eval mode, Conv2d without bias → BatchNorm2d (no ReLU after): one conv node, the values of the unfused layers; training mode is not folded', () => {
    const make = () => {
      const rng = new T.Rng(11);
      const m = new T.Sequential(new T.Conv2d(3, 5, 3, { padding: 1, bias: false, rng }), new T.BatchNorm2d(5), new T.GlobalAvgPool());
      // Non-trivial running statistics and affine parameters.
      const bn = m.layers[1] as T.BatchNorm2d;
      bn.runningMean.data.set([0.1, -0.2, 0.3, 0, 0.5]);
      bn.runningVar.data.set([0.5, 2, 1, 0.1, 3]);
      bn.weight!.data.set([1.5, 0.5, -1, 2, 1]);
      bn.bias!.data.set([0.1, 0.2, -0.3, 0, 1]);
      return m;
    };
    const xin = T.randn([2, 3, 6, 7], { rng: new T.Rng(12) });
    const folded = make();
    folded.train(false);
    const out = folded.call(xin);
    expect(nodes(out).filter((n) => n.op === 'batchNorm')).toHaveLength(0);
    expect(convNodes(out)).toHaveLength(1);
    const plain = make();
    plain.train(false);
    const want = T.withoutLayerFusion(() => plain.call(xin));
    out.toFlatArray().forEach((v, i) => expect(v).toBeCloseTo(want.toFlatArray()[i], 5));
    const trained = make();
    expect(nodes(trained.call(xin)).filter((n) => n.op === 'batchNorm')).toHaveLength(1);
  });

  it('a PIT-masked BatchNorm folds its mask into the affine map: same values and gradients (masks included) as masking after it', () => {
    const run = (fusion: boolean) => {
      const model = T.pit(build(7), { inputShape: [3, 16] }).model;
      const search = [...model.namedParameters()];
      // Prune one channel of each searchable conv, so the mask is not all ones.
      for (const [k, p] of search) if (k.endsWith('alpha') && p.size === 6) p.data[2] = -0.5;
      const body = () => {
        const out = model.call(x());
        const bns = bnNodes(out);
        T.backward(T.sum(T.square(out)));
        return { out: out.toFlatArray(), grads: search.map(([k, p]) => [k, p.grad?.toFlatArray() ?? []] as const), nodes: bns };
      };
      return fusion ? body() : T.withoutLayerFusion(body);
    };
    const a = run(true);
    const b = run(false);
    expect(a.nodes.length).toBeGreaterThan(0);
    expect(a.nodes.some((n) => n.attrs.relu)).toBe(true);
    a.out.forEach((v, i) => expect(v).toBeCloseTo(b.out[i], 5));
    a.grads.forEach(([k, g], i) => g.forEach((v, j) => expect(v, `${k}[${j}]`).toBeCloseTo(b.grads[i][1][j], 4)));
  });
});
