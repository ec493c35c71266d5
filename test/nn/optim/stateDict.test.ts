/** Optimiser state dicts: resuming gives the uninterrupted result, the checkpoint split round-trips, bad dicts are refused. */

import { describe, expect, it } from 'vitest';
import * as T from '../../../src/index.js';
import {
  Adam,
  AdamW,
  SGD,
  optimizerStateFromTensors,
  optimizerStateToTensors,
  type Optimizer,
  type OptimizerStateDict,
} from '../../../src/nn/optim/index.js';

type Make = (params: T.Tensor[][]) => Optimizer;

/** Two groups: a float32 matrix and a float64 vector, plus a parameter that never gets a gradient. */
function model(): T.Tensor[][] {
  const w = T.tensor([[0.5, -1], [2, 0.25], [1, 1]], { dtype: 'float32', requiresGrad: true });
  const b = T.tensor([0.1, -0.2], { dtype: 'float64', requiresGrad: true });
  const frozen = T.tensor([7], { requiresGrad: true });
  return [[w, frozen], [b]];
}

/** Loss Σ sin(w)·t + Σ b², so that gradients depend on the current parameters. */
function trainStep(opt: Optimizer, [[w], [b]]: T.Tensor[][], t: number): void {
  opt.zeroGrad();
  const loss = T.add(T.sum(T.mul(T.sin(w), t)), T.sum(T.mul(b, b)));
  T.backward(loss);
  opt.step();
}

function values(params: T.Tensor[][]): number[][] {
  return params.flat().map((p) => p.toFlatArray());
}

const makers: [string, Make][] = [
  ['SGD momentum+Nesterov', ([a, b]) => new SGD([{ params: a, lr: 0.1 }, { params: b }], { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 0.01 })],
  ['Adam amsgrad', ([a, b]) => new Adam([{ params: a }, { params: b, lr: 0.02 }], { lr: 0.1, amsgrad: true, weightDecay: 0.1 })],
  ['AdamW', ([a, b]) => new AdamW([{ params: a }, { params: b }], { lr: 0.1 })],
];

describe.each(makers)('%s state dict', (_name, make) => {
  it('resuming from a state dict continues exactly as uninterrupted training', () => {
    const ref = model();
    const refOpt = make(ref);
    for (let t = 1; t <= 3; t++) trainStep(refOpt, ref, t);
    const sd = refOpt.stateDict();
    const saved = values(ref);
    for (let t = 4; t <= 6; t++) trainStep(refOpt, ref, t);

    const resumed = model();
    resumed.flat().forEach((p, i) => (p.data as Float32Array | Float64Array).set(saved[i]));
    const opt = make(resumed);
    opt.loadStateDict(sd);
    for (let t = 4; t <= 6; t++) trainStep(opt, resumed, t);
    expect(values(resumed)).toEqual(values(ref));
  });

  it('survives the split into checkpoint tensors + JSON metadata', () => {
    const ref = model();
    const refOpt = make(ref);
    for (let t = 1; t <= 2; t++) trainStep(refOpt, ref, t);
    const { tensors, metadata } = optimizerStateToTensors(refOpt.stateDict());
    // Metadata is plain JSON; tensors are named by parameter id and buffer, shaped like the parameter.
    expect(JSON.parse(metadata).state['0'].shape).toEqual([3, 2]);
    for (const [name, t] of Object.entries(tensors)) {
      expect(name).toMatch(/^optimizer\.(0|2)\.(momentumBuffer|expAvg|expAvgSq|maxExpAvgSq)$/);
      expect(t.data.length).toBe(t.shape.reduce((a, b) => a * b, 1));
    }
    const copies = Object.fromEntries(Object.entries(tensors).map(([k, t]) => [k, { data: t.data.slice() }]));
    const saved = values(ref);
    for (let t = 3; t <= 4; t++) trainStep(refOpt, ref, t);

    const resumed = model();
    resumed.flat().forEach((p, i) => (p.data as Float32Array | Float64Array).set(saved[i]));
    const opt = make(resumed);
    opt.loadStateDict(optimizerStateFromTensors(copies, metadata));
    for (let t = 3; t <= 4; t++) trainStep(opt, resumed, t);
    expect(values(resumed)).toEqual(values(ref));
  });
});

describe('optimizer state dict layout', () => {
  it('records groups with hyper-parameters and state only for updated parameters', () => {
    const params = model();
    const opt = new Adam([{ params: params[0], name: 'body' }, { params: params[1] }], { lr: 0.1 });
    trainStep(opt, params, 1);
    const sd = opt.stateDict();
    expect(sd.format).toBe('tsdnas.optimizer/1');
    expect(sd.optimizer).toBe('Adam');
    expect(sd.groups).toEqual([
      { params: [0, 1], name: 'body', lr: 0.1, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false },
      { params: [2], lr: 0.1, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false },
    ]);
    expect(Object.keys(sd.state)).toEqual(['0', '2']);
    expect(sd.state['0'].step).toBe(1);
    expect(sd.state['0'].shape).toEqual([3, 2]);
    expect(sd.state['0'].buffers.expAvg).toBeInstanceOf(Float32Array);
    expect(sd.state['2'].buffers.expAvg).toBeInstanceOf(Float64Array);
  });

  it('is a snapshot: later steps do not change it', () => {
    const params = model();
    const opt = new SGD(params.flat(), { momentum: 0.9 });
    trainStep(opt, params, 1);
    const sd = opt.stateDict();
    const before = Array.from(sd.state['0'].buffers.momentumBuffer);
    trainStep(opt, params, 2);
    expect(Array.from(sd.state['0'].buffers.momentumBuffer)).toEqual(before);
  });

  it('restores hyper-parameters such as lr', () => {
    const params = model();
    const opt = new SGD(params.flat(), { lr: 0.1 });
    const sd = opt.stateDict();
    opt.paramGroups[0].lr = 0.001;
    opt.loadStateDict(sd);
    expect(opt.paramGroups[0].lr).toBe(0.1);
  });
});

