/**
 * Module: the PyTorch-like building block. A module owns named parameters (tensors that
 * require a gradient), named buffers (state that is saved but not trained, e.g. BatchNorm's
 * running statistics) and named child modules, registered explicitly in the constructor.
 *
 * Calling a module runs its `forward` inside a named scope, so every autograd node recorded
 * knows which module produced it (that is how a traced forward pass becomes a dataflow graph
 * of modules for the architecture search).
 */

import { fmtShape, sameShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { withScope } from '../autograd/graph.js';

export abstract class Module {
  training = true;
  /** Name under which the parent registered this module (empty for a root). */
  localName = '';
  private readonly _params = new Map<string, Tensor>();
  private readonly _buffers = new Map<string, Tensor>();
  private readonly _children = new Map<string, Module>();

  /** The computation, on one input tensor (multi-input modules override `forward` with more). */
  abstract forward(x: Tensor): Tensor;

  /** Run forward inside this module's scope. Prefer this over calling forward directly. */
  call(x: Tensor): Tensor {
    return this.inScope(() => this.forward(x));
  }

  /** Run `fn` inside this module's scope (what `call` does around forward). */
  inScope<T>(fn: () => T): T {
    return this.localName === '' ? fn() : withScope(this.localName, fn);
  }

  /** A short description for summaries, e.g. "Conv1d(3→10, k=3, d=1)". */
  describe(): string {
    return this.constructor.name;
  }

  protected registerParameter(name: string, t: Tensor): Tensor {
    t.requiresGrad = true;
    t.name = name;
    this._params.set(name, t);
    return t;
  }

  protected registerBuffer(name: string, t: Tensor): Tensor {
    t.requiresGrad = false;
    t.name = name;
    this._buffers.set(name, t);
    return t;
  }

  protected registerModule<M extends Module>(name: string, m: M): M {
    m.localName = name;
    this._children.set(name, m);
    return m;
  }

  /** Replace a registered child (used by architecture conversion to swap in searchable layers). */
  replaceChild(name: string, m: Module): void {
    if (!this._children.has(name)) throw new Error(`replaceChild: ${this.describe()} has no child '${name}' (children: ${[...this._children.keys()].join(', ')})`);
    m.localName = name;
    this._children.set(name, m);
  }

  children(): [string, Module][] {
    return [...this._children];
  }

  /** Every module below (and including) this one, with dotted paths ('' for this one). */
  namedModules(prefix = ''): [string, Module][] {
    const out: [string, Module][] = [[prefix, this]];
    for (const [n, c] of this._children) out.push(...c.namedModules(prefix === '' ? n : `${prefix}.${n}`));
    return out;
  }

  namedParameters(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [n, p] of this._params) out.push([prefix === '' ? n : `${prefix}.${n}`, p]);
    for (const [n, c] of this._children) out.push(...c.namedParameters(prefix === '' ? n : `${prefix}.${n}`));
    return out;
  }

  /** Each trainable tensor once, even when a module is registered under two parents (weight sharing). */
  parameters(): Tensor[] {
    return [...new Set(this.namedParameters().map(([, p]) => p))];
  }

  namedBuffers(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [n, b] of this._buffers) out.push([prefix === '' ? n : `${prefix}.${n}`, b]);
    for (const [n, c] of this._children) out.push(...c.namedBuffers(prefix === '' ? n : `${prefix}.${n}`));
    return out;
  }

  /** Number of trainable scalars. */
  numParameters(): number {
    return this.parameters().reduce((s, p) => s + p.size, 0);
  }

  train(on = true): this {
    for (const [, m] of this.namedModules()) m.training = on;
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /** Parameters and buffers by dotted name (the tensors themselves, not copies). */
  stateDict(): Map<string, Tensor> {
    return new Map([...this.namedParameters(), ...this.namedBuffers()]);
  }

  /**
   * Copy values into the parameters and buffers in place. Every check runs before any copy, so
   * a bad state dict leaves the module unchanged.
   */
  loadStateDict(state: ReadonlyMap<string, { shape: readonly number[]; values(): ArrayLike<number> } | Tensor>, opts: { strict?: boolean } = {}): void {
    const strict = opts.strict ?? true;
    const own = this.stateDict();
    const problems: string[] = [];
    for (const [name, t] of own) {
      const src = state.get(name);
      if (src === undefined) {
        if (strict) problems.push(`missing '${name}' (expected shape ${fmtShape(t.shape)})`);
      } else if (!sameShape(src.shape, t.shape)) {
        problems.push(`'${name}' has shape ${fmtShape(src.shape)} but the model expects ${fmtShape(t.shape)}`);
      }
    }
    if (strict) for (const name of state.keys()) if (!own.has(name)) problems.push(`unexpected '${name}'`);
    if (problems.length > 0) {
      throw new Error(`loadStateDict: state does not fit ${this.describe()}: ${problems.slice(0, 8).join('; ')}${problems.length > 8 ? `; and ${problems.length - 8} more` : ''}`);
    }
    for (const [name, t] of own) {
      const src = state.get(name);
      if (src === undefined) continue;
      const v = src.values();
      for (let i = 0; i < t.data.length; i++) t.data[i] = v[i];
    }
  }
}
