/**
 * Architecture descriptions: a module tree built from the library's layers as plain JSON, and
 * back. Checkpoints of searched (exported) models carry this description, since their layer
 * sizes no longer match any named seed. An unknown module class is refused with its name.
 */

import type { Module } from './module.js';
import { Conv1d, Conv2d } from './layers/conv.js';
import { Linear } from './layers/linear.js';
import { BatchNorm1d, BatchNorm2d } from './layers/batchnorm.js';
import {
  AvgPool1d, AvgPool2d, ConstantPad1d, Dropout, Flatten, GlobalAvgPool, Identity, LeakyReLU, MaxPool1d, MaxPool2d,
  ReLU, ReLU6, Sigmoid, Tanh,
} from './layers/simple.js';
import { Residual, Sequential } from './layers/containers.js';
import type { Rng } from '../tensor/rng.js';

export type ArchNode =
  | { type: 'Sequential'; layers: ArchNode[] }
  | { type: 'Residual'; body: ArchNode; shortcut: ArchNode | null; post: ArchNode | null }
  | { type: 'Conv1d'; cin: number; cout: number; k: number; stride: number; dilation: number; padding: unknown; groups: number; bias: boolean }
  | { type: 'Conv2d'; cin: number; cout: number; k: [number, number]; stride: unknown; dilation: unknown; padding: unknown; groups: number; bias: boolean }
  | { type: 'Linear'; in: number; out: number; bias: boolean }
  | { type: 'BatchNorm1d' | 'BatchNorm2d'; features: number; eps: number; momentum: number; affine: boolean }
  | { type: 'MaxPool1d' | 'AvgPool1d' | 'MaxPool2d' | 'AvgPool2d'; opts: Record<string, unknown> }
  | { type: 'Flatten'; startAxis: number }
  | { type: 'ConstantPad1d'; left: number; right: number; value: number }
  | { type: 'Dropout'; p: number }
  | { type: 'LeakyReLU'; slope: number }
  | { type: 'ReLU' | 'ReLU6' | 'Sigmoid' | 'Tanh' | 'GlobalAvgPool' | 'Identity' };

export function describeArchitecture(m: Module, path = ''): ArchNode {
  const where = path === '' ? 'the root module' : `module '${path}'`;
  const child = (name: string) => {
    const c = new Map(m.children()).get(name);
    return c === undefined ? null : describeArchitecture(c, path === '' ? name : `${path}.${name}`);
  };
  if (m instanceof Sequential) return { type: 'Sequential', layers: m.children().map(([n]) => child(n) as ArchNode) };
  if (m instanceof Residual) return { type: 'Residual', body: child('body') as ArchNode, shortcut: child('shortcut'), post: child('post') };
  if (m instanceof Conv1d) {
    return { type: 'Conv1d', cin: m.inChannels, cout: m.outChannels, k: m.kernelSize, stride: m.stride, dilation: m.dilation, padding: m.padding, groups: m.groups, bias: m.bias !== null };
  }
  if (m instanceof Conv2d) {
    return { type: 'Conv2d', cin: m.inChannels, cout: m.outChannels, k: [m.kh, m.kw], stride: m.stride, dilation: m.dilation, padding: m.padding, groups: m.groups, bias: m.bias !== null };
  }
  if (m instanceof Linear) return { type: 'Linear', in: m.inFeatures, out: m.outFeatures, bias: m.bias !== null };
  if (m instanceof BatchNorm1d || m instanceof BatchNorm2d) {
    return { type: m instanceof BatchNorm1d ? 'BatchNorm1d' : 'BatchNorm2d', features: m.numFeatures, eps: m.eps, momentum: m.momentum, affine: m.weight !== null };
  }
  if (m instanceof MaxPool1d) return { type: 'MaxPool1d', opts: { ...m.opts } };
  if (m instanceof AvgPool1d) return { type: 'AvgPool1d', opts: { ...m.opts } };
  if (m instanceof MaxPool2d) return { type: 'MaxPool2d', opts: { ...m.opts } };
  if (m instanceof AvgPool2d) return { type: 'AvgPool2d', opts: { ...m.opts } };
  if (m instanceof Flatten) return { type: 'Flatten', startAxis: m.startAxis };
  if (m instanceof ConstantPad1d) return { type: 'ConstantPad1d', left: m.left, right: m.right, value: m.value };
  if (m instanceof Dropout) return { type: 'Dropout', p: m.p };
  if (m instanceof LeakyReLU) return { type: 'LeakyReLU', slope: m.slope };
  for (const [C, type] of [[ReLU, 'ReLU'], [ReLU6, 'ReLU6'], [Sigmoid, 'Sigmoid'], [Tanh, 'Tanh'], [GlobalAvgPool, 'GlobalAvgPool'], [Identity, 'Identity']] as const) {
    if (m instanceof C) return { type };
  }
  throw new Error(`describeArchitecture: ${where} is a ${m.constructor.name}, which has no architecture description; export searched models to plain layers first`);
}

/**
 * Build the module tree of a description. With `rng`, layers are initialised from it in tree order,
 * the order the seed builders construct them in, so a seed's description built with Rng(s) has the
 * seed's own Rng(s) weights (Dropout keeps the rng for its masks, as the seeds' do).
 */
export function buildFromArchitecture(a: ArchNode, opts: { rng?: Rng } = {}): Module {
  const n = a as ArchNode & Record<string, unknown>;
  const rng = opts.rng;
  const sub = (c: ArchNode): Module => buildFromArchitecture(c, opts);
  switch (a.type) {
    case 'Sequential': return new Sequential(...a.layers.map(sub));
    case 'Residual': return new Residual(sub(a.body), a.shortcut === null ? null : sub(a.shortcut), a.post === null ? null : sub(a.post));
    case 'Conv1d': return new Conv1d(a.cin, a.cout, a.k, { stride: a.stride, dilation: a.dilation, padding: a.padding as never, groups: a.groups, bias: a.bias, rng });
    case 'Conv2d': return new Conv2d(a.cin, a.cout, a.k, { stride: a.stride as never, dilation: a.dilation as never, padding: a.padding as never, groups: a.groups, bias: a.bias, rng });
    case 'Linear': return new Linear(a.in, a.out, { bias: a.bias, rng });
    case 'BatchNorm1d': return new BatchNorm1d(a.features, { eps: a.eps, momentum: a.momentum, affine: a.affine });
    case 'BatchNorm2d': return new BatchNorm2d(a.features, { eps: a.eps, momentum: a.momentum, affine: a.affine });
    case 'MaxPool1d': return new MaxPool1d(a.opts as never);
    case 'AvgPool1d': return new AvgPool1d(a.opts as never);
    case 'MaxPool2d': return new MaxPool2d(a.opts as never);
    case 'AvgPool2d': return new AvgPool2d(a.opts as never);
    case 'Flatten': return new Flatten(a.startAxis);
    case 'ConstantPad1d': return new ConstantPad1d(a.left, a.right, a.value);
    case 'Dropout': return new Dropout(a.p, rng);
    case 'LeakyReLU': return new LeakyReLU(a.slope);
    case 'ReLU': return new ReLU();
    case 'ReLU6': return new ReLU6();
    case 'Sigmoid': return new Sigmoid();
    case 'Tanh': return new Tanh();
    case 'GlobalAvgPool': return new GlobalAvgPool();
    case 'Identity': return new Identity();
    default: throw new Error(`buildFromArchitecture: unknown layer type '${String(n.type)}'`);
  }
}
