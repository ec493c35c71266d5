/**
 * The handle of a model under PIT search: the converted model, its mask and weight parameters
 * (for separate optimisers), its differentiable costs, a per-layer summary and the export to a
 * dense model. Costs follow docs/design.md#pit-masks: Cin_eff of a layer is the Cout_eff of the group that
 * feeds it (times the positions per channel after a flatten), not detached.
 */

import type { Tensor } from '../../tensor/tensor.js';
import { scalar } from '../../tensor/create.js';
import { mul } from '../../autograd/ops/elementwise.js';
import { noGrad } from '../../autograd/graph.js';
import type { Module } from '../../nn/module.js';
import { Conv1d, Conv2d } from '../../nn/layers/conv.js';
import { totalCost, type CostModel, type EffectiveSizes, type LayerCall, type LayerSpec } from '../../hw/index.js';
import type { Trace, TraceUnit } from './trace.js';
import type { Group, GroupAnalysis, UnitRole } from './groups.js';
import { ChannelMasker, type ChannelMaskSource } from './channelMask.js';
import { TimeMasker } from './timeMask.js';
import { PitConv1d } from './pitConv.js';
import { isConv, isLinear } from './kinds.js';
import { exportDense, type ExportPlan } from './export.js';
import type { LayerState } from '../search/types.js';

/** A conv / linear invocation in the traced graph, with where its input and output channels come from. */
export interface LayerRecord {
  path: string;
  spec: LayerSpec;
  firstCall: boolean;
  inSource: ChannelMaskSource;
  /** Features per input channel (positions after a flatten; 1 for convs). */
  inRepeat: number;
  outSource: ChannelMaskSource;
  inGroup: Group;
  outGroup: Group;
}

/** A layer's state (the search's per-epoch record) with its params, MACs and named costs always counted. */
export interface LayerSummary extends LayerState {
  params: number;
  macs: number;
  /** Every named cost of the layer (per-call costs summed over its calls, max-reduced ones maximised). */
  costs: Record<string, number>;
}

export interface GroupSummary {
  id: number;
  channels: number;
  alive: number;
  frozen: boolean;
  reasons: string[];
  /** Layers defining the group's channels (conv / linear paths, '<input>', concat scopes). */
  roots: string[];
  /** Every unit in the group. */
  members: string[];
}

export function specOf(u: TraceUnit, m: Module): LayerSpec {
  const y = u.outputs[0];
  // The input's geometry feeds activation-memory costs (a strided layer reads more than it writes).
  const x = u.inputs[0];
  if (isConv(m)) {
    const is1d = m instanceof Conv1d || m instanceof PitConv1d;
    const kernel = is1d ? [(m as Conv1d).kernelSize] : [(m as Conv2d).kh, (m as Conv2d).kw];
    const pair = (v: number | readonly number[]) => (typeof v === 'number' ? (is1d ? [v] : [v, v]) : [...v]);
    return {
      name: u.path, kind: is1d ? 'conv1d' : 'conv2d', cin: m.inChannels, cout: m.outChannels, kernel, groups: m.groups,
      depthwise: m.groups > 1 && m.groups === m.inChannels && m.groups === m.outChannels, bias: m.bias !== null,
      outShape: y.shape.slice(2), inShape: x === undefined ? undefined : x.shape.slice(2), stride: pair(m.stride), dilation: pair(m.dilation),
    };
  }
  if (isLinear(m)) {
    return { name: u.path, kind: 'linear', cin: m.inFeatures, cout: m.outFeatures, kernel: [], groups: 1, depthwise: false, bias: m.bias !== null, outShape: y.shape.slice(1, -1), inShape: x === undefined ? undefined : x.shape.slice(1, -1) };
  }
  throw new Error(`pit: '${u.path}' is not a conv or linear layer`);
}

export class PitModel {
  readonly layers: LayerRecord[] = [];
  private readonly costModels: Record<string, CostModel>;
  private modulesByPath: Map<string, Module>;

