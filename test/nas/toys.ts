/** Small models for the PIT tests: ToyAdd (docs/design.md#reference-values), concat, multi-branch, unknown op. */

import * as T from '../../src/index.js';

const { Module, Conv1d, Conv2d, Linear, MaxPool1d, Flatten, BatchNorm1d, BatchNorm2d, ReLU, GlobalAvgPool, Sigmoid } = T;
type Tensor = T.Tensor;

/** input 3×15; conv0, conv1 = Conv1d(3→10, k3, same), added; MaxPool(2); conv2 = Conv1d(10→20, k5, same); flatten; Linear(140→2). */
export class ToyAdd extends Module {
  conv0: T.Module;
  conv1: T.Module;
  pool: T.Module;
  conv2: T.Module;
  flat: T.Module;
  fc: T.Module;
  constructor(rng = new T.Rng(1)) {
    super();
    this.conv0 = this.registerModule('conv0', new Conv1d(3, 10, 3, { padding: 'same', rng }));
    this.conv1 = this.registerModule('conv1', new Conv1d(3, 10, 3, { padding: 'same', rng }));
    this.pool = this.registerModule('pool', new MaxPool1d({ kernel: 2 }));
    this.conv2 = this.registerModule('conv2', new Conv1d(10, 20, 5, { padding: 'same', rng }));
    this.flat = this.registerModule('flat', new Flatten());
    this.fc = this.registerModule('fc', new Linear(140, 2, { rng }));
  }
  forward(x: Tensor): Tensor {
    const y = T.add(this.conv0.call(x), this.conv1.call(x));
    return this.fc.call(this.flat.call(this.conv2.call(this.pool.call(y))));
  }
}

/** Two causal conv branches (+BN) concatenated on channels, BN + ReLU, conv, global pool, linear. */
export class ToyConcat extends Module {
  a: T.Module;
  b: T.Module;
  bn: T.Module;
  act: T.Module;
  c: T.Module;
  gap: T.Module;
  fc: T.Module;
  constructor(rng = new T.Rng(2)) {
    super();
    this.a = this.registerModule('a', new T.Sequential(new Conv1d(2, 6, 3, { padding: 'causal', rng }), new BatchNorm1d(6), new ReLU()));
    this.b = this.registerModule('b', new T.Sequential(new Conv1d(2, 4, 5, { padding: 'causal', rng }), new BatchNorm1d(4)));
    this.bn = this.registerModule('bn', new BatchNorm1d(10));
    this.act = this.registerModule('act', new Sigmoid());
    this.c = this.registerModule('c', new Conv1d(10, 8, 3, { padding: 'causal', rng }));
    this.gap = this.registerModule('gap', new GlobalAvgPool());
    this.fc = this.registerModule('fc', new Linear(8, 3, { rng }));
  }
  forward(x: Tensor): Tensor {
    const y = T.concat([this.a.call(x), this.b.call(x)], 1);
    return this.fc.call(this.gap.call(this.c.call(this.act.call(this.bn.call(y)))));
  }
}

/** Multi-branch 2-D: stem, then a depthwise branch and a 1×1 branch added, BN, pool, linear; weight-shared conv called twice. */
export class ToyBranches extends Module {
  stem: T.Module;
  dw: T.Module;
  pw: T.Module;
  shared: T.Module;
  bn: T.Module;
  gap: T.Module;
  fc: T.Module;
  constructor(rng = new T.Rng(3)) {
    super();
    this.stem = this.registerModule('stem', new T.Sequential(new Conv2d(3, 8, 3, { padding: 1, rng }), new BatchNorm2d(8), new ReLU()));
    this.dw = this.registerModule('dw', new T.Sequential(new Conv2d(8, 8, 3, { padding: 1, groups: 8, rng }), new BatchNorm2d(8)));
    this.pw = this.registerModule('pw', new Conv2d(8, 8, 1, { rng }));
    this.shared = this.registerModule('shared', new Conv2d(8, 6, 3, { padding: 1, rng }));
    this.bn = this.registerModule('bn', new BatchNorm2d(6));
    this.gap = this.registerModule('gap', new GlobalAvgPool());
    this.fc = this.registerModule('fc', new Linear(6, 4, { rng }));
  }
  forward(x: Tensor): Tensor {
    const s = this.stem.call(x);
    const y = T.relu(T.add(this.dw.call(s), this.pw.call(s)));
    const z = T.add(this.shared.call(y), this.shared.call(T.relu(y)));
    return this.fc.call(this.gap.call(this.bn.call(z)));
  }
}

/** A module PIT does not know (f(0) ≠ 0 and channel-mixing) between two convs. */
export class Swish extends Module {
  forward(x: Tensor): Tensor {
    return T.mul(x, T.sigmoid(T.add(x, 1)));
  }
}
export class ToyUnknown extends Module {
  c1: T.Module;
  odd: T.Module;
  c2: T.Module;
  c3: T.Module;
  fc: T.Module;
  constructor(rng = new T.Rng(4)) {
    super();
    this.c1 = this.registerModule('c1', new Conv1d(2, 6, 3, { padding: 'causal', rng }));
    this.odd = this.registerModule('odd', new Swish());
    this.c2 = this.registerModule('c2', new Conv1d(6, 6, 3, { padding: 'causal', rng }));
    this.c3 = this.registerModule('c3', new Conv1d(6, 4, 3, { padding: 'causal', rng }));
    this.fc = this.registerModule('fc', new Linear(4 * 8, 2, { rng }));
  }
  forward(x: Tensor): Tensor {
    const y = this.c3.call(T.relu(this.c2.call(this.odd.call(this.c1.call(x)))));
    return this.fc.call(T.flatten(y, 1));
  }
}
