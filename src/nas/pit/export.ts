/**
 * Export of a PIT model to a plain dense model built from library layers: weights sliced to the
 * surviving channels and taps, the dilation of a regular tap pattern folded into the layer
 * (d·2^D), the left padding recomputed so that every output position sees the same inputs
 * ((k_opt − 1)·d_opt for a causal conv), BatchNorm statistics and affine parameters of the
 * surviving channels kept as they are, a linear layer after a flatten sliced per position. In
 * eval mode the exported model computes what the masked model computes. PIT's own layers export
 * through their layer kinds (the toDense of each class's kind calls the slicers here); this file
 * imports no PIT class at run time, so the classes can use it.
 */

import type { Tensor } from '../../tensor/tensor.js';
import { allocate } from '../../tensor/dtype.js';
import { Rng } from '../../tensor/rng.js';
import { noGrad } from '../../autograd/graph.js';
import type { Module } from '../../nn/module.js';
import { Conv1d, Conv2d } from '../../nn/layers/conv.js';
import { Linear } from '../../nn/layers/linear.js';
import { BatchNorm, BatchNorm1d, BatchNorm2d } from '../../nn/layers/batchnorm.js';
import { Residual, Sequential } from '../../nn/layers/containers.js';
import { buildFromArchitecture, describeArchitecture } from '../../nn/serialize.js';
import type { Padding1d } from '../../autograd/ops/conv.js';
import { geometryOf, isSearchableKind, isSearchOnly, kindOf } from '../../graph/kinds.js';
import type { PitConv1d, PitConv2d } from './pitConv.js';
import type { PitLinear } from './pitLinear.js';
import type { PitDensePlan } from './kinds.js';

export interface LayerPlan {
  /** Input channel (or feature) indices kept. */
  inKeep: number[];
  outKeep: number[];
  /** Kept taps of a time-masked conv (ascending), null when the taps are not searched. */
  taps: number[] | null;
  /** Dilation of the exported layer. */
  dilation: number;
}

export interface ExportPlan {
  layers: Map<string, LayerPlan>;
  /** Channels kept by re-masked pass-through layers (BatchNorm, …). */
  channels: Map<string, number[]>;
}

/** The layer plan of a conv / linear layer's export (exportModule gives every such layer one). */
export function layerPlanOf(p: PitDensePlan, l: Module): LayerPlan {
  if (p.layer === null) throw new Error(`pit export: no layer plan for ${l.describe()}`);
  return p.layer;
}

const initRng = () => new Rng(0);
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** Gather `t` along every axis at the given indices (null = all). */
export function gather(t: Tensor, keep: readonly (readonly number[] | null)[]): { shape: number[]; data: Float32Array | Float64Array } {
  const idx = t.shape.map((d, a) => keep[a] ?? range(d));
  const shape = idx.map((i) => i.length);
  const size = shape.reduce((a, b) => a * b, 1);
  const src = t.values();
  const data = allocate(t.dtype, size) as Float32Array | Float64Array;
  const strides = t.shape.map((_, a) => t.shape.slice(a + 1).reduce((x, y) => x * y, 1));
  const pos = new Array<number>(shape.length).fill(0);
  for (let o = 0; o < size; o++) {
    let s = 0;
    for (let a = 0; a < shape.length; a++) s += idx[a][pos[a]] * strides[a];
    data[o] = src[s];
    for (let a = shape.length - 1; a >= 0; a--) {
      if (++pos[a] < shape[a]) break;
      pos[a] = 0;
    }
  }
  return { shape, data };
}

function copyInto(dst: Tensor, src: { data: ArrayLike<number> }): void {
  for (let i = 0; i < dst.data.length; i++) dst.data[i] = src.data[i];
}

function padPair(p: Padding1d, k: number, d: number): [number, number] {
  if (p === 'valid') return [0, 0];
  if (p === 'causal') return [d * (k - 1), 0];
  if (p === 'same') {
    const lo = Math.floor((d * (k - 1)) / 2);
    return [lo, d * (k - 1) - lo];
  }
  if (typeof p === 'number') return [p, p];
  return [p[0], p[1]];
}

/**
 * The exported tap grid of a time-masked conv: kept taps t_0 < … < K−1 with step s. When the
 * left padding cannot absorb the pruned past (a non-causal conv), the grid is extended into the
 * past with zero taps so that the padding stays non-negative.
 */
function tapGrid(taps: readonly number[], K: number, d: number, pl: number): { grid: number[]; step: number } {
  let step = taps.length > 1 ? taps[1] - taps[0] : 1;
  const regular = taps.every((t, i) => i === 0 || t - taps[i - 1] === step) && taps[taps.length - 1] === K - 1;
  if (!regular) step = 1;
  let t0 = regular ? taps[0] : taps[0];
  while (t0 * d > pl && t0 - step >= 0) t0 -= step;
  if (t0 * d > pl) {
    step = 1;
    t0 = Math.min(taps[0], Math.floor(pl / d));
  }
  const grid: number[] = [];
  for (let t = t0; t <= K - 1; t += step) grid.push(t);
  return { grid, step };
}

