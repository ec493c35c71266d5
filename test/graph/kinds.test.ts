/**
 * The graph layer's module-kind registry and parameter roles: searchable classes are known by the
 * kind they carry (only their own file imported: no registration order), a user's kind can be
 * registered, roles come from registration and survive re-registration and structural clones.
 */

import { describe, expect, it } from 'vitest';
import { Module, parameterRole, parametersByRole } from '../../src/nn/module.js';
import { Conv1d, Conv2d } from '../../src/nn/layers/conv.js';
import { Linear } from '../../src/nn/layers/linear.js';
import { BatchNorm1d } from '../../src/nn/layers/batchnorm.js';
import { ReLU } from '../../src/nn/layers/simple.js';
import { Sequential } from '../../src/nn/layers/containers.js';
import { ones } from '../../src/tensor/create.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { mul } from '../../src/autograd/ops/elementwise.js';
import { geometryOf, isLayerModule, isSearchableKind, isSearchOnly, kindOf, registerModuleKind, searchedParameters } from '../../src/graph/kinds.js';
import { traceModel } from '../../src/graph/trace.js';
import { analyseGroups } from '../../src/graph/groups.js';
import { PitConv1d } from '../../src/nas/pit/pitConv.js';
import { MpsLayer } from '../../src/quant/mps/mpsLayer.js';
import { MixedWeightQuant } from '../../src/quant/mps/mixedWeight.js';
import { Rng } from '../../src/tensor/rng.js';

describe('module kinds', () => {
  it('plain layers are known to the graph layer, with their geometry', () => {
    expect(geometryOf(new Conv1d(3, 8, 5, { stride: 2, dilation: 1, padding: 'causal', bias: false }))).toEqual({
      kind: 'conv1d', inChannels: 3, outChannels: 8, kernel: [5], stride: [2], dilation: [1], padding: 'causal', groups: 1, bias: false,
    });
    expect(geometryOf(new Conv2d(4, 4, 3, { groups: 4 }))?.kernel).toEqual([3, 3]);
    expect(geometryOf(new Linear(10, 2))).toMatchObject({ kind: 'linear', inChannels: 10, outChannels: 2, groups: 1, bias: true });
    expect(geometryOf(new BatchNorm1d(4))).toBeNull();
    expect(kindOf(new ReLU())?.passChannels?.(new ReLU(), 3)).toEqual({ needsMask: false, flatten: false });
  });

  it("a searchable class is known by the kind it carries (only its own file imported), with its searched parameters", () => {
    const conv = new PitConv1d(new Conv1d(2, 4, 3));
    const k = kindOf(conv);
    expect(k?.name).toBe('PitConv1d');
    expect(isSearchableKind(k) && k.method).toBe('pit');
    expect(geometryOf(conv)?.outChannels).toBe(4);
    const searched = searchedParameters(conv, 'mask');
    expect(searched.length).toBe(3); // α, β, γ
    expect(searched.every((t) => parameterRole(t) === 'mask')).toBe(true);
    expect(isSearchOnly(conv.timeMask as Module)).toBe(true);

    const state = { temperature: 1, mode: 'softmax' as const, rng: new Rng(1) };
    const lin = new Linear(6, 3);
    const mpsLayer = new MpsLayer(lin, new MixedWeightQuant([2, 4, 8], 3, state));
    expect(kindOf(mpsLayer)?.name).toBe('MpsLayer');
    expect(geometryOf(mpsLayer)).toEqual(geometryOf(lin));
    expect(searchedParameters(mpsLayer, 'precision')).toEqual([mpsLayer.wq.selector.logits]);
    expect(searchedParameters(mpsLayer, 'mask')).toEqual([]);
  });

  it('a registered kind makes a custom module a layer of the graph', () => {
    class Swish extends Module {
      forward(x: Tensor): Tensor {
        return mul(x, x);
      }
    }
    const model = new Sequential(new Conv1d(1, 4, 3), new Swish(), new Conv1d(4, 4, 3), new ReLU(), new Conv1d(4, 2, 1));
    const before = analyseGroups(traceModel(model, [1, 16]), { excluded: () => false, channels: true });
    expect(before.report.some((r) => r.includes('Swish'))).toBe(true);
    registerModuleKind({ name: 'Swish', matches: (m) => m instanceof Swish, passChannels: () => ({ needsMask: false, flatten: false }) });
    expect(isLayerModule(new Swish())).toBe(true);
    const after = analyseGroups(traceModel(model, [1, 16]), { excluded: () => false, channels: true });
    expect(after.report).toEqual([]);
  });
});

describe('parameter roles', () => {
  it("default to 'weight', are set where registered, and stay with the tensor when re-registered", () => {
    const conv = new Conv1d(2, 4, 3);
    expect(parameterRole(conv.weight)).toBe('weight');
    const pc = new PitConv1d(conv);
    expect(parametersByRole(pc, 'weight')).toEqual([conv.weight, conv.bias]);
    expect(parametersByRole(pc, 'mask').length).toBe(3);
    expect(parameterRole(ones([2]))).toBe('weight');
  });

  it('cloneWithChildren copies own state with its roles and points fields at the new children', () => {
    class Gate extends Module {
      readonly g: Tensor;
      readonly inner: Module;
      constructor(inner: Module) {
        super();
        this.g = this.registerParameter('g', ones([1]), 'mask');
        this.inner = this.registerModule('inner', inner);
      }
      forward(x: Tensor): Tensor {
        return mul(this.inner.call(x), this.g);
      }
    }
    const a = new Gate(new ReLU());
    const next = new ReLU();
    const b = a.cloneWithChildren(new Map([['inner', next]]));
    expect(b).toBeInstanceOf(Gate);
    expect(b.inner).toBe(next);
    expect(b.g).not.toBe(a.g);
    expect(parameterRole(b.g)).toBe('mask');
    expect(b.parameters()).toEqual([b.g]);
    expect(a.children()[0][1]).not.toBe(next);
    expect(() => a.cloneWithChildren(new Map())).toThrow(/no replacement for child 'inner'/);
  });
});
