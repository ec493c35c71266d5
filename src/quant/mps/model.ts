/**
 * The handle of a model under mixed-precision search (it implements the search protocol's
 * SearchableModel): the converted model, its precision logits (the "mask" parameters, updated
 * on the validation split) and weights (with the PACT clips), its exact expected costs through
 * any CostModel, the argmax assignment as a quantisation plan, and the plain float model to
 * hand to the quantiser for fine-tuning.
 */

import type { Tensor } from '../../tensor/tensor.js';
import { scalar } from '../../tensor/create.js';
import { mul, sub } from '../../autograd/ops/elementwise.js';
import { noGrad } from '../../autograd/graph.js';
import { onesLike } from '../../tensor/create.js';
import { sum } from '../../autograd/ops/reduce.js';
import { parametersByRole, type Module } from '../../nn/module.js';
import { searchedParameters } from '../../graph/kinds.js';
import { buildFromArchitecture, type ArchNode } from '../../nn/serialize.js';
import { CostedModel, type CostModel, type EffectiveSizes, type LayerCall, type LayerSpec } from '../../hw/index.js';
import type { LayerState, SearchableModel } from '../../search/types.js';
import type { MixedActQuant } from './mixedAct.js';
import type { MpsLayer } from './mpsLayer.js';
import { annealTemperature, type SelectionState } from './selector.js';
import type { PlanLayerInfo, QuantPlan } from '../plan.js';

/** One invocation of a searched layer in the traced graph. */
export interface MpsLayerRecord {
  path: string;
  spec: LayerSpec;
  firstCall: boolean;
  layer: MpsLayer;
  /** Quantiser of the input (null: none, e.g. unquantised), and of the output (null: graph output). */
  inQuant: MixedActQuant | null;
  outQuant: MixedActQuant | null;
  /**
   * Layers whose 0-bit channels make this layer's input channels exactly zero (an input channel
   * is dead iff all of them chose 0 bits for it; empty: cin is full). See zeroWriters.ts.
   */
  inProducers: MpsLayer[];
  /** Features per input channel (positions after a flatten; 1 for convs). */
  inRepeat: number;
}

export interface MpsLayerSummary {
  name: string;
  kind: string;
  cout: number;
  /** Chosen weight bits per output channel (one value per distinct bit-width with its count). */
  wBits: Record<string, number>;
  aInBits: number | null;
  aOutBits: number | null;
  sizeBytes: number;
  bitops: number;
}

export class MpsModel extends CostedModel implements SearchableModel {

  constructor(
    readonly model: Module,
    /** Architecture of the original plain model (the export rebuilds it). */
    readonly architecture: ArchNode | null,
    readonly layers: MpsLayerRecord[],
    readonly quantizers: MixedActQuant[],
    readonly inputQuant: MixedActQuant,
    readonly state: SelectionState,
    costs: Readonly<Record<string, CostModel>>,
    /** What the conversion decided (classifier kept, signed quantisers, …). */
    readonly report: string[],
  ) {
    super(costs, 'mps');
  }

  /** The 'precision' logits that are searched (a fixed or single-candidate choice is not). */
  maskParameters(): Tensor[] {
    return searchedParameters(this.model, 'precision');
  }

  /** The 'weight' parameters (weights, biases, PACT clips); fixed choices' logits are neither searched nor trained. */
  weightParameters(): Tensor[] {
    return parametersByRole(this.model, 'weight');
  }



  /** Layer calls with precision-aware effective sizes (expected, or straight-through argmax when discrete). */
  layerCalls(discrete: boolean): LayerCall[] {
    const aliveCache = new Map<MpsLayer, Tensor | null>();
    const aliveVec = (l: MpsLayer): Tensor | null => {
      if (!aliveCache.has(l)) {
        const wq = l.wq;
        aliveCache.set(l, wq.perChannel ? wq.selector.aliveProbability(wq.selector.costTheta(discrete)) : null);
      }
      return aliveCache.get(l) as Tensor | null;
    };
    const bitsCache = new Map<MixedActQuant, Tensor>();
    const bits = (q: MixedActQuant | null): Tensor | undefined => {
      if (q === null) return undefined;
      let t = bitsCache.get(q);
      if (t === undefined) bitsCache.set(q, (t = q.bits(discrete)));
      return t;
    };
    return this.layers.map((r) => {
      const coutN = r.spec.cout;
      const ownAlive = aliveVec(r.layer);
      const cout = ownAlive === null ? scalar(coutN) : sum(ownAlive);
      let cin: Tensor;
      if (r.spec.depthwise) cin = cout;
      else {
        // A channel is dead when every layer writing it gave it 0 bits (independent choices).
        const vecs = r.inProducers.map(aliveVec);
        if (vecs.length === 0 || vecs.some((v) => v === null)) cin = scalar(r.spec.cin);
        else {
          let deadAll: Tensor | null = null;
          for (const v of vecs as Tensor[]) {
            const dead = sub(onesLike(v), v);
            deadAll = deadAll === null ? dead : mul(deadAll, dead);
          }
          const alive = sum(sub(onesLike(deadAll as Tensor), deadAll as Tensor));
          cin = r.inRepeat === 1 ? alive : mul(alive, r.inRepeat);
        }
      }
      const k = scalar(r.spec.kernel.reduce((a, b) => a * b, 1));
      const eff: EffectiveSizes = {
        cin, cout, k, inBits: bits(r.inQuant) ?? scalar(32), outBits: bits(r.outQuant) ?? scalar(32),
        wBitsSum: r.layer.wq.bitsSum(discrete, coutN),
      };
      return { spec: r.spec, eff, firstCall: r.firstCall };
    });
  }



