/** Composition: Sequential chains modules; Residual adds a shortcut (identity or a module) to a body. */

import type { Tensor } from '../../tensor/tensor.js';
import { add, mul } from '../../autograd/ops/elementwise.js';
import { reshape } from '../../autograd/ops/movement.js';
import { Module } from '../module.js';
import { layerFusionEnabled } from '../fusion.js';
import { markInternalActivation } from '../../tensor/bufferPool.js';
import { Conv1d, Conv2d } from './conv.js';
import { AvgPool1d, AvgPool2d, GlobalAvgPool, MaxPool1d, MaxPool2d, ReLU } from './simple.js';
import { BatchNorm1d, BatchNorm2d } from './batchnorm.js';

/**
 * Layer classes whose output is a fresh array (never a view of the input) and which keep no
 * reference to their input outside the autograd graph: an activation passed between two of them
 * inside a Sequential is seen by nobody else, so backward may recycle it (src/tensor/bufferPool.ts).
 * A module elsewhere (a searchable layer) says the same with a `keepsNothing` getter returning true.
 */
const KEEPS_NOTHING: ReadonlySet<unknown> = new Set([Conv1d, Conv2d, ReLU, BatchNorm1d, BatchNorm2d, MaxPool1d, AvgPool1d, MaxPool2d, AvgPool2d, GlobalAvgPool]);

function keepsNothing(m: Module | undefined): boolean {
  if (m === undefined || Object.prototype.hasOwnProperty.call(m, 'forward')) return false;
  if (KEEPS_NOTHING.has(m.constructor) || (m as { keepsNothing?: boolean }).keepsNothing === true) return true;
  // A nested Sequential of such layers: its output is its last layer's fresh array and its input
  // goes only to its first layer (Conv → BN → ReLU blocks inside a model's Sequential).
  if (m.constructor === Sequential) {
    const layers = (m as Sequential).layers;
    return layers.length > 0 && layers.every((l) => keepsNothing(l));
  }
  // A Residual of such parts: its output is a fresh sum (or its post layer's output), its input
  // goes to the body, the shortcut and the sum's graph node only.
  if (m.constructor === Residual) {
    const r = m as Residual;
    return keepsNothing(r.body) && (r.shortcut === null || keepsNothing(r.shortcut)) && (r.post === null || keepsNothing(r.post));
  }
  return false;
}

/** Whether `m` runs its class's own forward: a subclass or an instance may override it. */
function exactly(m: Module, ...classes: unknown[]): boolean {
  return classes.includes(m.constructor) && !Object.prototype.hasOwnProperty.call(m, 'forward');
}

/** A layer that can take a following ReLU into its own op (src/nn/fusion.ts). */
export interface ReluFusable {
  /** The layer's output with ReLU applied inside its op: the values and gradients of relu(forward(x)). */
  forwardRelu(x: Tensor): Tensor;
}

/**
 * The layer of a (layer, ReLU) pair that can run as one op: exact Conv1d / Conv2d / BatchNorm
 * classes, or a module that declares `forwardRelu` (a searchable wrapper of one of them); the
 * ReLU must be an exact ReLU.
 */
function reluFusable(m: Module, next: Module | undefined): ((x: Tensor) => Tensor) | null {
  if (next === undefined || !exactly(next, ReLU) || !layerFusionEnabled()) return null;
  if (exactly(m, Conv1d, Conv2d)) return (x) => (m as Conv1d | Conv2d).convolve(x, 'relu');
  if (exactly(m, BatchNorm1d, BatchNorm2d)) return (x) => (m as BatchNorm1d).normalize(x, true, (m as BatchNorm1d).weight, (m as BatchNorm1d).bias);
  const f = (m as Partial<ReluFusable>).forwardRelu;
  return typeof f === 'function' ? (x) => f.call(m, x) : null;
}

