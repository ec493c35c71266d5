/**
 * Module: the PyTorch-like building block. A module owns named parameters (tensors that
 * require a gradient), named buffers (state that is saved but not trained, e.g. BatchNorm's
 * running statistics) and named child modules, registered explicitly in the constructor.
 *
 * Calling a module runs its `forward` inside a named scope, so every autograd node recorded
 * knows which module produced it (that is how a traced forward pass becomes a dataflow graph
 * of modules for the architecture search).
 *
 * Every parameter carries a role, given where it is registered: 'weight' (weights, biases,
 * BatchNorm affine, quantiser clips — trained on the training split), 'mask' (a pruning
 * method's architecture parameters) or 'precision' (a mixed-precision search's choice logits).
 * Search methods ask for parameters by role instead of each working out which tensors are theirs.
 */

import { fmtShape, sameShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { withScope } from '../autograd/graph.js';

/** What a parameter is for: trained weights, or one of the architecture-search kinds. */
export type ParameterRole = 'weight' | 'mask' | 'precision';

// On the tensor, not per module: a tensor re-registered under another parent (a searchable layer
// taking over a conv's weight) stays what it is.
const roles = new WeakMap<Tensor, ParameterRole>();

/** The role a parameter was registered with ('weight' for a tensor never registered with one). */
export function parameterRole(t: Tensor): ParameterRole {
  return roles.get(t) ?? 'weight';
}

/** The parameters of `m` (each once) registered with `role`. */
export function parametersByRole(m: Module, role: ParameterRole): Tensor[] {
  return m.parameters().filter((p) => parameterRole(p) === role);
}

/** Replace every own field of `obj` (and entries of own array fields) equal to `old` by `next`. */
export function patchFields(obj: object, old: unknown, next: unknown): void {
  const rec = obj as Record<string, unknown>;
  for (const key of Object.keys(rec)) {
    const v = rec[key];
    if (v === old) rec[key] = next;
    else if (Array.isArray(v) && v.includes(old)) rec[key] = v.map((e) => (e === old ? next : e));
  }
}

export abstract class Module {
  training = true;
  /** Name under which the parent registered this module (empty for a root). */
  localName = '';
  // Not readonly: cloneWithChildren gives a clone maps of its own.
  private _params = new Map<string, Tensor>();
  private _buffers = new Map<string, Tensor>();
  private _children = new Map<string, Module>();

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

  /**
   * Register a trainable tensor. `role` defaults to the tensor's current role, 'weight' for a new
   * one, so re-registering a shared tensor under a wrapper keeps what it is.
   */
  protected registerParameter(name: string, t: Tensor, role?: ParameterRole): Tensor {
    t.requiresGrad = true;
    t.name = name;
    roles.set(t, role ?? parameterRole(t));
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

  /**
   * A structural copy of this module for a rebuilt model, where a module class has no
   * architecture description to rebuild it from (a user's custom container): the same class and
   * plain fields, copies of its own parameters and buffers (same names, values and roles) and
   * `children` (by name) in place of its children. Own fields that pointed at an old parameter,
   * buffer or child point at its replacement, so a forward written as `this.conv.call(x)` runs
   * the new child. The source module is left unchanged.
   */
  cloneWithChildren(children: ReadonlyMap<string, Module>): this {
    const c = Object.create(Object.getPrototypeOf(this) as object) as this;
    Object.assign(c, this);
    c._params = new Map();
    c._buffers = new Map();
    c._children = new Map();
    const copy = (t: Tensor, name: string): Tensor => {
      const out = new Tensor(t.toTypedArray(), [...t.shape]);
      out.name = name;
      patchFields(c, t, out);
      return out;
    };
    for (const [n, t] of this._params) c.registerParameter(n, copy(t, n), parameterRole(t));
    for (const [n, t] of this._buffers) c.registerBuffer(n, copy(t, n));
    for (const [n, old] of this._children) {
      const next = children.get(n);
      if (next === undefined) throw new Error(`cloneWithChildren: no replacement for child '${n}' of ${this.describe()}`);
      c.registerModule(n, next);
      patchFields(c, old, next);
    }
    return c;
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