  /** Current temperature of every selector. */
  get temperature(): number {
    return this.state.temperature;
  }

  /** T ← T·e^(−rate), once per epoch (docs/design.md#mixed-precision-search: rate 0.045). */
  anneal(rate = 0.045): number {
    return annealTemperature(this.state, rate);
  }

  /** The argmax assignment as a quantisation plan (per output channel weight bits, output activation bits). */
  plan(): QuantPlan {
    const layers: QuantPlan['layers'] = {};
    for (const r of this.layers) {
      if (!r.firstCall) continue;
      layers[r.path] = { wBits: r.layer.wq.chosenBits(r.spec.cout), aBits: r.outQuant === null ? 32 : r.outQuant.chosenBits() };
    }
    return { inputBits: this.inputQuant.chosenBits(), layers };
  }

  /** The quantisable layers as the plan validation sees them. */
  planLayers(): PlanLayerInfo[] {
    return this.layers.filter((r) => r.firstCall).map((r) => ({ path: r.path, outChannels: r.spec.cout, isOutput: r.outQuant === null }));
  }

  /** Per-layer table of the argmax assignment. */
  precisionSummary(): MpsLayerSummary[] {
    return noGrad(() => {
      const calls = this.layerCalls(true);
      const size = this.costModels.size;
      const bitops = this.costModels.bitops;
      const rows = new Map<string, MpsLayerSummary>();
      calls.forEach((c, i) => {
        const r = this.layers[i];
        const ops = bitops === undefined ? NaN : bitops.fn(c.spec, c.eff).item();
        const row = rows.get(r.path);
        if (row !== undefined) {
          row.bitops += ops;
          return;
        }
        const hist: Record<string, number> = {};
        for (const b of r.layer.wq.chosenBits(r.spec.cout)) hist[`w${b}`] = (hist[`w${b}`] ?? 0) + 1;
        rows.set(r.path, {
          name: r.path, kind: r.spec.kind, cout: r.spec.cout, wBits: hist,
          aInBits: r.inQuant === null ? null : r.inQuant.chosenBits(), aOutBits: r.outQuant === null ? null : r.outQuant.chosenBits(),
          sizeBytes: size === undefined ? NaN : size.fn(c.spec, c.eff).item(), bitops: ops,
        });
      });
      return [...rows.values()];
    });
  }

  /** Per-layer state for the search report's heat maps (SearchableModel.summary): mean chosen weight bits, channels above 0 bits. */
  summary(): LayerState[] {
    const specs = new Map(this.layers.map((r) => [r.path, r.spec]));
    // Live inputs of the argmax assignment (inputs every writer pruned are dropped when deployed).
    const calls = noGrad(() => this.layerCalls(true));
    const cinAlive = new Map<string, number>();
    this.layers.forEach((r, i) => { if (r.firstCall) cinAlive.set(r.path, Math.round(calls[i].eff.cin.item())); });
    return this.precisionSummary().map((l) => {
      const spec = specs.get(l.name) as LayerSpec;
      const counts = Object.entries(l.wBits).map(([b, n]) => [Number(b.replace(/^\D+/, '')), n] as const);
      const total = counts.reduce((a, [, n]) => a + n, 0);
      const k = spec.kernel.reduce((a, b) => a * b, 1);
      return {
        name: l.name, kind: l.kind, cin: spec.cin, cinAlive: cinAlive.get(l.name) ?? spec.cin, cout: l.cout, coutAlive: counts.filter(([b]) => b > 0).reduce((a, [, n]) => a + n, 0),
        k, kAlive: k, dilation: spec.dilation?.[0] ?? 1, wBits: total > 0 ? counts.reduce((a, [b, n]) => a + b * n, 0) / total : 0, aBits: l.aOutBits ?? undefined,
      };
    });
  }

  /** A plain float model of the original architecture carrying the searched weights. */
  exportFloat(): Module {
    if (this.architecture === null) throw new Error('mps export: the searched model was built from custom module classes without an architecture description; build it from library layers (Sequential, Residual, …) or copy its weights by hand');
    const m = buildFromArchitecture(this.architecture);
    m.loadStateDict(this.model.stateDict(), { strict: false });
    return m;
  }

  /** The protocol's export: the plain float model (quantise it with plan() to fine-tune). */
  exportDense(): Module {
    return this.exportFloat();
  }
}