/**
 * Conv → BatchNorm (→ ReLU) in eval mode as one conv: the BatchNorm's scale and shift folded into
 * the conv's weights and bias (w·scale, (b − μ)·scale + β), the ReLU fused. Exact classes only;
 * returns the op and how many layers it takes, or null.
 */
function evalConvBn(m: Module, next: Module | undefined, after: Module | undefined): { run: (x: Tensor) => Tensor; layers: number } | null {
  if (next === undefined || !layerFusionEnabled() || !exactly(m, Conv1d, Conv2d) || !exactly(next, BatchNorm1d, BatchNorm2d)) return null;
  const bn = next as BatchNorm1d;
  if (bn.training) return null;
  const conv = m as Conv1d | Conv2d;
  const relu = after !== undefined && exactly(after, ReLU);
  return {
    layers: relu ? 3 : 2,
    run: (x) => {
      const [scale, shift] = bn.evalScaleShift();
      const w = mul(conv.weight, reshape(scale, conv.weight.shape.map((d, i) => (i === 0 ? d : 1))));
      const b = conv.bias === null ? shift : add(mul(conv.bias, scale), shift);
      return conv.convolve(x, relu ? 'relu' : 'none', w, b);
    },
  };
}

export class Sequential extends Module {
  constructor(...layers: Module[]) {
    super();
    layers.forEach((m, i) => this.registerModule(String(i), m));
  }
  /** The current layers, in order (a getter, so it follows replaceChild). */
  get layers(): Module[] {
    return this.children().map(([, m]) => m);
  }
  forward(x: Tensor): Tensor {
    const layers = this.children();
    let y = x;
    for (let i = 0; i < layers.length; i++) {
      const m = layers[i][1];
      const folded = evalConvBn(m, layers[i + 1]?.[1], layers[i + 2]?.[1]);
      if (folded !== null) {
        const input = y;
        y = m.inScope(() => folded.run(input)); // the BatchNorm (and ReLU) run inside the conv
        i += folded.layers - 1;
        if (keepsNothing(m) && keepsNothing(layers[i + 1]?.[1])) markInternalActivation(y.data);
        continue;
      }
      const fused = reluFusable(m, layers[i + 1]?.[1]);
      if (fused !== null) {
        const input = y;
        y = m.inScope(() => fused(input)); // the ReLU module runs inside it (src/nn/fusion.ts)
        i++;
      } else y = m.call(y);
      if (keepsNothing(m) && keepsNothing(layers[i + 1]?.[1])) markInternalActivation(y.data);
    }
    return y;
  }
  override describe(): string {
    return `Sequential(${this.children().length} layers)`;
  }
}

/** y = post(body(x) + shortcut(x)); shortcut defaults to identity, post (e.g. ReLU) to nothing. */
export class Residual extends Module {
  constructor(body: Module, shortcut: Module | null = null, post: Module | null = null) {
    super();
    this.registerModule('body', body);
    if (shortcut !== null) this.registerModule('shortcut', shortcut);
    if (post !== null) this.registerModule('post', post);
  }
  // Getters, so that they follow replaceChild.
  get body(): Module {
    return this.child('body') as Module;
  }
  get shortcut(): Module | null {
    return this.child('shortcut') ?? null;
  }
  get post(): Module | null {
    return this.child('post') ?? null;
  }
  private child(name: string): Module | undefined {
    return this.children().find(([k]) => k === name)?.[1];
  }
  forward(x: Tensor): Tensor {
    const children = new Map(this.children());
    const body = children.get('body') as Module;
    const sc = children.get('shortcut');
    const post = children.get('post');
    const b = body.call(x);
    const s = sc === undefined ? x : sc.call(x);
    const y = add(b, s);
    // The body's and shortcut's outputs are read by the sum only, the sum by post only: backward may recycle them.
    if (keepsNothing(body)) markInternalActivation(b.data);
    if (sc !== undefined && keepsNothing(sc)) markInternalActivation(s.data);
    if (post === undefined) return y;
    if (keepsNothing(post)) markInternalActivation(y.data);
    return post.call(y);
  }
}
