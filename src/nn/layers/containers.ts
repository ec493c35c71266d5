/** Composition: Sequential chains modules; Residual adds a shortcut (identity or a module) to a body. */

import type { Tensor } from '../../tensor/tensor.js';
import { add } from '../../autograd/ops/elementwise.js';
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
 */
const KEEPS_NOTHING: ReadonlySet<unknown> = new Set([Conv1d, Conv2d, ReLU, BatchNorm1d, BatchNorm2d, MaxPool1d, AvgPool1d, MaxPool2d, AvgPool2d, GlobalAvgPool]);

function keepsNothing(m: Module | undefined): boolean {
  return m !== undefined && KEEPS_NOTHING.has(m.constructor) && !Object.prototype.hasOwnProperty.call(m, 'forward');
}

/**
 * The conv of a Conv → ReLU pair that can run fused: exact classes only, because a subclass
 * (a searchable or quantised layer) may override forward, and so may an instance.
 */
function fusableConv(m: Module, next: Module | undefined): Conv1d | Conv2d | null {
  if (next === undefined || next.constructor !== ReLU || !layerFusionEnabled()) return null;
  if (m.constructor !== Conv1d && m.constructor !== Conv2d) return null;
  if (Object.prototype.hasOwnProperty.call(m, 'forward') || Object.prototype.hasOwnProperty.call(next, 'forward')) return null;
  return m as Conv1d | Conv2d;
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
      const conv = fusableConv(m, layers[i + 1]?.[1]);
      if (conv !== null) {
        const input = y;
        y = conv.inScope(() => conv.convolve(input, 'relu')); // the ReLU module runs inside it (src/nn/fusion.ts)
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
    const y = add(body.call(x), sc === undefined ? x : sc.call(x));
    return post === undefined ? y : post.call(y);
  }
}