  constructor(
    readonly model: Module,
    readonly trace: Trace,
    readonly analysis: GroupAnalysis,
    private readonly sources: Map<Group, ChannelMaskSource>,
    costs: Readonly<Record<string, CostModel>>,
    /** What the conversion froze and why, and the unknown ops it met. */
    readonly report: string[],
  ) {
    this.costModels = { ...costs };
    this.modulesByPath = new Map(model.namedModules());
    const seen = new Set<Module>();
    for (const u of trace.units) {
      const role = analysis.roles.get(u) as UnitRole;
      if (role.role !== 'producer' && role.role !== 'depthwise') continue;
      const m = this.moduleAt(u.path);
      const inGroup = analysis.groupOf.get(u.producers[0]) as Group;
      const outGroup = analysis.groupOf.get(u) as Group;
      this.layers.push({
        path: u.path, spec: specOf(u, m), firstCall: !seen.has(m), inSource: sources.get(inGroup) as ChannelMaskSource,
        inRepeat: isLinear(m) ? (analysis.repeatOf.get(u.producers[0]) ?? 1) : 1, outSource: sources.get(outGroup) as ChannelMaskSource, inGroup, outGroup,
      });
      seen.add(m);
    }
  }

  /** The current module at a path of the converted model. */
  moduleAt(path: string): Module {
    let m = this.modulesByPath.get(path);
    if (m === undefined) {
      this.modulesByPath = new Map(this.model.namedModules());
      m = this.modulesByPath.get(path);
    }
    if (m === undefined) throw new Error(`pit: no module at '${path}'`);
    return m;
  }

  /** The time masker of a layer (stride-1 Conv1d under receptive-field / dilation search). */
  timeMaskOf(path: string): TimeMasker | null {
    const m = this.moduleAt(path);
    return m instanceof PitConv1d ? m.timeMask : null;
  }

  /** The channel-mask source of each group. */
  sourceOf(g: Group): ChannelMaskSource {
    return this.sources.get(g) as ChannelMaskSource;
  }

  /** The trainable mask tensors (α, β, γ), each once. */
  maskParameters(): Tensor[] {
    const out = new Set<Tensor>();
    for (const [, m] of this.model.namedModules()) {
      if (m instanceof ChannelMasker && !m.frozen) out.add(m.alpha);
      if (m instanceof TimeMasker) {
        if (m.beta !== null) out.add(m.beta);
        if (m.gamma !== null) out.add(m.gamma);
      }
    }
    return [...out];
  }

  /** Every other trainable tensor (weights, biases, BatchNorm affine). Frozen maskers' α are neither. */
  weightParameters(): Tensor[] {
    const masks = new Set<Tensor>();
    for (const [, m] of this.model.namedModules()) {
      if (m instanceof ChannelMasker) masks.add(m.alpha);
      if (m instanceof TimeMasker) for (const p of m.parameters()) masks.add(p);
    }
    return this.model.parameters().filter((p) => !masks.has(p));
  }

  /** Register (or replace) a named cost model. */
  addCost(model: CostModel, name = model.name): void {
    this.costModels[name] = model;
  }

  costNames(): string[] {
    return Object.keys(this.costModels);
  }

  /** The layer invocations with their effective sizes (each mask evaluated once per call of this method). */
  layerCalls(discrete: boolean): LayerCall[] {
    const cache = new Map<object, Tensor>();
    const eff = (src: ChannelMaskSource | TimeMasker): Tensor => {
      let t = cache.get(src);
      if (t === undefined) {
        t = src.effective(discrete);
        cache.set(src, t);
      }
      return t;
    };
    return this.layers.map((l) => {
      const cout = eff(l.outSource);
      const tm = this.timeMaskOf(l.path);
      const kFull = l.spec.kernel.reduce((a, b) => a * b, 1);
      const k = tm !== null && tm.active ? eff(tm) : scalar(kFull);
      let cin: Tensor;
      if (l.spec.depthwise) cin = cout;
      else {
        cin = eff(l.inSource);
        if (l.inRepeat !== 1) cin = mul(cin, l.inRepeat);
      }
      const sizes: EffectiveSizes = { cin, cout, k };
      return { spec: l.spec, eff: sizes, firstCall: l.firstCall };
    });
  }

  /** One named cost as an autograd scalar (discrete: binarised masks with straight-through gradients). */
  cost(name: string, opts: { discrete?: boolean } = {}): Tensor {
    const cm = this.costModels[name];
    if (cm === undefined) throw new Error(`pit: unknown cost '${name}'; available: ${this.costNames().join(', ')}`);
    return totalCost(cm, this.layerCalls(opts.discrete ?? true));
  }

