/**
 * Recycled float32 storage (src/tensor/bufferPool.ts), safety first: what backward recycles must
 * be unreachable — leaves' gradients, tensors the user holds, the output of a Sequential, the input
 * a module keeps, a graph kept with retainGraph, a backward that threw — and training with the pool
 * gives the same bits as without it, with a pool that does not grow step after step.
 *
 * Sizes are just above POOL_MIN_ELEMENTS (batch 4, 16 channels, length 512 = 32768 floats) so the
 * arrays are really pooled while the file stays fast on the js backend.
 */

import { describe, it, expect, afterEach, beforeEach } from 'vitest';
import * as T from '../../src/index.js';
import { POOL_MIN_ELEMENTS, clearBufferPool, pooledBytes, pooledFreshArrays, setBufferPooling } from '../../src/tensor/bufferPool.js';

const SHAPE = [4, 16, 512];
const initialBackend = T.getBackendName();

beforeEach(() => {
  setBufferPooling(true);
  clearBufferPool();
});

afterEach(() => {
  setBufferPooling(true);
  clearBufferPool();
  T.setLayerFusion(true);
  T.setBackend(initialBackend);
});

/** A copy of the values (for comparing later). */
const snap = (t: T.Tensor): Float32Array => Float32Array.from(t.values());

/** Index of the first element whose bits differ, −1 when identical. */
function bitDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return 0;
  const u = new Uint32Array(Float32Array.from(a).buffer), v = new Uint32Array(Float32Array.from(b).buffer);
  for (let i = 0; i < u.length; i++) if (u[i] !== v[i]) return i;
  return -1;
}

function expectSame(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  expect(bitDiff(got, want), what).toBe(-1);
}

/** Conv → ReLU → Conv → ReLU → Conv → GAP → Linear: internal activations of 32768 floats. */
function model(seed: number): T.Sequential {
  const rng = new T.Rng(seed);
  return new T.Sequential(
    new T.Conv1d(16, 16, 3, { padding: 'same', rng }),
    new T.ReLU(),
    new T.Conv1d(16, 16, 3, { padding: 'same', dilation: 2, rng }),
    new T.ReLU(),
    new T.Conv1d(16, 16, 3, { padding: 'same', rng }),
    new T.GlobalAvgPool(),
    new T.Linear(16, 4, { rng }),
  );
}

/** A trunk whose output is itself a large activation (nothing after it in the Sequential). */
function trunk(seed: number, endsWithRelu = false): T.Sequential {
  const rng = new T.Rng(seed);
  const layers: T.Module[] = [new T.Conv1d(16, 16, 3, { padding: 'same', rng }), new T.ReLU(), new T.Conv1d(16, 16, 3, { padding: 'same', rng })];
  if (endsWithRelu) layers.push(new T.ReLU());
  return new T.Sequential(...layers);
}

const params = (m: T.Module) => m.parameters().map(snap);

/** One SGD step on a fresh batch drawn from `rng`; returns the model output. */
function trainStep(m: T.Module, opt: T.SGD, rng: T.Rng): T.Tensor {
  const x = T.randn(SHAPE, { rng });
  opt.zeroGrad();
  const out = m.call(x);
  T.backward(T.sum(T.square(out)));
  opt.step();
  return out;
}

