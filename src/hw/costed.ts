/**
 * The cost side of a model under search, shared by every method: a set of named cost models and
 * the layer calls with their effective sizes (which each method computes from its own masks or
 * precision choices); any cost is the cost model summed (or maxed) over the calls.
 */

import type { Tensor } from '../tensor/tensor.js';
import { totalCost, type CostModel, type LayerCall } from './spec.js';

export abstract class CostedModel {
  protected readonly costModels: Record<string, CostModel>;

  /** `who` names the method in errors ('pit', 'mps', 'joint'). */
  constructor(costs: Readonly<Record<string, CostModel>>, private readonly who: string) {
    this.costModels = { ...costs };
  }

  /** The layer invocations with their effective sizes (discrete: binarised / argmax choices with straight-through gradients). */
  abstract layerCalls(discrete: boolean): LayerCall[];

  /** Register (or replace) a named cost model. */
  addCost(model: CostModel, name = model.name): void {
    this.costModels[name] = model;
  }

  costNames(): string[] {
    return Object.keys(this.costModels);
  }

  /** One named cost as an autograd scalar. */
  cost(name: string, opts: { discrete?: boolean } = {}): Tensor {
    const cm = this.costModels[name];
    if (cm === undefined) throw new Error(`${this.who}: unknown cost '${name}'; available: ${this.costNames().join(', ')}`);
    return totalCost(cm, this.layerCalls(opts.discrete ?? true));
  }

  /** Every named cost, sharing one evaluation of the layer calls. */
  costs(opts: { discrete?: boolean } = {}): Record<string, Tensor> {
    const calls = this.layerCalls(opts.discrete ?? true);
    return Object.fromEntries(Object.entries(this.costModels).map(([n, cm]) => [n, totalCost(cm, calls)]));
  }
}
