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
import { parametersByRole, type Module } from '../../nn/module.js';
import { CostedModel, type CostModel, type EffectiveSizes, type LayerCall, type LayerSpec } from '../../hw/index.js';
import type { Trace } from '../../graph/trace.js';
import type { Group, GroupAnalysis, UnitRole } from '../../graph/groups.js';
import { specOf } from '../../graph/spec.js';
import { searchedParameters } from '../../graph/kinds.js';
import type { ChannelMaskSource } from './channelMask.js';
import type { TimeMasker } from './timeMask.js';
import { PitConv1d } from './pitConv.js';
import { exportDense, type ExportPlan } from './export.js';
import type { LayerState } from '../../search/types.js';

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

export class PitModel extends CostedModel {
  readonly layers: LayerRecord[] = [];
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
    super(costs, 'pit');
    this.modulesByPath = new Map(model.namedModules());
    const seen = new Set<Module>();
    for (const u of trace.units) {
      const role = analysis.roles.get(u) as UnitRole;
      if (role.role !== 'producer' && role.role !== 'depthwise') continue;
      const m = this.moduleAt(u.path);
      const inGroup = analysis.groupOf.get(u.producers[0]) as Group;
      const outGroup = analysis.groupOf.get(u) as Group;
      const spec = specOf(u, m);
      this.layers.push({
        path: u.path, spec, firstCall: !seen.has(m), inSource: sources.get(inGroup) as ChannelMaskSource,
        inRepeat: spec.kind === 'linear' ? (analysis.repeatOf.get(u.producers[0]) ?? 1) : 1, outSource: sources.get(outGroup) as ChannelMaskSource, inGroup, outGroup,
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

  /** The searched mask tensors (α, β, γ), each once: the 'mask' parameters the layers report live (not a frozen masker's α). */
  maskParameters(): Tensor[] {
    return searchedParameters(this.model, 'mask');
  }

  /** The 'weight' parameters (weights, biases, BatchNorm affine). A frozen masker's α is neither. */
  weightParameters(): Tensor[] {
    return parametersByRole(this.model, 'weight');
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
