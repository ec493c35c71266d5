/**
 * Bad input into every layer, and bad constructor arguments: each must throw an Error whose
 * message names the layer (as it describes itself) and the offending shape or value.
 */

import { describe, it, expect } from 'vitest';
import * as T from '../../src/index.js';
import { Linear } from '../../src/nn/layers/linear.js';
import { Conv1d, Conv2d } from '../../src/nn/layers/conv.js';
import { BatchNorm1d, BatchNorm2d } from '../../src/nn/layers/batchnorm.js';
import { AvgPool1d, AvgPool2d, ConstantPad1d, Dropout, Flatten, GlobalAvgPool, MaxPool1d, MaxPool2d } from '../../src/nn/layers/simple.js';
import { Residual, Sequential } from '../../src/nn/layers/containers.js';
import { crossEntropy, huberLoss, mseLoss, nllLoss } from '../../src/nn/losses.js';

const z = (...shape: number[]) => T.zeros(shape);

/** The error thrown by fn (fails the test when nothing is thrown). */
function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(Error);
    return e as Error;
  }
  throw new Error('expected an error, but nothing was thrown');
}

describe('bad input shapes name the layer and the shape', () => {
  const cases: [string, () => unknown, RegExp][] = [
    ['Linear, rank 1', () => new Linear(4, 2).call(z(4)), /Linear\(4→2\).*\[4\]$/],
    ['Linear, wrong features', () => new Linear(4, 2).call(z(2, 5)), /Linear\(4→2\).*\[N, \.\.\., 4\].*\[2, 5\]/],
    ['Linear, wrong features on [N,T,in]', () => new Linear(4, 2).call(z(2, 3, 5)), /Linear\(4→2\).*\[2, 3, 5\]/],
    ['Conv1d, rank 2', () => new Conv1d(3, 10, 3).call(z(2, 3)), /Conv1d\(3→10.*\[N, 3, L\].*\[2, 3\]/],
    ['Conv1d, wrong channels', () => new Conv1d(3, 10, 3).call(z(2, 4, 15)), /Conv1d\(3→10.*\[2, 4, 15\]/],
    ['Conv1d, input shorter than the kernel', () => new Conv1d(3, 10, 5).call(z(2, 3, 3)), /Conv1d\(3→10, k=5\).*kernel is larger.*\[2, 3, 3\]/],
    ['Conv1d, dilated kernel longer than the input', () => new Conv1d(2, 2, 3, { dilation: 4 }).call(z(1, 2, 8)), /Conv1d\(2→2, k=3, d=4\).*\[1, 2, 8\]/],
    ['Conv2d, rank 3', () => new Conv2d(3, 8, 3).call(z(2, 3, 5)), /Conv2d\(3→8.*\[N, 3, H, W\].*\[2, 3, 5\]/],
    ['Conv2d, wrong channels', () => new Conv2d(3, 8, 3).call(z(2, 1, 5, 5)), /Conv2d\(3→8.*\[2, 1, 5, 5\]/],
    ['Conv2d, image smaller than the kernel', () => new Conv2d(3, 8, 3).call(z(2, 3, 2, 5)), /Conv2d\(3→8.*kernel is larger.*\[2, 3, 2, 5\]/],
    ['BatchNorm1d, rank 4', () => new BatchNorm1d(4).call(z(2, 4, 3, 3)), /BatchNorm1d\(4\).*\[N, 4\] or \[N, 4, ·\].*\[2, 4, 3, 3\]/],
    ['BatchNorm1d, wrong channels', () => new BatchNorm1d(4).call(z(2, 5, 3)), /BatchNorm1d\(4\).*\[2, 5, 3\]/],
    ['BatchNorm1d, one value per channel in training', () => new BatchNorm1d(4).call(z(1, 4)), /BatchNorm1d\(4\).*more than one value.*\[1, 4\]/],
    ['BatchNorm2d, rank 3', () => new BatchNorm2d(4).call(z(2, 4, 3)), /BatchNorm2d\(4\).*\[2, 4, 3\]/],
    ['BatchNorm2d, wrong channels', () => new BatchNorm2d(4).call(z(2, 3, 3, 3)), /BatchNorm2d\(4\).*\[2, 3, 3, 3\]/],
    ['MaxPool1d, kernel longer than the input', () => new MaxPool1d({ kernel: 5 }).call(z(2, 3, 4)), /MaxPool1d\(k=5.*kernel 5.*length 4.*\[2, 3, 4\]/],
    ['MaxPool1d, rank 4', () => new MaxPool1d({ kernel: 2 }).call(z(2, 3, 4, 4)), /MaxPool1d\(k=2.*\[N, C, L\].*\[2, 3, 4, 4\]/],
    ['AvgPool1d, kernel longer than the input', () => new AvgPool1d({ kernel: 5 }).call(z(2, 3, 4)), /AvgPool1d\(k=5.*\[2, 3, 4\]/],
    ['MaxPool2d, kernel taller than the input', () => new MaxPool2d({ kernel: 3 }).call(z(2, 3, 2, 4)), /MaxPool2d\(k=3\).*height 2.*\[2, 3, 2, 4\]/],
    ['MaxPool2d, kernel wider than the input', () => new MaxPool2d({ kernel: [1, 5] }).call(z(2, 3, 2, 4)), /MaxPool2d\(k=\[1,5\]\).*width 4.*\[2, 3, 2, 4\]/],
    ['AvgPool2d, kernel 8 on 4×4', () => new AvgPool2d({ kernel: 8 }).call(z(2, 3, 4, 4)), /AvgPool2d\(k=8\).*\[2, 3, 4, 4\]/],
    ['AvgPool2d, rank 3', () => new AvgPool2d({ kernel: 2 }).call(z(2, 3, 4)), /AvgPool2d\(k=2\).*\[N, C, H, W\].*\[2, 3, 4\]/],
    ['GlobalAvgPool, rank 2', () => new GlobalAvgPool().call(z(2, 3)), /GlobalAvgPool.*\[2, 3\]/],
    ['Flatten, rank 1', () => new Flatten().call(z(3)), /Flatten\(start=1\).*\[3\]/],
    ['Flatten(2), rank 2', () => new Flatten(2).call(z(3, 4)), /Flatten\(start=2\).*\[3, 4\]/],
    ['ConstantPad1d, scalar', () => new ConstantPad1d(1, 1).call(T.scalar(1)), /ConstantPad1d\(1, 1\).*\[\]/],
  ];
  for (const [name, fn, re] of cases) {
    it(name, () => expect(errorOf(fn).message).toMatch(re));
  }

  it('pool layers accept an input exactly as long as the (padded) kernel', () => {
    expect(new MaxPool1d({ kernel: 4 }).call(z(1, 1, 4)).shape).toEqual([1, 1, 1]);
    expect(new MaxPool1d({ kernel: 4, padding: 1 }).call(z(1, 1, 2)).shape).toEqual([1, 1, 1]);
    expect(new AvgPool2d({ kernel: [2, 3] }).call(z(1, 1, 2, 3)).shape).toEqual([1, 1, 1, 1]);
    expect(new Flatten(-1).call(z(2, 3)).shape).toEqual([2, 3]);
  });

  it('an error deep inside a container still names the failing layer', () => {
    const net = new Sequential(new Conv1d(2, 4, 3), new Residual(new Sequential(new Conv1d(4, 4, 3, { padding: 'same' }))), new Flatten(), new Linear(16, 2));
    expect(errorOf(() => net.call(z(1, 2, 7))).message).toMatch(/Linear\(16→2\).*\[1, 20\]/);
    expect(errorOf(() => net.call(z(1, 3, 7))).message).toMatch(/Conv1d\(2→4, k=3\).*\[1, 3, 7\]/);
  });
});

describe('bad constructor arguments', () => {
  const cases: [string, () => unknown, RegExp][] = [
    ['Linear with 0 inputs', () => new Linear(0, 2), /Linear: inFeatures.*positive integer.*0/],
    ['Linear with 2.5 outputs', () => new Linear(3, 2.5), /Linear: outFeatures.*2\.5/],
    ['Conv1d with 0 input channels', () => new Conv1d(0, 2, 3), /Conv1d: inChannels.*0/],
    ['Conv1d with 0 output channels', () => new Conv1d(2, 0, 3), /Conv1d: outChannels.*0/],
    ['Conv1d with groups not dividing', () => new Conv1d(4, 6, 3, { groups: 4 }), /Conv1d: groups=4.*inChannels=4.*outChannels=6/],
    ['Conv1d with kernel 0', () => new Conv1d(4, 4, 0), /Conv1d: kernelSize.*0/],
    ['Conv1d with stride 0', () => new Conv1d(4, 4, 3, { stride: 0 }), /Conv1d: stride.*0/],
    ['Conv1d with dilation 1.5', () => new Conv1d(4, 4, 3, { dilation: 1.5 }), /Conv1d: dilation.*1\.5/],
    ['Conv1d with negative padding', () => new Conv1d(4, 4, 3, { padding: [-1, 2] }), /Conv1d: padding.*\[-1,2\]/],
    ["Conv1d with 'same' padding and stride 2", () => new Conv1d(4, 4, 3, { padding: 'same', stride: 2 }), /Conv1d: padding 'same' needs stride 1/],
    ['Conv2d with groups not dividing', () => new Conv2d(4, 6, 3, { groups: 3 }), /Conv2d: groups=3.*inChannels=4.*outChannels=6/],
    ['Conv2d with kernel [3, 0]', () => new Conv2d(4, 6, [3, 0]), /Conv2d: kernelSize.*\[3,0\]/],
    ['Conv2d with stride [1, 0]', () => new Conv2d(4, 6, 3, { stride: [1, 0] }), /Conv2d: stride.*\[1,0\]/],
    ['BatchNorm1d with 0 channels', () => new BatchNorm1d(0), /BatchNorm1d: numFeatures.*0/],
    ['BatchNorm2d with momentum 2', () => new BatchNorm2d(3, { momentum: 2 }), /BatchNorm2d: momentum.*\[0, 1\].*2/],
    ['BatchNorm1d with eps −1', () => new BatchNorm1d(3, { eps: -1 }), /BatchNorm1d: eps.*-1/],
    ['Dropout with p = 1', () => new Dropout(1), /Dropout: p must be in \[0, 1\).*1/],
    ['Dropout with p = −0.1', () => new Dropout(-0.1), /Dropout: p.*-0\.1/],
    ['MaxPool1d with kernel 0', () => new MaxPool1d({ kernel: 0 }), /MaxPool1d: kernel.*0/],
    ['AvgPool1d with stride 0', () => new AvgPool1d({ kernel: 2, stride: 0 }), /AvgPool1d: stride.*0/],
    ['MaxPool2d with padding over half the kernel', () => new MaxPool2d({ kernel: 2, padding: 2 }), /MaxPool2d: padding.*half the kernel/],
    ['ConstantPad1d with negative padding', () => new ConstantPad1d(-1, 1), /ConstantPad1d: .*\(-1, 1\)/],
    ['Flatten with a fractional axis', () => new Flatten(0.5), /Flatten: startAxis.*0\.5/],
  ];
  for (const [name, fn, re] of cases) {
    it(name, () => expect(errorOf(fn).message).toMatch(re));
  }
});

describe('bad loss inputs', () => {
  it('name the loss, the shapes and the bad target', () => {
    const logits = z(3, 4);
    expect(errorOf(() => crossEntropy(logits, [0, 1])).message).toMatch(/crossEntropy: 2 targets for a batch of 3.*\[3, 4\]/);
    expect(errorOf(() => crossEntropy(logits, [0, 4, 1])).message).toMatch(/crossEntropy: target 4 at position 1.*\[0, 4\)/);
    expect(errorOf(() => crossEntropy(logits, [0, 1.5, 1])).message).toMatch(/crossEntropy: target 1\.5/);
    expect(errorOf(() => crossEntropy(z(3, 4, 2), [0, 1, 2])).message).toMatch(/crossEntropy: input must be \[N, classes\].*\[3, 4, 2\]/);
    expect(errorOf(() => crossEntropy(logits, [0, 1, 2], { labelSmoothing: 1.5 })).message).toMatch(/crossEntropy: labelSmoothing.*1\.5/);
    expect(errorOf(() => nllLoss(logits, [0, -1, 2])).message).toMatch(/nllLoss: target -1/);
    expect(errorOf(() => mseLoss(z(3, 1), z(3))).message).toMatch(/mseLoss: prediction \[3, 1\] and target \[3\]/);
    expect(errorOf(() => huberLoss(z(3), z(3), 0)).message).toMatch(/huberLoss: delta.*0/);
    expect(errorOf(() => mseLoss(z(3), z(3), 'avg' as 'mean')).message).toMatch(/mseLoss: reduction.*'avg'/);
  });
});
