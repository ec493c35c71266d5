/**
 * Float64 gradient checks (central differences) for every primitive in the rule table, with
 * broadcasting, strided views, several reduction axes, and a grid of convolution geometries.
 *
 * Every case names the primitive it targets; the coverage test asserts that each key of
 * `T.gradRules` is targeted by some case AND actually recorded in that case's graph, so adding a
 * primitive without a gradcheck here fails the suite.
 */

import { describe, it, expect } from 'vitest';
import * as T from '../../src/index.js';
import { distinct, leaf, rand, recordedOps } from './helpers.js';

type Fn = (...xs: T.Tensor[]) => T.Tensor;

interface Case {
  name: string;
  /** The primitive this case is there to check. */
  prim: T.Prim;
  fn: Fn;
  inputs: () => T.Tensor[];
  opts?: T.GradcheckOptions;
}

const cases: Case[] = [];
const add = (prim: T.Prim, name: string, fn: Fn, inputs: () => T.Tensor[], opts?: T.GradcheckOptions): void => {
  cases.push({ prim, name, fn, inputs, ...(opts ? { opts } : {}) });
};

// ───────────────────────────── unary maps ─────────────────────────────
add('neg', 'neg', (x) => T.neg(x), () => [rand([2, 3], 1)]);
add('exp', 'exp', (x) => T.exp(x), () => [rand([2, 3], 2, { lo: -2, hi: 2 })]);
add('log', 'log', (x) => T.log(x), () => [rand([2, 3], 3, { lo: 0.2, hi: 3 })]);
add('sqrt', 'sqrt', (x) => T.sqrt(x), () => [rand([2, 3], 4, { lo: 0.2, hi: 3 })]);
add('abs', 'abs', (x) => T.abs(x), () => [rand([3, 4], 5, { avoid: [0] })]);
add('relu', 'relu', (x) => T.relu(x), () => [rand([3, 4], 6, { avoid: [0] })]);
add('sigmoid', 'sigmoid', (x) => T.sigmoid(x), () => [rand([2, 5], 7, { lo: -6, hi: 6 })]);
add('tanh', 'tanh', (x) => T.tanh(x), () => [rand([2, 5], 8, { lo: -3, hi: 3 })]);
add('softplus', 'softplus', (x) => T.softplus(x), () => [rand([2, 5], 9, { lo: -5, hi: 5 })]);
add('logcosh', 'logcosh', (x) => T.logcosh(x), () => [rand([2, 5], 10, { lo: -4, hi: 4 })]);
add('sin', 'sin', (x) => T.sin(x), () => [rand([2, 4], 11, { lo: -3, hi: 3 })]);
add('cos', 'cos', (x) => T.cos(x), () => [rand([2, 4], 12, { lo: -3, hi: 3 })]);
add('clamp', 'clamp inside and outside [−0.4, 0.3]', (x) => T.clamp(x, -0.4, 0.3), () => [rand([4, 5], 13, { avoid: [-0.4, 0.3] })]);
add('clamp', 'relu6 over (−2, 8)', (x) => T.relu6(x), () => [rand([4, 5], 14, { lo: -2, hi: 8, avoid: [0, 6] })]);
add('powScalar', 'powScalar p=3 (any sign)', (x) => T.powScalar(x, 3), () => [rand([2, 3], 15, { lo: -2, hi: 2 })]);
add('powScalar', 'powScalar p=0.5 and square', (x) => T.add(T.powScalar(x, 0.5), T.square(x)), () => [rand([2, 3], 16, { lo: 0.3, hi: 2 })]);
add('powScalar', 'powScalar p=−1.5', (x) => T.powScalar(x, -1.5), () => [rand([2, 3], 17, { lo: 0.5, hi: 2 })]);
add('leakyRelu', 'leakyRelu slope 0.1', (x) => T.leakyRelu(x, 0.1), () => [rand([3, 4], 18, { avoid: [0] })]);
add('leakyRelu', 'leakyRelu default slope', (x) => T.leakyRelu(x), () => [rand([3, 4], 19, { avoid: [0] })]);

