/** Module tree: parameter paths, train/eval, state dicts, child replacement, scope tagging. */

import { describe, it, expect } from 'vitest';
import * as T from '../../src/index.js';
import { Linear } from '../../src/nn/layers/linear.js';
import { Conv1d } from '../../src/nn/layers/conv.js';
import { BatchNorm1d } from '../../src/nn/layers/batchnorm.js';
import { Dropout, Flatten, GlobalAvgPool, Identity, ReLU } from '../../src/nn/layers/simple.js';
import { Residual, Sequential } from '../../src/nn/layers/containers.js';
import type { Module } from '../../src/nn/module.js';
import { weightsOf } from './helpers.js';

/** Sequential[ Residual(body = Seq[Conv, BN, ReLU, Conv], shortcut = Conv 1×1, post = ReLU), GAP, Linear ]. */
function net(seed: number): Sequential {
  const r = new T.Rng(seed);
  return new Sequential(
    new Residual(
      new Sequential(new Conv1d(2, 4, 3, { padding: 'same', rng: r }), new BatchNorm1d(4), new ReLU(), new Conv1d(4, 4, 3, { padding: 'same', bias: false, rng: r })),
      new Conv1d(2, 4, 1, { rng: r }),
      new ReLU(),
    ),
    new GlobalAvgPool(),
    new Linear(4, 3, { rng: r }),
  );
}

const input = () => T.randn([3, 2, 6], { rng: new T.Rng(99) });
const evalOut = (m: Module) => T.noGrad(() => m.eval().call(input())).toFlatArray();

