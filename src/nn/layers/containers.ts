/** Composition: Sequential chains modules; Residual adds a shortcut (identity or a module) to a body. */

import type { Tensor } from '../../tensor/tensor.js';
import { add } from '../../autograd/ops/elementwise.js';
import { Module } from '../module.js';

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
    let y = x;
    for (const [, m] of this.children()) y = m.call(y);
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