// ───────────────────────── broadcasting binary ops ─────────────────────────
add('add', 'add [2,1,3] + [4,1]', (a, b) => T.add(a, b), () => [rand([2, 1, 3], 20), rand([4, 1], 21)]);
add('add', 'add tensor + number and scalar tensor', (a, s) => T.add(T.add(a, 2.5), s), () => [rand([2, 3], 22), rand([], 23)]);
add('sub', 'sub [2,1,3] − [4,1]', (a, b) => T.sub(a, b), () => [rand([2, 1, 3], 24), rand([4, 1], 25)]);
add('sub', 'sub number − tensor', (a) => T.sub(1, a), () => [rand([3], 26)]);
add('mul', 'mul [2,1,3] · [4,1]', (a, b) => T.mul(a, b), () => [rand([2, 1, 3], 27), rand([4, 1], 28)]);
add('mul', 'mul of a transposed view and a row', (a, b) => T.mul(T.transpose(a), b), () => [rand([4, 3], 29), rand([1, 4], 30)]);
add('mul', 'mul x·x (same tensor twice)', (a) => T.mul(a, a), () => [rand([2, 3], 31)]);
add('div', 'div [2,1,3] / [4,1]', (a, b) => T.div(a, b), () => [rand([2, 1, 3], 32), rand([4, 1], 33, { lo: 0.5, hi: 2 })]);
add('div', 'div number / tensor', (a) => T.div(3, a), () => [rand([2, 2], 34, { lo: 0.5, hi: 2 })]);
add('maximum', 'maximum [2,1,3] vs [4,1] (no ties)', (a, b) => T.maximum(a, b), () => [distinct([2, 1, 3], 35, 0.31), distinct([4, 1], 36, 0.53)]);
add('minimum', 'minimum [2,1,3] vs [4,1] (no ties)', (a, b) => T.minimum(a, b), () => [distinct([2, 1, 3], 37, 0.31), distinct([4, 1], 38, 0.53)]);
{
  const cond = T.tensor([[1, 0, 1], [0, 0, 1]], { dtype: 'float64' }); // [2, 3]
  add('where', 'where cond[2,3] ? a[2,1,3] : b[3]', (a, b) => T.where(cond, a, b), () => [rand([2, 1, 3], 39), rand([3], 40)]);
  add('where', 'where cond ? a : number', (a) => T.where(cond, a, -1), () => [rand([2, 3], 41)]);
}

// ───────────────────────────── reductions ─────────────────────────────
add('sum', 'sum over axes [0,2] of [2,3,4,2]', (x) => T.sum(x, [0, 2]), () => [rand([2, 3, 4, 2], 42)]);
add('sum', 'sum over axes [1,3] keepdims', (x) => T.sum(x, [1, 3], true), () => [rand([2, 3, 4, 2], 43)]);
add('sum', 'sum over all axes', (x) => T.sum(x), () => [rand([2, 3, 2], 44)]);
add('sum', 'sum over negative axis of a permuted view', (x) => T.sum(T.permute(x, [2, 0, 1]), -1), () => [rand([2, 3, 4], 45)]);
add('sum', 'mean over axes [0,2]', (x) => T.mean(x, [0, 2]), () => [rand([2, 3, 4], 46)]);
add('sum', 'variance (unbiased) over axes [0,2] keepdims', (x) => T.variance(x, [0, 2], true, true), () => [rand([3, 2, 4], 47)]);
add('max', 'max over axes [0,2] of [3,2,4,2]', (x) => T.max(x, [0, 2]), () => [distinct([3, 2, 4, 2], 48)]);
add('max', 'max over axes [1,3] keepdims', (x) => T.max(x, [1, 3], true), () => [distinct([2, 3, 2, 4], 49)]);
add('max', 'max over all axes', (x) => T.max(x), () => [distinct([3, 4], 50)]);
add('max', 'min over axis 1', (x) => T.min(x, 1), () => [distinct([3, 5], 51)]);

