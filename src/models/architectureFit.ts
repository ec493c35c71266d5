/**
 * Does a model fit its data? One forward pass of a zero sample through the model, layer by layer
 * alongside its architecture description, so that a mismatch is reported at the JSON path of the
 * layer to edit ("the first conv takes 1 input channel but the data has 3 channels [3, 128]; edit
 * layers[0].cin") instead of as a shape error deep inside a kernel at the first training batch.
 * Running the library's own layers (not a separate shape calculator) keeps the check exact.
 */

import type { Rng } from '../tensor/rng.js';
import type { Tensor } from '../tensor/tensor.js';
import { zeros } from '../tensor/create.js';
import { fmtShape } from '../tensor/shape.js';
import { noGrad } from '../autograd/graph.js';
import { add } from '../autograd/ops/elementwise.js';
import type { Module } from '../nn/module.js';
import { buildFromArchitecture, type ArchNode } from '../nn/serialize.js';

/** Most values one layer may produce (or gather for its im2col) for ONE sample: 800 MB of float32. */
export const MAX_LAYER_VALUES = 200_000_000;

export interface FitReport {
  /** The model's output shape for a batch of one sample: [1, outputs]. */
  outputShape: number[];
  parameters: number;
}

interface Walk {
  source: string;
  inputShape: readonly number[];
  /** Whether a conv / linear / BatchNorm has run yet (the first one receives the data's channels). */
  seenWeighted: boolean;
  /** The last layer that set the feature count, and its field, for the "edit ..." hint on the output size. */
  last: { path: string; field: string } | null;
}

const join = (path: string, k: string): string => (path === '' ? k : `${path}.${k}`);
const plural = (n: number, w: string): string => `${n} ${w}${n === 1 ? '' : 's'}`;

function fail(w: Walk, msg: string): never {
  throw new Error(`${w.source}: ${msg}`);
}

/** Refuse a conv whose output or im2col would be huge before its kernel allocates it. */
function checkConvSize(w: Walk, a: Extract<ArchNode, { type: 'Conv1d' | 'Conv2d' }>, x: Tensor, path: string): void {
  // An upper bound: every spatial axis grown by all of the padding, stride ignored.
  const p = a.padding;
  const padTotal = typeof p === 'number' ? 2 * p : Array.isArray(p) ? (p as number[]).reduce((q, n) => q + n, 0) : 0;
  const spatial = x.shape.slice(2).reduce((q, n) => q * (n + padTotal), 1);
  const kernel = typeof a.k === 'number' ? a.k : a.k[0] * a.k[1];
  const values = spatial * Math.max(a.cout, (a.cin / a.groups) * kernel);
  if (values > MAX_LAYER_VALUES) {
    fail(w, `${path} (${a.type}) would compute about ${Math.round(values).toLocaleString('en-US')} values for one sample, above the limit of ${MAX_LAYER_VALUES.toLocaleString('en-US')}; shrink the input or the layer`);
  }
}

/** The checks that give a precise hint for the layers whose input width is a field of the description. */
function preCheck(w: Walk, a: ArchNode, x: Tensor, path: string): void {
  const s = x.shape;
  if (a.type === 'Conv1d' || a.type === 'Conv2d') {
    const rank = a.type === 'Conv1d' ? 3 : 4;
    const want = a.type === 'Conv1d' ? '[C, L] sequences' : '[C, H, W] images';
    if (s.length !== rank) {
      const what = w.seenWeighted ? `receives ${fmtShape(s)}` : `the data has shape ${fmtShape(w.inputShape)} per sample`;
      fail(w, `${path} is a ${a.type}, which takes ${want}, but ${what}${w.seenWeighted ? '' : ` (use ${a.type === 'Conv1d' ? 'Conv2d' : 'Conv1d'} layers, or the other --layout)`}`);
    }
    if (s[1] !== a.cin) {
      if (!w.seenWeighted && s[1] === w.inputShape[0]) {
        fail(w, `the first conv takes ${plural(a.cin, 'input channel')} but the data has ${plural(s[1], 'channel')} ${fmtShape(w.inputShape)}; edit ${join(path, 'cin')} to ${s[1]}`);
      }
      fail(w, `${path} (${a.type}) takes cin = ${a.cin} channels but receives ${s[1]} (input ${fmtShape(s)}); edit ${join(path, 'cin')} to ${s[1]}`);
    }
    checkConvSize(w, a, x, path);
  } else if (a.type === 'Linear') {
    const last = s[s.length - 1];
    if (s.length < 2 || last !== a.in) {
      const flat = s.length > 2 ? ` (its input still has ${s.length - 1} axes per sample: add a Flatten or GlobalAvgPool before it to give it ${s.slice(1).reduce((p, n) => p * n, 1)} or ${s[1]} features)` : '';
      fail(w, `${path} (Linear) takes in = ${a.in} features but receives ${last} (input ${fmtShape(s)}); edit ${join(path, 'in')} to ${last}${flat}`);
    }
  } else if (a.type === 'BatchNorm1d' || a.type === 'BatchNorm2d') {
    if (s.length >= 2 && s[1] !== a.features) {
      fail(w, `${path} (${a.type}) normalises features = ${a.features} channels but receives ${s[1]} (input ${fmtShape(s)}); edit ${join(path, 'features')} to ${s[1]}`);
    }
  }
}