describe('buffer pool: training gives the same bits with and without it', () => {
  it('the sizes used here are pooled', () => {
    expect(SHAPE.reduce((a, b) => a * b)).toBeGreaterThanOrEqual(POOL_MIN_ELEMENTS);
  });

  it('5 SGD steps: pooledBytes > 0, the same parameters as with pooling off after every step, and a pool that does not grow', () => {
    const run = (pooling: boolean) => {
      setBufferPooling(pooling);
      clearBufferPool();
      const m = model(1);
      const opt = new T.SGD(m.parameters(), { lr: 0.05, momentum: 0.9 });
      const rng = new T.Rng(5);
      const history: { params: Float32Array[]; pooled: number }[] = [];
      for (let s = 0; s < 5; s++) {
        trainStep(m, opt, rng);
        history.push({ params: params(m), pooled: pooledBytes() });
      }
      return history;
    };
    const on = run(true);
    const off = run(false);
    on.forEach((h, s) => h.params.forEach((p, i) => expectSame(p, off[s].params[i], `step ${s + 1}, parameter ${i}`)));
    expect(on[0].pooled).toBeGreaterThan(0);
    // A few activation-sized arrays, the same number after every step.
    for (const h of on) expect(h.pooled).toBe(on[0].pooled);
    expect(on[0].pooled).toBeLessThanOrEqual(16 * 4 * 32768);
    for (const h of off) expect(h.pooled).toBe(0);
  });

  for (const kind of ['Sequential', 'Residual'] as const) {
  it(`nested ${kind} Conv → BN → ReLU blocks: the activations between and inside blocks are recycled too, with the bits of pooling off; the outer output is not`, () => {
    const blocks = (seed: number) => {
      const rng = new T.Rng(seed);
      const seq = () => new T.Sequential(new T.Conv1d(16, 16, 3, { padding: 'same', rng }), new T.BatchNorm1d(16), new T.ReLU());
      const block = () => (kind === 'Sequential' ? seq() : new T.Residual(seq(), null, new T.ReLU()));
      return new T.Sequential(block(), block(), block());
    };
    const run = (pooling: boolean) => {
      setBufferPooling(pooling);
      clearBufferPool();
      const m = blocks(3);
      const opt = new T.SGD(m.parameters(), { lr: 0.05 });
      const rng = new T.Rng(8);
      const held = trainStep(m, opt, rng);
      const heldValues = snap(held);
      const pooled: number[] = [];
      trainStep(m, opt, rng);
      const fresh0 = pooledFreshArrays();
      for (let k = 0; k < 3; k++) {
        trainStep(m, opt, rng);
        pooled.push(pooledBytes());
      }
      expectSame(held.values(), heldValues, 'held outer output');
      return { params: params(m), pooled, freshPerStep: (pooledFreshArrays() - fresh0) / 3 };
    };
    const on = run(true);
    const off = run(false);
    on.params.forEach((p, i) => expectSame(p, off.params[i], `parameter ${i}`));
    // The activations between the blocks come back every step. What a step still takes from the
    // pool for good is what the caller holds: the batch, the outer output and its square (3; 5
    // when the two activations between blocks were not recycled).
    expect(on.freshPerStep).toBeLessThanOrEqual(3);
    expect(new Set(on.pooled).size).toBe(1);
  });
}

  it('a pooled array handed out is zero-filled and leaves the pool; float64 and small arrays never come from it', () => {
    const m = model(2);
    trainStep(m, new T.SGD(m.parameters(), { lr: 0.01 }), new T.Rng(1));
    const before = pooledBytes();
    expect(before).toBeGreaterThan(0);
    expect(T.zeros([100]).data).toBeInstanceOf(Float32Array);
    T.zeros(SHAPE, { dtype: 'float64' });
    expect(pooledBytes()).toBe(before);
    const z = T.zeros(SHAPE);
    expect(pooledBytes()).toBe(before - 32768 * 4);
    expect(z.values().every((v) => Object.is(v, 0))).toBe(true);
    const f = T.full(SHAPE, 2.5);
    expect(f.values().every((v) => v === 2.5)).toBe(true);
  });
});