// ─────────────────────────────── movement ───────────────────────────────
add('reshape', 'reshape [2,3,4] → [4,-1]', (x) => T.reshape(x, [4, -1]), () => [rand([2, 3, 4], 52)]);
add('reshape', 'reshape of a transposed (non-contiguous) view', (x) => T.reshape(T.transpose(x), [-1]), () => [rand([3, 4], 53)]);
add('reshape', 'flatten / unsqueeze / squeeze', (x) => T.squeeze(T.unsqueeze(T.flatten(x), 0)), () => [rand([2, 3, 2], 54)]);
add('permute', 'permute [2,0,1]', (x) => T.permute(x, [2, 0, 1]), () => [rand([2, 3, 4], 55)]);
add('permute', 'transpose axes 0 and 2', (x) => T.transpose(x, 0, 2), () => [rand([2, 3, 4], 56)]);
add('expand', 'expand [3,1] → [2,3,4]', (x) => T.expand(x, [2, 3, 4]), () => [rand([3, 1], 57)]);
add('slice', 'slice with steps on two axes', (x) => T.slice(x, [{ start: 1, stop: 5, step: 2 }, undefined, { start: 0, step: 3 }]), () => [rand([5, 2, 7], 58)]);
add('slice', 'slice with negative bounds of a permuted view', (x) => T.slice(T.permute(x, [1, 0]), [{ start: -3, stop: -1 }, { step: 2 }]), () => [rand([5, 4], 59)]);
add('pad', 'pad before/after on two axes', (x) => T.pad(x, [1, 0, 2], [0, 2, 1]), () => [rand([2, 3, 2], 60)]);
add('pad', 'pad with a value, leading axes omitted', (x) => T.pad(x, [2], [1], 0.5), () => [rand([2, 3], 61)]);
add('concat', 'concat along a middle axis (3 inputs)', (a, b, c) => T.concat([a, b, c], 1), () => [rand([2, 1, 3], 62), rand([2, 3, 3], 63), rand([2, 2, 3], 64)]);
add('concat', 'concat along the last axis / stack', (a, b) => T.mul(T.concat([a, b], -1), T.reshape(T.stack([b, a], 1), [2, 4])), () => [rand([2, 2], 65), rand([2, 2], 66)]);
add('contiguous', 'contiguous of a transposed view', (x) => T.contiguous(T.transpose(x)), () => [rand([3, 4], 67)]);
add('cast', 'cast float64 → float32 → float64', (x) => T.mul(T.cast(T.cast(x, 'float32'), 'float64'), 3), () => [rand([2, 3], 68)], { eps: 1e-2, atol: 1e-4, rtol: 1e-4 });
add('take', 'takeAlong axis 1 with repeated indices', (x) => T.takeAlong(x, 1, [0, 3, 3, 1, 2, 0]), () => [rand([3, 4, 2], 69)]);
add('take', 'takeAlong last axis (target logits)', (x) => T.takeAlong(x, -1, [2, 0, 1]), () => [rand([3, 4], 70)]);

// ───────────────────────────── matmul ─────────────────────────────
add('matmul', 'matmul [3,4] @ [4,2]', (a, b) => T.matmul(a, b), () => [rand([3, 4], 71), rand([4, 2], 72)]);
add('matmul', 'matmul batch broadcast [2,1,3,4] @ [5,4,2]', (a, b) => T.matmul(a, b), () => [rand([2, 1, 3, 4], 73), rand([5, 4, 2], 74)]);
add('matmul', 'matmul [3,4] @ [2,4,5]', (a, b) => T.matmul(a, b), () => [rand([3, 4], 75), rand([2, 4, 5], 76)]);
add('matmul', 'matmul aᵀ @ b with a transposed view', (a, b) => T.matmul(T.transpose(a), b), () => [rand([4, 3], 77), rand([4, 2], 78)]);
add('matmul', 'matmul a @ bᵀ with b transposed (linear layer)', (a, b) => T.matmul(a, T.transpose(b)), () => [rand([2, 3, 4], 79), rand([5, 4], 80)]);
add('matmul', 'matmul aᵀ @ bᵀ, batched views', (a, b) => T.matmul(T.transpose(a), T.transpose(b)), () => [rand([2, 4, 3], 81), rand([2, 5, 4], 82)]);
add('matmul', 'matmul of permuted batch axes and a sliced operand', (a, b) => T.matmul(T.permute(a, [1, 0, 2]), T.slice(b, [undefined, { step: 2 }])), () => [rand([3, 2, 4], 83), rand([4, 6], 84)]);

