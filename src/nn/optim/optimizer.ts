/**
 * The optimiser base: param groups with their own hyper-parameters, per-parameter state created
 * on first use, and the step loop that hands each parameter that has a gradient to the concrete
 * update rule. Subclasses only write the arithmetic of one parameter's update.
 */

import { Tensor } from '../../tensor/tensor.js';
import { groupWhere, resolveHyper } from './hyper.js';
import { checkParam, describeParam, gradValues, zerosLike, type FloatArray } from './params.js';
import { exportState, importState, type OptimizerStateDict } from './stateDict.js';
import type { BaseHyper, OptimizerParamGroup, OptimizerSpec, ParamGroup, ParamState } from './types.js';
import { checkKnownKeys, checkObject, fmtValue } from './validate.js';

export abstract class Optimizer<H extends BaseHyper = BaseHyper> {
  /** The groups in order; hyper-parameters (e.g. `lr`) may be reassigned between steps. */
  readonly paramGroups: OptimizerParamGroup<H>[] = [];
  /** The defaults that groups fall back on (the constructor's options over the class defaults). */
  readonly defaults: Readonly<H>;
  protected readonly spec: OptimizerSpec<H>;
  private readonly states = new Map<Tensor, ParamState>();
  /** Position of every parameter across all groups (its id in state dicts). */
  private readonly ids = new Map<Tensor, number>();
  /** Given a plain parameter list: messages then need not mention groups. */
  private readonly plainList: boolean;

  protected constructor(spec: OptimizerSpec<H>, params: Iterable<Tensor> | Iterable<ParamGroup<H>>, options: Partial<H>) {
    this.spec = spec;
    checkKnownKeys(spec.name, 'the options', checkObject(spec.name, 'options', options), Object.keys(spec.schema));
    // Checked now so that a bad option is reported as such, not as a bad group.
    this.defaults = resolveHyper(spec, spec.name, '', options as Record<string, unknown>, spec.defaults);
    const list: unknown[] = params !== null && typeof params === 'object' && Symbol.iterator in params ? Array.from(params as Iterable<unknown>) : [params];
    if (list.length === 0) throw new Error(`${spec.name}: got an empty parameter list`);
    const tensors = list.filter((x) => x instanceof Tensor).length;
    if (tensors !== 0 && tensors !== list.length) {
      throw new Error(`${spec.name}: params must be all Tensors or all param groups ({ params, lr?, ... }), not a mix`);
    }
    this.plainList = tensors === list.length;
    if (this.plainList) this.addParamGroup({ params: list as Tensor[] } as unknown as ParamGroup<H>);
    else for (const g of list) this.addParamGroup(g as ParamGroup<H>);
  }

  /** Adds a group (e.g. newly unfrozen layers); its options left out take `defaults`. */
  addParamGroup(group: ParamGroup<H>): void {
    const name = this.spec.name;
    const gi = this.paramGroups.length;
    const g = checkObject(name, `param group ${gi}`, group);
    checkKnownKeys(name, `param group ${gi}`, g, ['params', 'name', ...Object.keys(this.spec.schema)]);
    if (g.name !== undefined && typeof g.name !== 'string') throw new Error(`${name}: param group ${gi}: name must be a string, got ${fmtValue(g.name)}`);
    const groupName = g.name as string | undefined;
    const where = this.where(gi, groupName);
    const ps = g.params;
    if (ps === null || typeof ps !== 'object' || !(Symbol.iterator in ps)) {
      throw new Error(`${name}: ${where}params must be an array of Tensors, got ${fmtValue(ps)}`);
    }
    const params = Array.from(ps as Iterable<unknown>);
    const hyper = resolveHyper(this.spec, name, where, g, this.defaults);
    const fresh = new Map<Tensor, number>();
    params.forEach((p, k) => {
      checkParam(name, p, this.ids.size + k, where);
      const before = this.ids.get(p) ?? fresh.get(p);
      if (before !== undefined) {
        throw new Error(`${name}: ${where}${describeParam(p, this.ids.size + k)} is the same tensor as parameter ${before}; a parameter may appear only once across all param groups`);
      }
      fresh.set(p, this.ids.size + k);
    });
    for (const [p, id] of fresh) this.ids.set(p, id);
    this.paramGroups.push({ params: params as Tensor[], name: groupName, ...hyper });
  }

  /** One update of every parameter that has a gradient; those whose `grad` is null are left alone. */
  step(): void {
    this.paramGroups.forEach((group, gi) => {
      // Re-checked each step: schedulers and users assign to the groups' fields directly.
      resolveHyper(this.spec, this.spec.name, this.where(gi, group.name), group as unknown as Record<string, unknown>);
      for (const p of group.params) {
        if (p.grad === null) continue;
        const g = gradValues(this.spec.name, p, this.ids.get(p) as number);
        let state = this.states.get(p);
        if (state === undefined) {
          state = { step: 0, buffers: {} };
          this.states.set(p, state);
        }
        state.step += 1;
        this.update(p.data as FloatArray, g, state, group);
      }
    });
  }

  /** Drops every parameter's gradient (the next backward starts from nothing). */
  zeroGrad(): void {
    for (const group of this.paramGroups) for (const p of group.params) p.grad = null;
  }

  /** The live state of one parameter (undefined until it has been updated). */
  stateOf(p: Tensor): Readonly<ParamState> | undefined {
    return this.states.get(p);
  }

  /** A snapshot of hyper-parameters and state; layout documented in stateDict.ts. */
  stateDict(): OptimizerStateDict {
    return exportState(this.spec, this.paramGroups, this.states);
  }

  /** Restores hyper-parameters and state from `stateDict()` output; validates everything first. */
  loadStateDict(sd: OptimizerStateDict): void {
    const { hypers, states } = importState(this.spec, sd, this.paramGroups);
    hypers.forEach((h, gi) => Object.assign(this.paramGroups[gi], h));
    this.states.clear();
    for (const [p, s] of states) this.states.set(p, s);
  }

  /** Messages mention the group unless the optimiser was given a plain list and still has one group. */
  private where(gi: number, name: string | undefined): string {
    return groupWhere(gi, name, this.plainList && gi === 0 && this.paramGroups.length <= 1);
  }

  /**
   * Updates one parameter in place. `p` is its dense storage, `g` its gradient, `state` its
   * state (step already incremented: 1 on the first update).
   */
  protected abstract update(p: FloatArray, g: ArrayLike<number>, state: ParamState, h: H): void;
}

/** The named buffer of a parameter's state, created as zeros of the parameter's dtype if absent. */
export function buffer(state: ParamState, name: string, p: FloatArray): FloatArray {
  let b = state.buffers[name];
  if (b === undefined) {
    b = zerosLike(p);
    state.buffers[name] = b;
  }
  return b;
}
