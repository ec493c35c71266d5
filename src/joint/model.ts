/**
 * The handle of a joint architecture + precision search (a SearchableModel): PIT's masks and the
 * precision logits are searched together on the validation split, the weights and activation
 * clips on the training split. Costs see both: a layer's effective input channels, output
 * channels and taps come from the masks, its Σ_c bits from the precision choice of the channels
 * the masks keep, its input / output bits from the activation choices, so weight bytes, BitOps
 * and a hardware target's latency / energy / flash / RAM all count masks × bits. The export is
 * PIT's dense model plus a quantisation plan for its kept channels.
 */

import type { Tensor } from '../tensor/tensor.js';
import { mul } from '../autograd/ops/elementwise.js';
import { sum } from '../autograd/ops/reduce.js';
import { parametersByRole, type Module } from '../nn/module.js';
import { searchedParameters } from '../graph/index.js';
import { CostedModel, type CostModel, type LayerCall } from '../hw/index.js';
import type { LayerState, SearchableModel } from '../search/types.js';
import type { LayerRecord, OutMaskedModule, PitModel } from '../nas/pit/index.js';
import { annealTemperature, calibrateQuantizers, type MixedActQuant, type MixedWeightQuant, type SelectionState } from '../quant/mps/index.js';
import type { QuantPlan } from '../quant/index.js';

/** One call of a searched layer: PIT's record and the quantisers attached to the layer. */
export interface JointLayerRecord {
  pit: LayerRecord;
  layer: OutMaskedModule;
  wq: MixedWeightQuant;
  /** Quantiser of the layer's input, and of its output (null: nobody quantises it, e.g. the graph output). */
  inQuant: MixedActQuant;
  outQuant: MixedActQuant | null;
}

export class JointModel extends CostedModel implements SearchableModel {

  constructor(
    readonly pit: PitModel,
    readonly layers: JointLayerRecord[],
    readonly quantizers: MixedActQuant[],
    readonly inputQuant: MixedActQuant,
    readonly state: SelectionState,
    costs: Readonly<Record<string, CostModel>>,
    /** What the conversion decided (frozen groups, signed quantisers, …). */
    readonly report: string[],
  ) {
    super(costs, 'joint');
  }

  get model(): Module {
    return this.pit.model;
  }

  /** PIT's masks and the searched precision logits (by their roles): what the validation pass updates. */
  maskParameters(): Tensor[] {
    return [...searchedParameters(this.model, 'mask'), ...searchedParameters(this.model, 'precision')];
  }

  /** Weights, biases, BatchNorm affine and the activation clips (role 'weight'); a fixed logit is in neither set. */
  weightParameters(): Tensor[] {
    return parametersByRole(this.model, 'weight');
  }

  /**
   * PIT's layer calls with the precision sizes added: Σ_c m_c·E[b_c] over the output channels
   * (m the binarised channel mask, so a pruned channel counts 0 bits once), and the expected
   * (or straight-through argmax) input and output bits.
   */
  layerCalls(discrete: boolean): LayerCall[] {
    const calls = this.pit.layerCalls(discrete);
    const bitsCache = new Map<MixedActQuant, Tensor>();
    const bits = (q: MixedActQuant): Tensor => {
      let t = bitsCache.get(q);
      if (t === undefined) bitsCache.set(q, (t = q.bits(discrete)));
      return t;
    };
    const wCache = new Map<MixedWeightQuant, Tensor>();
    return calls.map((c, i) => {
      const r = this.layers[i];
      let wBitsSum = wCache.get(r.wq);
      if (wBitsSum === undefined) {
        const sel = r.wq.selector;
        const e = sel.expectedBits(sel.costTheta(discrete));
        const m = r.pit.outSource.hard();
        if (r.wq.perChannel) wBitsSum = sum(m === null ? e : mul(e, m));
        else wBitsSum = mul(e, c.eff.cout);
        wCache.set(r.wq, wBitsSum);
      }
      const outBits = r.outQuant === null ? undefined : bits(r.outQuant);
      return { ...c, eff: { ...c.eff, wBitsSum, inBits: bits(r.inQuant), ...(outBits === undefined ? {} : { outBits }) } };
    });
  }



  /** T ← T·e^(−rate), once per epoch, as in the precision search. */
  anneal(rate = 0.045): number {
    return annealTemperature(this.state, rate);
  }

  /** Set every activation clip to the largest |value| its quantiser sees on `batch`. */
  calibrateClips(batch: Tensor): void {
    calibrateQuantizers(this.model, this.quantizers, batch);
  }

  /**
   * The argmax assignment for the exported dense model: each kept layer's weight bits for its kept
   * output channels (in order), its output activation bits (32 for the graph output).
   */
  plan(): QuantPlan {
    const keep = this.pit.exportPlan().layers;
    const layers: QuantPlan['layers'] = {};
    for (const r of this.layers) {
      if (!r.pit.firstCall) continue;
      const kept = keep.get(r.pit.path)?.outKeep ?? [];
      const bits = r.wq.chosenBits(r.pit.spec.cout);
      layers[r.pit.path] = { wBits: kept.map((c) => bits[c]), aBits: r.outQuant === null ? 32 : r.outQuant.chosenBits() };
    }
    return { inputBits: this.inputQuant.chosenBits(), layers };
  }

  /** Weight bits of every output channel of the seed layer: the chosen bits, 0 where the mask pruned it. */
  channelBits(): Map<string, number[]> {
    const out = new Map<string, number[]>();
    for (const r of this.layers) {
      if (!r.pit.firstCall) continue;
      const alive = r.pit.outSource.alive();
      out.set(r.pit.path, r.wq.chosenBits(r.pit.spec.cout).map((b, c) => (alive[c] ? b : 0)));
    }
    return out;
  }

  /** PIT's per-layer state with the precisions: mean weight bits over the seed's channels (pruned = 0) and output bits. */
  summary(): LayerState[] {
    const bits = this.channelBits();
    const aBits = new Map(this.layers.filter((r) => r.pit.firstCall).map((r) => [r.pit.path, r.outQuant?.chosenBits()]));
    return this.pit.summary().map((l) => {
      const b = bits.get(l.name) ?? [];
      const a = aBits.get(l.name);
      return { ...l, wBits: b.length === 0 ? 0 : b.reduce((s, v) => s + v, 0) / b.length, ...(a === undefined ? {} : { aBits: a }) };
    });
  }

  /** PIT's dense export (float weights, pruned channels and taps removed); quantise it with plan(). */
  exportFloat(): Module {
    return this.pit.export();
  }

  exportDense(): Module {
    return this.exportFloat();
  }
}