// ───────────────────────────── convolutions ─────────────────────────────
interface Conv1dCase { n?: number; cin: number; cout: number; k: number; l: number; o: T.Conv1dOptions; bias: boolean; tag?: string }
const conv1dGrid: Conv1dCase[] = [
  { cin: 2, cout: 3, k: 3, l: 7, o: {}, bias: true },
  { cin: 2, cout: 2, k: 3, l: 8, o: { stride: 2, padding: 1 }, bias: false },
  { cin: 4, cout: 2, k: 2, l: 7, o: { dilation: 2, padding: [2, 1], groups: 2 }, bias: true },
  { cin: 4, cout: 4, k: 3, l: 11, o: { stride: 2, dilation: 2, padding: [1, 3], groups: 2 }, bias: true, tag: 'all-at-once' },
  { cin: 4, cout: 4, k: 2, l: 10, o: { stride: 3, dilation: 2, padding: [0, 2], groups: 4 }, bias: false, tag: 'depthwise all-at-once' },
  { cin: 3, cout: 6, k: 3, l: 12, o: { stride: 2, dilation: 3, padding: [3, 1], groups: 3 }, bias: true, tag: 'depthwise×2 all-at-once' },
  { cin: 2, cout: 3, k: 3, l: 6, o: { padding: 'same' }, bias: true },
  { cin: 4, cout: 2, k: 4, l: 7, o: { padding: 'same', groups: 2 }, bias: false, tag: 'even kernel' },
  { cin: 3, cout: 3, k: 2, l: 8, o: { padding: 'same', dilation: 3, groups: 3 }, bias: true, tag: 'depthwise' },
  { cin: 2, cout: 2, k: 3, l: 6, o: { padding: 'causal' }, bias: true },
  { cin: 4, cout: 6, k: 3, l: 11, o: { padding: 'causal', stride: 2, dilation: 2, groups: 2 }, bias: true, tag: 'all-at-once' },
  { cin: 3, cout: 3, k: 2, l: 9, o: { padding: 'causal', dilation: 4, groups: 3 }, bias: false, tag: 'depthwise' },
  { cin: 3, cout: 4, k: 1, l: 5, o: {}, bias: true, tag: 'pointwise' },
  { cin: 4, cout: 2, k: 1, l: 7, o: { stride: 2, groups: 2, padding: [1, 0] }, bias: false, tag: 'k1 strided padded' },
  { n: 1, cin: 2, cout: 2, k: 5, l: 5, o: { padding: 'valid' }, bias: true, tag: 'kernel = input' },
];
const padName = (p: unknown): string => (p === undefined ? '0' : JSON.stringify(p).replace(/"/g, ''));
conv1dGrid.forEach((c, i) => {
  const name = `conv1d Cin${c.cin} Cout${c.cout} k${c.k} L${c.l} s${c.o.stride ?? 1} d${c.o.dilation ?? 1} pad ${padName(c.o.padding)} g${c.o.groups ?? 1}${c.bias ? '' : ' nobias'}${c.tag ? ` (${c.tag})` : ''}`;
  const g = c.o.groups ?? 1;
  const inputs = (): T.Tensor[] => {
    const xs = [rand([c.n ?? 2, c.cin, c.l], 100 + i), rand([c.cout, c.cin / g, c.k], 200 + i)];
    if (c.bias) xs.push(rand([c.cout], 300 + i));
    return xs;
  };
  add('conv', name, (x, w, b) => T.conv1d(x, w, b ?? null, c.o), inputs);
});
// conv1d on a channels-last input permuted into NCL (a non-contiguous view)
add('conv', 'conv1d of a permuted NLC view, s2 d2 pad [2,1] g2', (x, w, b) => T.conv1d(T.permute(x, [0, 2, 1]), w, b, { stride: 2, dilation: 2, padding: [2, 1], groups: 2 }),
  () => [rand([2, 9, 4], 120), rand([4, 2, 3], 121), rand([4], 122)]);

interface Conv2dCase { cin: number; cout: number; k: [number, number]; hw: [number, number]; o: T.Conv2dOptions; bias: boolean; tag?: string }
const conv2dGrid: Conv2dCase[] = [
  { cin: 2, cout: 3, k: [3, 3], hw: [5, 5], o: { padding: 1 }, bias: true },
  { cin: 2, cout: 2, k: [3, 3], hw: [6, 5], o: { stride: 2 }, bias: false },
  { cin: 4, cout: 2, k: [2, 3], hw: [6, 7], o: { stride: [2, 1], dilation: [1, 2], padding: [1, 2], groups: 2 }, bias: true },
  { cin: 4, cout: 4, k: [3, 2], hw: [7, 6], o: { stride: 2, dilation: 2, padding: [0, 1, 2, 1], groups: 2 }, bias: true, tag: 'all-at-once' },
  { cin: 2, cout: 4, k: [3, 2], hw: [8, 7], o: { stride: [2, 3], dilation: [2, 1], padding: [1, 2, 0, 1], groups: 2 }, bias: false, tag: 'all-at-once' },
  { cin: 3, cout: 3, k: [2, 3], hw: [7, 8], o: { stride: [3, 2], dilation: [1, 2], padding: [2, 0, 1, 0], groups: 3 }, bias: true, tag: 'depthwise all-at-once' },
  { cin: 2, cout: 4, k: [2, 2], hw: [6, 6], o: { stride: 2, dilation: 2, padding: [1, 0, 0, 1], groups: 2 }, bias: true, tag: 'depthwise×2 all-at-once' },
  { cin: 2, cout: 2, k: [3, 2], hw: [5, 6], o: { padding: 'same', dilation: [1, 2] }, bias: true, tag: 'same, even kernel' },
  { cin: 3, cout: 3, k: [2, 3], hw: [6, 5], o: { padding: 'same', dilation: [2, 1], groups: 3 }, bias: false, tag: 'same depthwise' },
  { cin: 3, cout: 2, k: [1, 1], hw: [4, 5], o: {}, bias: true, tag: 'pointwise' },
];
conv2dGrid.forEach((c, i) => {
  const name = `conv2d Cin${c.cin} Cout${c.cout} k${c.k.join('x')} ${c.hw.join('x')} s${padName(c.o.stride ?? 1)} d${padName(c.o.dilation ?? 1)} pad ${padName(c.o.padding)} g${c.o.groups ?? 1}${c.bias ? '' : ' nobias'}${c.tag ? ` (${c.tag})` : ''}`;
  const g = c.o.groups ?? 1;
  const inputs = (): T.Tensor[] => {
    const xs = [rand([2, c.cin, ...c.hw], 400 + i), rand([c.cout, c.cin / g, ...c.k], 500 + i)];
    if (c.bias) xs.push(rand([c.cout], 600 + i));
    return xs;
  };
  add('conv', name, (x, w, b) => T.conv2d(x, w, b ?? null, c.o), inputs);
});

// ───────────────────────────── pooling ─────────────────────────────
add('maxPool', 'maxPool1d k3 s2 p1', (x) => T.maxPool1d(x, { kernel: 3, stride: 2, padding: 1 }), () => [distinct([2, 2, 9], 700)]);
add('maxPool', 'maxPool1d k4 s3 p2', (x) => T.maxPool1d(x, { kernel: 4, stride: 3, padding: 2 }), () => [distinct([1, 3, 10], 701)]);
add('maxPool', 'maxPool1d k2 s1 (overlapping windows)', (x) => T.maxPool1d(x, { kernel: 2, stride: 1 }), () => [distinct([2, 2, 6], 702)]);
add('maxPool', 'maxPool2d k3 s2 p1', (x) => T.maxPool2d(x, { kernel: 3, stride: 2, padding: 1 }), () => [distinct([2, 2, 5, 6], 703)]);
add('maxPool', 'maxPool2d k[2,3] s[1,2] p[0,1]', (x) => T.maxPool2d(x, { kernel: [2, 3], stride: [1, 2], padding: [0, 1] }), () => [distinct([1, 2, 5, 7], 704)]);
add('avgPool', 'avgPool1d k3 s2 p1 countIncludePad', (x) => T.avgPool1d(x, { kernel: 3, stride: 2, padding: 1 }), () => [rand([2, 2, 9], 705)]);
add('avgPool', 'avgPool1d k4 s3 p2 excludePad', (x) => T.avgPool1d(x, { kernel: 4, stride: 3, padding: 2, countIncludePad: false }), () => [rand([2, 2, 10], 706)]);
add('avgPool', 'avgPool2d k[3,2] s[2,1] p[1,1] countIncludePad', (x) => T.avgPool2d(x, { kernel: [3, 2], stride: [2, 1], padding: [1, 1] }), () => [rand([2, 2, 6, 5], 707)]);
add('avgPool', 'avgPool2d k3 s2 p1 excludePad', (x) => T.avgPool2d(x, { kernel: 3, stride: 2, padding: 1, countIncludePad: false }), () => [rand([1, 2, 7, 6], 708)]);
add('sum', 'globalAvgPool 1-D and 2-D', (x, y) => T.add(T.globalAvgPool(x), T.globalAvgPool(y)), () => [rand([2, 3, 5], 709), rand([2, 3, 4, 3], 710)]);

// ─────────────────────────── softmax and custom ───────────────────────────
add('logSoftmax', 'logSoftmax along a middle axis', (x) => T.logSoftmax(x, 1), () => [rand([2, 4, 3], 800, { lo: -3, hi: 3 })]);
add('logSoftmax', 'logSoftmax last axis, large values', (x) => T.logSoftmax(x), () => [rand([3, 5], 801, { lo: -40, hi: 40 })]);
add('logSoftmax', 'softmax along axis 0', (x) => T.softmax(x, 0), () => [rand([4, 3], 802, { lo: -2, hi: 2 })]);

const cube = T.customOp({
  name: 'cube',
  forward: (x) => ({ output: T.powScalar(x, 3), saved: T.square(x) }),
  backward: (g, ctx) => [T.mul(g, T.mul(ctx.saved as T.Tensor, 3))],
});
const scaledProduct = T.customOp({
  name: 'scaledProduct',
  forward: (a, b) => T.mul(T.mul(a, b), 2),
  backward: (g, { inputs: [a, b] }) => [T.mul(T.mul(g, b), 2), T.mul(T.mul(g, a), 2)],
});
add('custom', 'customOp cube with saved state', (x) => T.add(cube(x), x), () => [rand([2, 3], 900)]);
add('custom', 'customOp with two inputs', (a, b) => scaledProduct(a, b), () => [rand([2, 3], 901), rand([2, 3], 902)]);

// ───────────────────────────── batch normalisation ─────────────────────────────
const bnTrain = (relu: boolean) => (x: T.Tensor, w: T.Tensor, b: T.Tensor) => T.batchNorm(x, w, b, { training: true, eps: 1e-3, relu }).y;
add('batchNorm', 'batchNorm training [N, C, L] (affine)', bnTrain(false), () => [rand([3, 2, 4], 960), rand([2], 961, { lo: 0.5, hi: 2 }), rand([2], 962)]);
add('batchNorm', 'batchNorm training [N, C, H, W] with fused ReLU', bnTrain(true), () => [rand([2, 3, 2, 3], 963), rand([3], 964, { lo: 0.5, hi: 2 }), rand([3], 965, { lo: -0.3, hi: 0.3 })]);
add('batchNorm', 'batchNorm training [N, C] without affine, then a weighted sum', (x, v) => T.mul(T.batchNorm(x, null, null, { training: true, eps: 1e-5 }).y, v),
  () => [rand([5, 3], 966), rand([5, 3], 967)]);
add('batchNorm', 'batchNorm eval with running statistics and fused ReLU', (x, w, b) => T.batchNorm(x, w, b, {
  training: false, eps: 1e-5, relu: true, runningMean: T.tensor([0.1, -0.2], [2], { dtype: 'float64' }), runningVar: T.tensor([0.5, 2], [2], { dtype: 'float64' }),
}).y, () => [rand([2, 2, 5], 968), rand([2], 969, { lo: 0.5, hi: 2 }), rand([2], 970)]);

// ─────────────────────────── a small composite ───────────────────────────
add('conv', 'conv1d → relu → maxPool1d → flatten → matmul → logSoftmax', (x, w, v) => {
  const h = T.maxPool1d(T.relu(T.conv1d(x, w, null, { padding: 'causal', dilation: 2 })), { kernel: 2 });
  return T.logSoftmax(T.matmul(T.flatten(h), v));
}, () => [rand([2, 2, 8], 950), rand([3, 2, 3], 951), rand([12, 4], 952)]);

describe('gradcheck: every primitive', () => {
  it('every primitive of T.gradRules has a case that records it', () => {
    const prims = Object.keys(T.gradRules).sort();
    expect(prims.length).toBeGreaterThan(30);
    const targeted = new Set(cases.map((c) => c.prim));
    const missing = prims.filter((p) => !targeted.has(p as T.Prim));
    expect(missing, `primitives without a gradcheck case: ${missing.join(', ')}`).toEqual([]);
    // Each case must really exercise the primitive it claims to check.
    const recorded = new Set<string>();
    for (const c of cases) {
      const ops = T.withDefaultDtype('float64', () => recordedOps(c.fn(...c.inputs().map(leaf))));
      expect(ops.has(c.prim), `case '${c.name}' does not record '${c.prim}' (recorded: ${[...ops].join(', ')})`).toBe(true);
      for (const o of ops) recorded.add(o);
    }
    expect(prims.filter((p) => !recorded.has(p))).toEqual([]);
  });

  it('has at least 20 convolution cases, several combining stride, dilation, groups and asymmetric padding', () => {
    const convCases = cases.filter((c) => c.prim === 'conv');
    expect(convCases.length).toBeGreaterThanOrEqual(20);
    expect(cases.filter((c) => c.name.includes('all-at-once')).length).toBeGreaterThanOrEqual(6);
  });

  for (const c of cases) {
    it(`${c.prim}: ${c.name}`, () => {
      const r = T.gradcheck(c.fn, c.inputs(), c.opts);
      expect(r.failure, JSON.stringify(r.failure)).toBeUndefined();
      expect(r.ok).toBe(true);
    });
  }
});

describe('gradcheck itself', () => {
  it('catches a wrong gradient and names the input and element', () => {
    const wrong = T.customOp({ name: 'wrongDouble', forward: (x) => T.mul(x, 2), backward: (g) => [T.mul(g, 3)] });
    const r = T.gradcheck((x) => wrong(x), [rand([2, 2], 1)]);
    expect(r.ok).toBe(false);
    expect(r.failure?.input).toBe(0);
    expect(r.failure?.index).toBe(0);
    expect(Math.abs((r.failure?.numerical ?? 0) / (r.failure?.analytical ?? 1) - 2 / 3)).toBeLessThan(1e-6);
    expect(() => T.assertGradcheck('wrongDouble', (x) => wrong(x), [rand([2, 2], 1)])).toThrow(/gradcheck 'wrongDouble': input 0 element 0: analytical/);
  });

  it('catches a gradient missing on one input', () => {
    const half = T.customOp({ name: 'dropsB', forward: (a, b) => T.add(a, b), backward: (g) => [g, null] });
    const r = T.gradcheck((a, b) => half(a, b), [rand([3], 2), rand([3], 3)]);
    expect(r.ok).toBe(false);
    expect(r.failure?.input).toBe(1);
  });

  it('skips inputs listed in skip (e.g. integer labels) and works on float32 inputs', () => {
    const labels = T.tensor([2, 0], { dtype: 'int32' });
    const f = (x: T.Tensor, y: T.Tensor) => T.takeAlong(T.logSoftmax(x), 1, y.toFlatArray());
    const x32 = T.tensor([[0.1, 0.5, -0.3], [1.2, -0.7, 0.4]]);
    expect(x32.dtype).toBe('float32');
    const r = T.gradcheck(f, [x32, labels], { skip: [1] });
    expect(r.ok).toBe(true);
    expect(r.maxAbsError).toBeLessThan(1e-7);
  });
});

describe('customOp', () => {
  const steRound = T.customOp({ name: 'steRound', forward: (x) => T.round(x), backward: (g) => [g] });

  it('a straight-through round: forward rounds half to even, backward passes g unchanged', () => {
    const x = T.tensor([[0.4, 1.5, 2.5], [-0.5, -1.6, 3.49]], { dtype: 'float64', requiresGrad: true });
    const y = steRound(x);
    expect(y.toFlatArray()).toEqual([0, 2, 2, -0, -2, 3]);
    expect(y.node?.op).toBe('custom');
    const dy = T.tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'float64' });
    T.backward(y, dy);
    expect(x.grad?.toFlatArray()).toEqual([1, 2, 3, 4, 5, 6]);
    // round alone is not differentiable: it records nothing
    expect(T.round(x).requiresGrad).toBe(false);
  });

  it('straightThrough composes inside a graph', () => {
    const ste = T.straightThrough('steFloor', (t) => T.floor(t));
    const x = T.tensor([0.7, 1.2, -0.3], { dtype: 'float64', requiresGrad: true });
    const y = T.sum(T.mul(ste(T.mul(x, 2)), T.tensor([1, 10, 100], { dtype: 'float64' })));
    expect(y.item()).toBe(1 + 20 - 100);
    T.backward(y);
    expect(x.grad?.toFlatArray()).toEqual([2, 20, 200]);
  });

  it('returning an input unchanged from forward still records on a fresh tensor', () => {
    const ident = T.customOp({ name: 'ident', forward: (x) => x, backward: (g) => [T.mul(g, 5)] });
    const x = T.tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    const y = ident(x);
    expect(y).not.toBe(x);
    expect(x.node).toBeNull();
    T.backward(T.sum(y));
    expect(x.grad?.toFlatArray()).toEqual([5, 5]);
  });
});