describe('buffer pool: what must never be recycled', () => {
  it("leaves' gradients escape: kept step-1 gradients stay intact through later backwards, with or without zeroGrad", () => {
    const rng = new T.Rng(11);
    // A first-layer weight of 16·64·16 = 16384 elements: its gradient is pool-sized too.
    const m = new T.Sequential(
      new T.Conv1d(16, 64, 16, { padding: 'causal', rng }),
      new T.ReLU(),
      new T.Conv1d(64, 16, 1, { rng }),
      new T.ReLU(),
      new T.GlobalAvgPool(),
      new T.Linear(16, 4, { rng }),
    );
    expect(m.parameters()[0].size).toBeGreaterThanOrEqual(POOL_MIN_ELEMENTS);
    const x = T.randn([2, 16, 512], { rng, requiresGrad: true });
    expect(x.size).toBeGreaterThanOrEqual(POOL_MIN_ELEMENTS);
    const leaves = [x, ...m.parameters()];
    const backward = () => T.backward(T.sum(T.square(m.call(x))));

    backward();
    const step1 = leaves.map((l) => l.grad!);
    const step1Values = step1.map(snap);
    expect(pooledBytes()).toBeGreaterThan(0);

    // Without zeroGrad: the same input accumulates exactly twice the gradient, into new arrays.
    backward();
    const step2 = leaves.map((l) => l.grad!);
    step1.forEach((g, i) => {
      expectSame(g.values(), step1Values[i], `step-1 gradient ${i} after the second backward`);
      expect(step2[i].data).not.toBe(g.data);
      expectSame(step2[i].values(), step1Values[i].map((v) => Math.fround(2 * v)), `accumulated gradient ${i}`);
    });
    const step2Values = step2.map(snap);

    // With zeroGrad and a new input: nothing kept changes.
    for (const l of leaves) l.grad = null;
    const x2 = T.randn([2, 16, 512], { rng });
    x.data.set(x2.values());
    backward();
    step1.forEach((g, i) => expectSame(g.values(), step1Values[i], `step-1 gradient ${i} after the third backward`));
    step2.forEach((g, i) => expectSame(g.values(), step2Values[i], `step-2 gradient ${i} after the third backward`));

    // Draining the pool hands out none of the kept gradient arrays.
    const kept = new Set<unknown>([...step1, ...step2, ...leaves.map((l) => l.grad!)].map((g) => g.data));
    for (const n of [16384, 32768, 65536, 2 * 64 * 512, 2 * 16 * 512]) {
      for (let k = 0; k < 64 && pooledBytes() > 0; k++) {
        const before = pooledBytes();
        const a = T.zeros([n]).data;
        expect(kept.has(a), `array of ${n} handed out again`).toBe(false);
        if (pooledBytes() === before) break;
      }
    }
  });

  it('tensors the user holds (a hand-made activation and the model output) keep their values through later steps', () => {
    const rng = new T.Rng(12);
    const w = T.randn([16, 16, 3], { rng, std: 0.3, requiresGrad: true });
    const seq = trunk(3);
    const opt = new T.SGD([w, ...seq.parameters()], { lr: 0.01 });
    const step = () => {
      const x = T.randn(SHAPE, { rng });
      opt.zeroGrad();
      const h = T.relu(T.conv1d(x, w, null, { padding: 'same' }));
      const out = seq.call(h);
      T.backward(T.add(T.sum(T.square(out)), T.sum(h)));
      opt.step();
      return { h, out };
    };
    const first = step();
    const hValues = snap(first.h), outValues = snap(first.out);
    expect(pooledBytes()).toBeGreaterThan(0);
    for (let k = 0; k < 3; k++) {
      const later = step();
      expect(later.h.data).not.toBe(first.h.data);
      expect(later.out.data).not.toBe(first.out.data);
      expectSame(first.h.values(), hValues, `held activation after step ${k + 2}`);
      expectSame(first.out.values(), outValues, `held model output after step ${k + 2}`);
    }
  });

  for (const endsWithRelu of [false, true]) {
    it(`the output of a Sequential is never recycled (last layer ${endsWithRelu ? 'a fused Conv → ReLU' : 'a Conv1d'})`, () => {
      const m = trunk(4, endsWithRelu);
      const opt = new T.SGD(m.parameters(), { lr: 0.01 });
      const rng = new T.Rng(6);
      const out = trainStep(m, opt, rng);
      const values = snap(out);
      for (let k = 0; k < 3; k++) trainStep(m, opt, rng);
      expectSame(out.values(), values, 'held Sequential output');
    });
  }

  it('a module that keeps its input: the activation it stored is not recycled', () => {
    class Keeper extends T.Module {
      last: T.Tensor | null = null;
      forward(x: T.Tensor): T.Tensor {
        this.last = x;
        return x; // even returns the very same tensor
      }
    }
    const rng = new T.Rng(7);
    const keeper = new Keeper();
    const m = new T.Sequential(
      new T.Conv1d(16, 16, 3, { padding: 'same', rng }), new T.ReLU(), keeper,
      new T.Conv1d(16, 16, 3, { padding: 'same', rng }), new T.ReLU(), new T.Conv1d(16, 16, 3, { padding: 'same', rng }),
    );
    const opt = new T.SGD(m.parameters(), { lr: 0.01 });
    const data = new T.Rng(8);
    trainStep(m, opt, data);
    const kept = keeper.last!;
    const values = snap(kept);
    for (let k = 0; k < 3; k++) trainStep(m, opt, data);
    expect(keeper.last).not.toBe(kept);
    expectSame(kept.values(), values, 'the activation the module kept');
  });

  it('a ReLU instance with its own forward that keeps its input: not recycled either', () => {
    const rng = new T.Rng(9);
    let seen: T.Tensor | null = null;
    const spy = new T.ReLU();
    spy.forward = (x: T.Tensor) => {
      seen = x;
      return T.relu(x);
    };
    const m = new T.Sequential(new T.Conv1d(16, 16, 3, { padding: 'same', rng }), spy, new T.Conv1d(16, 16, 3, { padding: 'same', rng }), new T.ReLU(), new T.Conv1d(16, 16, 3, { rng }));
    const opt = new T.SGD(m.parameters(), { lr: 0.01 });
    const data = new T.Rng(10);
    trainStep(m, opt, data);
    const kept = seen!;
    const values = snap(kept);
    for (let k = 0; k < 3; k++) trainStep(m, opt, data);
    expectSame(kept.values(), values, 'the conv output the ReLU kept');
  });

  it('retainGraph: a second backward through the same graph adds the same gradient again (no activation recycled in between)', () => {
    const grads = (pooling: boolean) => {
      setBufferPooling(pooling);
      clearBufferPool();
      const m = model(13);
      const x = T.randn(SHAPE, { rng: new T.Rng(14) });
      const loss = T.sum(T.square(m.call(x)));
      T.backward(loss, undefined, { retainGraph: true });
      const g1 = m.parameters().map((p) => snap(p.grad!));
      // Allocations of the activations' size in between would reuse anything wrongly recycled.
      const noise = [T.randn(SHAPE, { rng: new T.Rng(15) }), T.randn(SHAPE, { rng: new T.Rng(16) }), T.full(SHAPE, 7)];
      T.backward(loss, undefined, { retainGraph: true });
      const g2 = m.parameters().map((p) => snap(p.grad!));
      noise.push(T.full(SHAPE, -3), T.full(SHAPE, 1e6));
      T.backward(loss);
      const g3 = m.parameters().map((p) => snap(p.grad!));
      expect(() => T.backward(loss)).toThrow(/freed by an earlier backward/);
      expect(noise.length).toBe(5);
      return { g1, g2, g3 };
    };
    const on = grads(true);
    const off = grads(false);
    on.g1.forEach((g, i) => {
      expectSame(g, off.g1[i], `first gradient ${i}: pooling on = off`);
      expectSame(on.g2[i], g.map((v) => Math.fround(2 * v)), `second backward adds the same gradient ${i}`);
      expectSame(on.g3[i], g.map((v) => Math.fround(3 * v)), `third backward adds it once more ${i}`);
    });
  });

  it('a custom op whose backward throws: backward throws, nothing is recycled, and later steps are right', () => {
    const boom = T.customOp({
      name: 'boom',
      forward: (t) => T.mul(t, 2),
      backward: () => {
        throw new Error('boom: no gradient today');
      },
    });
    const run = (pooling: boolean) => {
      setBufferPooling(pooling);
      clearBufferPool();
      const first = trunk(20), second = trunk(21);
      const all = [...first.parameters(), ...second.parameters()];
      const opt = new T.SGD(all, { lr: 0.01, momentum: 0.5 });
      const rng = new T.Rng(22);
      const loss = (x: T.Tensor, withBoom: boolean) => {
        const h = first.call(x);
        return { h, loss: T.sum(T.square(second.call(withBoom ? boom(h) : h))) };
      };
      // A normal step fills the pool, then a backward that fails half-way through.
      opt.zeroGrad();
      T.backward(loss(T.randn(SHAPE, { rng }), false).loss);
      opt.step();
      opt.zeroGrad();
      const failed = loss(T.randn(SHAPE, { rng }), true);
      const held = snap(failed.h);
      const pooledBefore = pooledBytes();
      expect(() => T.backward(failed.loss)).toThrow(/boom: no gradient today/);
      expect(pooledBytes()).toBeLessThanOrEqual(pooledBefore);
      // Three normal steps after it.
      for (let k = 0; k < 3; k++) {
        opt.zeroGrad();
        T.backward(loss(T.randn(SHAPE, { rng }), false).loss);
        opt.step();
      }
      expectSame(failed.h.values(), held, 'the activation of the failed step');
      return { params: all.map(snap), pooled: pooledBytes() };
    };
    const on = run(true);
    const off = run(false);
    on.params.forEach((p, i) => expectSame(p, off.params[i], `parameter ${i} after the failed backward and three steps`));
    expect(on.pooled).toBeGreaterThan(0);
  });
});