describe('loadStateDict validation', () => {
  function trained(): { sd: OptimizerStateDict; opt: Adam; params: T.Tensor[][] } {
    const params = model();
    const opt = new Adam([{ params: params[0] }, { params: params[1] }]);
    trainStep(opt, params, 1);
    return { sd: opt.stateDict(), opt, params };
  }

  it('refuses a state dict from another optimizer class', () => {
    const { sd } = trained();
    expect(() => new SGD(model().flat()).loadStateDict(sd)).toThrow("SGD.loadStateDict: the state dict was saved by optimizer \"Adam\", it cannot be loaded into SGD");
    expect(() => new AdamW([{ params: model()[0] }, { params: model()[1] }]).loadStateDict(sd)).toThrow(/saved by optimizer "Adam", it cannot be loaded into AdamW/);
  });

  it('refuses different group or parameter counts', () => {
    const { sd } = trained();
    expect(() => new Adam(model().flat()).loadStateDict(sd)).toThrow('Adam.loadStateDict: the state dict has 2 param groups but this optimizer has 1');
    const [a, b] = model();
    expect(() => new Adam([{ params: [a[0]] }, { params: b }]).loadStateDict(sd)).toThrow(
      'Adam.loadStateDict: param group 0: the state dict has 2 parameters but this optimizer has 1',
    );
  });

  it('refuses a parameter of another shape, naming it', () => {
    const { sd } = trained();
    const w = T.tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'float32', requiresGrad: true });
    w.name = 'fc.weight';
    const opt = new Adam([{ params: [w, T.tensor([0], { requiresGrad: true })] }, { params: [T.tensor([0, 0], { requiresGrad: true })] }]);
    expect(() => opt.loadStateDict(sd)).toThrow("Adam.loadStateDict: state of parameter 0 ('fc.weight') has shape [3, 2] but the parameter has shape [2, 3]");
  });

  it('refuses bad buffers, steps, hyper-parameters and formats, changing nothing', () => {
    const { sd, opt, params } = trained();
    const before = JSON.stringify(optimizerStateToTensors(opt.stateDict()));
    const edit = (f: (c: OptimizerStateDict) => void): OptimizerStateDict => {
      const c = structuredClone(sd);
      f(c);
      return c;
    };
    const bad: [OptimizerStateDict, string | RegExp][] = [
      [edit((c) => (c.state['0'].buffers.expAvg = new Float32Array(5))), "Adam.loadStateDict: state of parameter 0 (shape [3, 2]): buffer 'expAvg' has 5 values but the parameter has 6"],
      [edit((c) => (c.state['0'].buffers.momentum = new Float32Array(6))), "Adam.loadStateDict: state of parameter 0 (shape [3, 2]) has unknown buffer 'momentum' (Adam keeps: expAvg, expAvgSq, maxExpAvgSq)"],
      [edit((c) => (c.state['0'].step = -1)), 'Adam.loadStateDict: state of parameter 0 (shape [3, 2]): step must be an integer ≥ 0, got -1'],
      [edit((c) => (c.groups[1].lr = -0.5)), 'Adam.loadStateDict: param group 1: lr must be a finite number ≥ 0, got -0.5'],
      [edit((c) => delete c.groups[0].eps), "Adam.loadStateDict: param group 0: option 'eps' is missing"],
      [edit((c) => (c.state['9'] = c.state['0'])), "Adam.loadStateDict: state entry '9' is not the id of any parameter in the state dict's groups"],
      [edit((c) => ((c as { format: string }).format = 'v0')), "Adam.loadStateDict: format must be 'tsdnas.optimizer/1', got \"v0\""],
    ];
    for (const [sdBad, message] of bad) expect(() => opt.loadStateDict(sdBad)).toThrow(message);
    expect(JSON.stringify(optimizerStateToTensors(opt.stateDict()))).toBe(before);
    expect(params[0][0].grad).not.toBeNull();
  });

  it('optimizerStateFromTensors reports missing and unlisted tensors', () => {
    const { sd } = trained();
    const { tensors, metadata } = optimizerStateToTensors(sd, 'opt');
    const missing = { ...tensors };
    delete missing['opt.2.expAvgSq'];
    expect(() => optimizerStateFromTensors(missing, metadata, 'opt')).toThrow("optimizerStateFromTensors: tensor 'opt.2.expAvgSq' is missing");
    const extra = { ...tensors, 'opt.5.expAvg': { data: new Float32Array(1) }, 'model.weight': { data: new Float32Array(1) } };
    expect(() => optimizerStateFromTensors(extra, metadata, 'opt')).toThrow("optimizerStateFromTensors: tensor 'opt.5.expAvg' is not listed in the metadata's state");
    expect(() => optimizerStateFromTensors(tensors, '{', 'opt')).toThrow(/metadata is not valid JSON/);
  });
});
