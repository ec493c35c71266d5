/** Composition: Sequential chains modules; Residual adds a shortcut (identity or a module) to a body. */

import type { Tensor } from '../../tensor/tensor.js';
import { add } from '../../autograd/ops/elementwise.js';
import { Module } from '../module.js';

export class Sequential extends Module {
  readonly layers: Module[];
  constructor(...layers: Module[]) {
    super();
    this.layers = layers.map((m, i) => this.registerModule(String(i), m));
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
  readonly body: Module;
  readonly shortcut: Module | null;
  readonly post: Module | null;
  constructor(body: Module, shortcut: Module | null = null, post: Module | null = null) {
    super();
    this.body = this.registerModule('body', body);
    this.shortcut = shortcut === null ? null : this.registerModule('shortcut', shortcut);
    this.post = post === null ? null : this.registerModule('post', post);
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