  /** Every named cost, sharing one evaluation of the masks. */
  costs(opts: { discrete?: boolean } = {}): Record<string, Tensor> {
    const calls = this.layerCalls(opts.discrete ?? true);
    return Object.fromEntries(Object.entries(this.costModels).map(([n, cm]) => [n, totalCost(cm, calls)]));
  }

  /** The sharing groups with their current number of surviving channels. */
  groups(): GroupSummary[] {
    return this.analysis.groups.map((g) => ({
      id: g.id, channels: g.channels, alive: this.sourceOf(g).alive().filter(Boolean).length, frozen: g.frozen,
      reasons: [...g.reasons], roots: [...new Set(g.roots.map((u) => u.path))], members: [...new Set(g.units.map((u) => u.path))],
    }));
  }

  /** Per-layer architecture at the current (binarised) masks; MACs summed over the layer's calls. */
  summary(): LayerSummary[] {
    return noGrad(() => {
      const calls = this.layerCalls(true);
      const params = this.costModels.params ?? null;
      const macs = this.costModels.macs ?? null;
      const rows = new Map<string, LayerSummary>();
      const plan = this.exportPlan();
      calls.forEach((c, i) => {
        const l = this.layers[i];
        const macsV = macs === null ? NaN : macs.fn(c.spec, c.eff).item();
        const row = rows.get(l.path);
        if (row !== undefined) {
          row.macs += macsV;
          for (const [n, cm] of Object.entries(this.costModels)) {
            if (!cm.perCall) continue;
            const v = cm.fn(c.spec, c.eff).item();
            row.costs[n] = cm.reduce === 'max' ? Math.max(row.costs[n], v) : row.costs[n] + v;
          }
          return;
        }
        const kFull = l.spec.kernel.reduce((a, b) => a * b, 1);
        rows.set(l.path, {
          name: l.path, kind: l.spec.kind, cin: l.spec.cin, cinAlive: Math.round(c.eff.cin.item()), cout: l.spec.cout, coutAlive: Math.round(c.eff.cout.item()),
          k: kFull, kAlive: Math.round(c.eff.k.item()), dilation: plan.layers.get(l.path)?.dilation ?? 1,
          params: params === null ? NaN : params.fn(c.spec, c.eff).item(), macs: macsV,
          costs: Object.fromEntries(Object.entries(this.costModels).map(([n, cm]) => [n, cm.fn(c.spec, c.eff).item()])),
        });
      });
      return [...rows.values()];
    });
  }

  /** What the export will keep, at the current masks. */
  exportPlan(): ExportPlan {
    return noGrad(() => {
      const layers: ExportPlan['layers'] = new Map();
      const keepOf = (src: ChannelMaskSource, repeat = 1) => {
        const out: number[] = [];
        src.alive().forEach((a, c) => {
          if (a) for (let r = 0; r < repeat; r++) out.push(c * repeat + r);
        });
        return out;
      };
      for (const l of this.layers) {
        if (!l.firstCall) continue;
        const tm = this.timeMaskOf(l.path);
        const dil = l.spec.dilation?.[0] ?? 1;
        const taps = tm === null ? null : tm.keptTaps();
        const step = taps !== null && taps.length > 1 ? taps[1] - taps[0] : 1;
        layers.set(l.path, { inKeep: keepOf(l.inSource, l.inRepeat), outKeep: keepOf(l.outSource), taps, dilation: taps === null ? dil : dil * step });
      }
      const channels: ExportPlan['channels'] = new Map();
      for (const u of this.trace.units) {
        const role = this.analysis.roles.get(u) as UnitRole;
        if (role.role === 'pass' && role.needsMask && u.module !== null && !channels.has(u.path)) {
          channels.set(u.path, keepOf(this.sourceOf(this.analysis.groupOf.get(u) as Group), this.analysis.repeatOf.get(u) ?? 1));
        }
      }
      return { layers, channels };
    });
  }

  /** A plain dense model (library layers only) with the pruned channels and taps removed. */
  export(): Module {
    return exportDense(this.model, this.exportPlan());
  }

  /** Alias of export(), the name the search protocol uses. */
  exportDense(): Module {
    return this.export();
  }
}