describe('buffer pool: switches', () => {
  it('clearBufferPool empties it; setBufferPooling(false) empties it and keeps it empty; true brings it back; results unchanged', () => {
    const m = model(30);
    const opt = new T.SGD(m.parameters(), { lr: 0.01 });
    const rng = new T.Rng(31);
    trainStep(m, opt, rng);
    expect(pooledBytes()).toBeGreaterThan(0);
    clearBufferPool();
    expect(pooledBytes()).toBe(0);
    trainStep(m, opt, rng);
    expect(pooledBytes()).toBeGreaterThan(0);
    setBufferPooling(false);
    expect(pooledBytes()).toBe(0);
    trainStep(m, opt, rng);
    expect(pooledBytes()).toBe(0);
    setBufferPooling(true);
    trainStep(m, opt, rng);
    expect(pooledBytes()).toBeGreaterThan(0);
    const withSwitches = params(m);

    setBufferPooling(false);
    const ref = model(30);
    const refOpt = new T.SGD(ref.parameters(), { lr: 0.01 });
    const refRng = new T.Rng(31);
    for (let k = 0; k < 4; k++) trainStep(ref, refOpt, refRng);
    params(ref).forEach((p, i) => expectSame(withSwitches[i], p, `parameter ${i}`));
  });

  it('the pool works the same under the wasm backend and with fusion off', () => {
    expect(T.registerWasmBackend()).toBe(true);
    const run = (pooling: boolean, fusion: boolean) => {
      setBufferPooling(pooling);
      clearBufferPool();
      T.setLayerFusion(fusion);
      T.setBackend('wasm');
      const m = model(40);
      const opt = new T.SGD(m.parameters(), { lr: 0.05 });
      const rng = new T.Rng(41);
      for (let k = 0; k < 3; k++) trainStep(m, opt, rng);
      return { params: params(m), pooled: pooledBytes() };
    };
    const ref = run(false, true);
    for (const fusion of [true, false]) {
      const got = run(true, fusion);
      expect(got.pooled).toBeGreaterThan(0);
      got.params.forEach((p, i) => expectSame(p, ref.params[i], `wasm, fusion ${fusion}: parameter ${i}`));
    }
  });

  it('a backward inside a custom backward (activation checkpointing) never frees one array twice', () => {
    clearBufferPool();
    const rng = new T.Rng(1);
    const block = new T.Sequential(new T.Conv1d(16, 16, 3, { padding: 'same', rng }), new T.ReLU(), new T.Conv1d(16, 16, 3, { padding: 'same', rng }));
    const checkpointed = T.customOp({
      name: 'checkpoint',
      forward: (x) => block.call(x),
      backward: (g, { inputs }) => {
        const xi = new T.Tensor(inputs[0].toTypedArray(), [...inputs[0].shape]);
        xi.requiresGrad = true;
        T.backward(T.enableGrad(() => block.call(xi)), g);
        return [xi.grad];
      },
    });
    const x = T.randn([2, 16, 1024], { rng, requiresGrad: true });
    T.backward(T.sum(T.square(checkpointed(x))));
    // Every pooled array is handed out once: eight live tensors of that length keep eight values.
    const ts = Array.from({ length: 8 }, (_, i) => T.full([32768], i + 1));
    expect(ts.map((t) => t.data[0])).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(new Set(ts.map((t) => t.data)).size).toBe(8);
  });
});