export function exportConv1d(m: Conv1d | PitConv1d, p: LayerPlan): Conv1d {
  const dw = m.groups > 1 && m.groups === m.inChannels && m.groups === m.outChannels;
  const K = m.kernelSize;
  const d = m.dilation;
  const [pl, pr] = padPair(m.padding, K, d);
  const cout = p.outKeep.length;
  const cin = dw ? cout : m.groups === 1 ? p.inKeep.length : m.inChannels;
  const groups = dw ? cout : m.groups;
  let k = K;
  let dil = d;
  let padding: Padding1d = m.padding;
  let taps: number[] | null = null;
  let kept = new Set<number>();
  if (p.taps !== null && p.taps.length < K) {
    const { grid, step } = tapGrid(p.taps, K, d, pl);
    taps = grid;
    kept = new Set(p.taps);
    k = grid.length;
    dil = k === 1 ? 1 : d * step;
    const newPl = pl - grid[0] * d;
    padding = m.padding === 'causal' && newPl === (k - 1) * dil ? 'causal' : [newPl, pr];
  }
  const out = new Conv1d(cin, cout, k, { stride: m.stride, dilation: dil, padding, groups, bias: m.bias !== null, rng: initRng() });
  const w = gather(m.weight, [p.outKeep, dw || m.groups !== 1 ? null : p.inKeep, taps]);
  if (taps !== null) {
    // Taps added only to keep the padding non-negative carry zero weights.
    for (let i = 0; i < w.data.length; i++) if (!kept.has((taps)[i % k])) w.data[i] = 0;
  }
  copyInto(out.weight, w);
  if (m.bias !== null && out.bias !== null) copyInto(out.bias, gather(m.bias, [p.outKeep]));
  return out;
}

export function exportConv2d(m: Conv2d | PitConv2d, p: LayerPlan): Conv2d {
  const dw = m.groups > 1 && m.groups === m.inChannels && m.groups === m.outChannels;
  const cout = p.outKeep.length;
  const cin = dw ? cout : m.groups === 1 ? p.inKeep.length : m.inChannels;
  const out = new Conv2d(cin, cout, [m.kh, m.kw], { stride: m.stride, dilation: m.dilation, padding: m.padding, groups: dw ? cout : m.groups, bias: m.bias !== null, rng: initRng() });
  copyInto(out.weight, gather(m.weight, [p.outKeep, dw || m.groups !== 1 ? null : p.inKeep, null, null]));
  if (m.bias !== null && out.bias !== null) copyInto(out.bias, gather(m.bias, [p.outKeep]));
  return out;
}

export function exportLinear(m: Linear | PitLinear, p: LayerPlan): Linear {
  const out = new Linear(p.inKeep.length, p.outKeep.length, { bias: m.bias !== null, rng: initRng() });
  copyInto(out.weight, gather(m.weight, [p.outKeep, p.inKeep]));
  if (m.bias !== null && out.bias !== null) copyInto(out.bias, gather(m.bias, [p.outKeep]));
  return out;
}

export function exportBatchNorm(m: BatchNorm, keep: number[]): BatchNorm {
  const opts = { eps: m.eps, momentum: m.momentum, affine: m.weight !== null };
  const out = m instanceof BatchNorm1d ? new BatchNorm1d(keep.length, opts) : new BatchNorm2d(keep.length, opts);
  if (m.weight !== null && out.weight !== null) copyInto(out.weight, gather(m.weight, [keep]));
  if (m.bias !== null && out.bias !== null) copyInto(out.bias, gather(m.bias, [keep]));
  copyInto(out.runningMean, gather(m.runningMean, [keep]));
  copyInto(out.runningVar, gather(m.runningVar, [keep]));
  return out;
}

/** A copy of a module the plan does not change (a library layer rebuilt, else a structural clone around `rebuilt` children). */
export function copyModule(m: Module, rebuilt: ReadonlyMap<string, Module>): Module {
  try {
    const out = buildFromArchitecture(describeArchitecture(m));
    if (m.children().length > 0) throw new Error('container');
    out.loadStateDict(m.stateDict());
    return out;
  } catch {
    // A module type without an architecture description (or a container): clone it around its new children.
  }
  return m.cloneWithChildren(rebuilt);
}

function exportModule(m: Module, path: string, plan: ExportPlan): Module {
  const g = geometryOf(m);
  const layer = plan.layers.get(path) ?? (g === null ? null : { inKeep: range(g.inChannels), outKeep: range(g.outChannels), taps: null, dilation: 1 });
  const channels = plan.channels.get(path) ?? null;
  const kind = kindOf(m);
  if (isSearchableKind(kind) && kind.method === 'pit' && kind.toDense !== undefined) return kind.toDense(m, { layer, channels } satisfies PitDensePlan);
  // Plain layers: excluded from the search, or met in a hand-built model; their inputs may still shrink.
  if (layer !== null && m instanceof Conv1d) return exportConv1d(m, layer);
  if (layer !== null && m instanceof Conv2d) return exportConv2d(m, layer);
  if (layer !== null && m instanceof Linear) return exportLinear(m, layer);
  if (m instanceof BatchNorm) return exportBatchNorm(m, channels ?? range(m.numFeatures));
  const kids = m.children().filter(([, c]) => !isSearchOnly(c));
  const rebuilt = new Map(kids.map(([n, c]) => [n, exportModule(c, path === '' ? n : `${path}.${n}`, plan)]));
  if (m instanceof Sequential) return new Sequential(...kids.map(([n]) => rebuilt.get(n) as Module));
  if (m instanceof Residual) {
    return new Residual(rebuilt.get('body') as Module, rebuilt.get('shortcut') ?? null, rebuilt.get('post') ?? null);
  }
  return copyModule(m, rebuilt);
}

/** The dense model for `plan` (see PitModel.exportPlan); the source model is left unchanged. */
export function exportDense(model: Module, plan: ExportPlan): Module {
  for (const [path, l] of plan.layers) {
    if (l.outKeep.length === 0) throw new Error(`pit export: every output channel of '${path}' is pruned; that cannot happen with keep-alive masks — were the masks edited by hand?`);
  }
  return noGrad(() => {
    const out = exportModule(model, '', plan);
    out.train(model.training);
    return out;
  });
}