describe('Module', () => {
  it('namedParameters and namedBuffers use dotted paths through containers', () => {
    const m = net(1);
    expect(m.namedParameters().map(([k]) => k)).toEqual([
      '0.body.0.weight', '0.body.0.bias', '0.body.1.weight', '0.body.1.bias', '0.body.3.weight',
      '0.shortcut.weight', '0.shortcut.bias', '2.weight', '2.bias',
    ]);
    expect(m.namedBuffers().map(([k]) => k)).toEqual(['0.body.1.running_mean', '0.body.1.running_var']);
    expect(m.namedModules().map(([k]) => k)).toEqual(['', '0', '0.body', '0.body.0', '0.body.1', '0.body.2', '0.body.3', '0.shortcut', '0.post', '1', '2']);
    expect(m.numParameters()).toBe(2 * 4 * 3 + 4 + 4 + 4 + 4 * 4 * 3 + 2 * 4 + 4 + 4 * 3 + 3);
    for (const [, p] of m.namedParameters()) expect(p.requiresGrad).toBe(true);
    for (const [, b] of m.namedBuffers()) expect(b.requiresGrad).toBe(false);
    expect([...m.stateDict().keys()]).toEqual([...m.namedParameters(), ...m.namedBuffers()].map(([k]) => k));
  });

  it('a module shared by two parents is trained once: parameters() has no duplicates', () => {
    const shared = new Linear(3, 3, { rng: new T.Rng(2) });
    const m = new Sequential(shared, new ReLU(), shared);
    expect(m.namedParameters().map(([k]) => k)).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    expect(m.parameters()).toHaveLength(2);
    expect(m.numParameters()).toBe(12);
  });

  it('train() and eval() propagate to every descendant', () => {
    const m = net(1);
    const modes = () => m.namedModules().map(([, c]) => c.training);
    expect(modes().every((t) => t)).toBe(true);
    expect(m.eval()).toBe(m);
    expect(modes().every((t) => !t)).toBe(true);
    m.train();
    expect(modes().every((t) => t)).toBe(true);
    // A subtree only.
    const [, res] = m.children()[0];
    res.eval();
    for (const [path, c] of m.namedModules()) expect(c.training).toBe(!path.startsWith('0'));
  });

  it('eval mode uses running statistics and turns dropout off', () => {
    const m = new Sequential(new Linear(4, 4, { rng: new T.Rng(3) }), new BatchNorm1d(4), new Dropout(0.5, new T.Rng(4)));
    const x = T.randn([5, 4], { rng: new T.Rng(5) });
    m.eval();
    const a = T.noGrad(() => m.call(x)).toFlatArray();
    const b = T.noGrad(() => m.call(x)).toFlatArray();
    expect(a).toEqual(b);
    m.train();
    const c = T.noGrad(() => m.call(x)).toFlatArray();
    expect(c.filter((v) => v === 0).length).toBeGreaterThan(0);
  });

  it('stateDict / loadStateDict round trip gives identical outputs', () => {
    const a = net(1);
    const b = net(2);
    // Make the buffers non-trivial.
    T.noGrad(() => a.train().call(input()));
    expect(evalOut(a)).not.toEqual(evalOut(b));
    b.loadStateDict(a.stateDict());
    expect(weightsOf(b)).toEqual(weightsOf(a));
    expect(evalOut(b)).toEqual(evalOut(a));
    // The tensors are copied, not shared.
    const bw = b.stateDict().get('2.weight') as T.Tensor;
    bw.data[0] += 1;
    expect((a.stateDict().get('2.weight') as T.Tensor).data[0]).not.toBe(bw.data[0]);
  });

  it('loadStateDict with a wrong shape throws naming the key and both shapes, and changes nothing', () => {
    const a = net(1);
    const before = weightsOf(a);
    const state = new Map(net(2).stateDict());
    state.set('2.weight', T.zeros([3, 5]));
    expect(() => a.loadStateDict(state)).toThrow(/'2\.weight' has shape \[3, 5\] but the model expects \[3, 4\]/);
    expect(weightsOf(a)).toEqual(before);
  });

  it('loadStateDict with a missing or unexpected key throws naming it, and changes nothing', () => {
    const a = net(1);
    const before = weightsOf(a);
    const state = new Map(net(2).stateDict());
    state.delete('0.body.1.running_var');
    expect(() => a.loadStateDict(state)).toThrow(/missing '0\.body\.1\.running_var' \(expected shape \[4\]\)/);
    expect(weightsOf(a)).toEqual(before);
    state.set('0.body.1.running_var', T.ones([4]));
    state.set('extra.weight', T.ones([1]));
    expect(() => a.loadStateDict(state)).toThrow(/unexpected 'extra\.weight'/);
    expect(weightsOf(a)).toEqual(before);
    // Non-strict loads what is there and ignores the rest.
    state.delete('0.body.1.running_var');
    a.loadStateDict(state, { strict: false });
    expect(weightsOf(a).get('2.weight')).toEqual(weightsOf(net(2)).get('2.weight'));
    expect(weightsOf(a).get('0.body.1.running_var')).toEqual(before.get('0.body.1.running_var'));
  });

  it('replaceChild swaps a layer in place (paths, forward and parameters follow)', () => {
    const m = net(1);
    const res = m.children()[0][1] as Residual;
    const body = res.body as Sequential;
    const id = new Identity();
    body.replaceChild('3', id);
    // The container's own accessors follow the replacement.
    expect(body.layers[3]).toBe(id);
    expect(body.layers).toHaveLength(4);
    const oldShortcut = res.shortcut;
    const newShortcut = new Conv1d(2, 4, 1, { rng: new T.Rng(8) });
    res.replaceChild('shortcut', newShortcut);
    expect(res.shortcut).toBe(newShortcut);
    expect(res.shortcut).not.toBe(oldShortcut);
    expect(res.post?.describe()).toBe('ReLU');
    expect(m.namedParameters().map(([k]) => k)).not.toContain('0.body.3.weight');
    const lin = new Linear(4, 5, { rng: new T.Rng(7) });
    m.replaceChild('2', lin);
    expect(lin.localName).toBe('2');
    expect(m.namedParameters().map(([k]) => k)).toEqual(['0.body.0.weight', '0.body.0.bias', '0.body.1.weight', '0.body.1.bias', '0.shortcut.weight', '0.shortcut.bias', '2.weight', '2.bias']);
    expect(T.noGrad(() => m.call(input())).shape).toEqual([3, 5]);
    expect(() => m.replaceChild('7', new Identity())).toThrow(/replaceChild: Sequential\(3 layers\) has no child '7' \(children: 0, 1, 2\)/);
  });

  it('tags every recorded node with the module path that produced it', () => {
    const m = net(1);
    const out = m.call(input());
    expect(out.node?.scope).toBe('2');
    // Collect the scopes of the whole graph.
    const scopes = new Map<string, Set<string>>();
    const seen = new Set<number>();
    const stack: T.Tensor[] = [out];
    while (stack.length > 0) {
      const t = stack.pop() as T.Tensor;
      if (seen.has(t.id) || t.node === null) continue;
      seen.add(t.id);
      const set = scopes.get(t.node.scope) ?? new Set<string>();
      set.add(t.node.op);
      scopes.set(t.node.scope, set);
      stack.push(...t.node.inputs);
    }
    expect(scopes.get('0.body.0')?.has('conv')).toBe(true);
    expect(scopes.get('0.body.3')?.has('conv')).toBe(true);
    expect(scopes.get('0.shortcut')?.has('conv')).toBe(true);
    expect(scopes.has('0.body.1')).toBe(true);
    expect(scopes.has('0.post')).toBe(true);
    expect(scopes.has('0')).toBe(true); // the residual add
    expect(scopes.has('1')).toBe(true);
    expect(scopes.has('')).toBe(false);
    expect(T.currentScope()).toBe('');
  });

  it('the scope is restored after a layer throws', () => {
    const m = new Sequential(new Flatten(), new Linear(3, 2));
    expect(() => m.call(T.zeros([2, 4]))).toThrow(/Linear\(3→2\)/);
    expect(T.currentScope()).toBe('');
  });

  it('no graph is recorded under noGrad, and eval forward needs no grad', () => {
    const m = net(1);
    const y = T.noGrad(() => m.call(input()));
    expect(y.node).toBeNull();
    expect(y.requiresGrad).toBe(false);
  });
});