function walk(w: Walk, m: Module, a: ArchNode, x: Tensor, path: string): Tensor {
  const children = new Map(m.children());
  if (a.type === 'Sequential') {
    const list = m.children();
    let y = x;
    a.layers.forEach((l, i) => { y = walk(w, list[i][1], l, y, `${join(path, 'layers')}[${i}]`); });
    return y;
  }
  if (a.type === 'Residual') {
    const body = walk(w, children.get('body') as Module, a.body, x, join(path, 'body'));
    const sc = a.shortcut === null ? x : walk(w, children.get('shortcut') as Module, a.shortcut, x, join(path, 'shortcut'));
    if (body.shape.join() !== sc.shape.join()) {
      const what = a.shortcut === null ? 'its input (no shortcut)' : `${join(path, 'shortcut')} outputs ${fmtShape(sc.shape)}`;
      fail(w, `${join(path, 'body')} outputs ${fmtShape(body.shape)} but ${what}; the two are added, so they must match (add or edit ${join(path, 'shortcut')}, e.g. a 1×1 conv with the body's stride)`);
    }
    const y = add(body, sc);
    return a.post === null ? y : walk(w, children.get('post') as Module, a.post, y, join(path, 'post'));
  }
  preCheck(w, a, x, path);
  let y: Tensor;
  try {
    y = m.call(x);
  } catch (e) {
    fail(w, `${path === '' ? 'the model' : path} (${m.describe()}) cannot take its input ${fmtShape(x.shape)}: ${(e as Error).message}`);
  }
  if (a.type === 'Conv1d' || a.type === 'Conv2d') w.last = { path, field: 'cout' };
  if (a.type === 'Linear') w.last = { path, field: 'out' };
  if (a.type === 'Conv1d' || a.type === 'Conv2d' || a.type === 'Linear' || a.type.startsWith('BatchNorm')) w.seenWeighted = true;
  return y;
}

/**
 * Run one zero sample of `inputShape` (without the batch axis) through `model`, built from (or
 * described by) `arch`, and check that it yields `outputs` values (skipped when `outputs` is
 * undefined). Errors start with `source` and name the JSON path to edit (`root` is the path of
 * `arch` in its file: 'architecture' in a tsdnas.architecture/1 file). The model's training mode
 * is restored; nothing is learned (eval mode, no graph).
 */
export function checkModelFits(model: Module, arch: ArchNode, inputShape: readonly number[], outputs: number | undefined, source: string, root = ''): FitReport {
  const w: Walk = { source, inputShape, seenWeighted: false, last: null };
  const size = inputShape.reduce((p, n) => p * n, 1);
  if (inputShape.length === 0 || !inputShape.every((n) => Number.isInteger(n) && n >= 1) || size > MAX_LAYER_VALUES) {
    fail(w, `the input shape ${fmtShape(inputShape)} must be 1 to 3 positive integers (channels first, no batch axis, e.g. 1,96 or 3,32,32) with at most ${MAX_LAYER_VALUES.toLocaleString('en-US')} values`);
  }
  const wasTraining = model.training;
  model.eval();
  let y: Tensor;
  try {
    y = noGrad(() => walk(w, model, arch, zeros([1, ...inputShape]), root));
  } finally {
    model.train(wasTraining);
  }
  const out = [...y.shape];
  if (outputs !== undefined) {
    if (out.length !== 2) {
      fail(w, `the model's output has shape ${fmtShape(out)} for a batch of one sample; it must be [1, ${outputs}]: add a Flatten or GlobalAvgPool before the last Linear`);
    }
    if (out[1] !== outputs) {
      const edit = w.last === null ? '' : `; edit ${join(w.last.path, w.last.field)} to ${outputs}`;
      fail(w, `the model outputs ${plural(out[1], 'value')} per sample but the data needs ${outputs} (one per class, or 1 for a regression target)${edit}`);
    }
  }
  return { outputShape: out, parameters: model.numParameters() };
}

/** checkModelFits on a model freshly built from `arch` (validate `arch` first: validateArchitecture). */
export function checkArchitectureFits(arch: ArchNode, inputShape: readonly number[], outputs: number | undefined, source: string, root = ''): FitReport {
  return checkModelFits(buildModel(arch, source), arch, inputShape, outputs, source, root);
}

/** buildFromArchitecture with the source named in any error a layer's constructor still raises. */
export function buildModel(arch: ArchNode, source: string, rng?: Rng): Module {
  try {
    return buildFromArchitecture(arch, { rng });
  } catch (e) {
    throw new Error(`${source}: cannot build the model: ${(e as Error).message}`);
  }
}
