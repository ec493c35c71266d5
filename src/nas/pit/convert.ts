/**
 * Automatic PIT conversion: trace the model, find its sharing groups, give each searchable group
 * one channel masker (reusing a hand-built layer's masker when there is one), and swap in
 * searchable layers: the PIT layer kind that takes each plain conv / linear layer (PitConv1d /
 * PitConv2d / PitLinear), MaskedLayer for the BatchNorms (and f(0) ≠ 0 layers) of searchable
 * groups.
 */

import type { Module } from '../../nn/module.js';
import { DEFAULT_COSTS, type CostModel } from '../../hw/index.js';
import { traceModel, type TraceUnit } from '../../graph/trace.js';
import { analyseGroups, type Group, type GroupAnalysis, type UnitRole } from '../../graph/groups.js';
import { swapAt } from '../../graph/swap.js';
import { ChannelMasker, ConcatMask, ConstantMask, OutMaskedModule, type ChannelMaskSource } from './channelMask.js';
import { PitConv1d } from './pitConv.js';
import { MaskedLayer } from './maskedLayer.js';
import { pitLayerKinds } from './kinds.js';
import { PitModel } from './model.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ModuleClass = abstract new (...args: any[]) => Module;

export interface PitSearchOptions {
  /** Search output channels (α). Default true. */
  channels?: boolean;
  /** Search the receptive field of stride-1 Conv1d layers (β). Default true. */
  receptiveField?: boolean;
  /** Search the dilation of stride-1 Conv1d layers (γ). Default true. */
  dilation?: boolean;
}

export interface PitOptions {
  /** Input shape without the batch axis ([C, L] or [C, H, W]). */
  inputShape: readonly number[];
  /** Layers left as they are: module paths (a path excludes its sub-modules too) or classes. */
  exclude?: readonly (string | ModuleClass)[];
  search?: PitSearchOptions;
  /** Named cost models (default: params and macs). */
  costs?: Readonly<Record<string, CostModel>>;
}

function excluder(list: readonly (string | ModuleClass)[]): (u: TraceUnit) => boolean {
  return (u) => u.module !== null && list.some((e) => (typeof e === 'string' ? u.path === e || u.path.startsWith(`${e}.`) : u.module instanceof e));
}

/** One channel-mask source per group. */
function maskSources(a: GroupAnalysis): Map<Group, ChannelMaskSource> {
  const out = new Map<Group, ChannelMaskSource>();
  const visit = (g: Group): ChannelMaskSource => {
    const hit = out.get(g);
    if (hit !== undefined) return hit;
    let src: ChannelMaskSource;
    const existing = new Set<ChannelMasker>();
    for (const u of g.units) {
      const m = u.module;
      if ((a.roles.get(u) as UnitRole).role !== 'producer') continue;
      if (m instanceof OutMaskedModule && m.outMask instanceof ChannelMasker) existing.add(m.outMask);
    }
    if (g.frozen) {
      for (const m of existing) m.frozen = true;
      src = new ConstantMask(g.channels);
    } else if ((a.roles.get(g.roots[0]) as UnitRole).role === 'concat') {
      src = new ConcatMask(g.roots[0].producers.map((p) => visit(a.groupOf.get(p) as Group)));
    } else {
      if (existing.size > 1) {
        const names = g.units.filter((u) => u.module instanceof OutMaskedModule && existing.has(u.module.outMask as ChannelMasker)).map((u) => u.path);
        throw new Error(`pit: layers ${names.join(', ')} meet in an elementwise op (e.g. a residual add) but have different channel maskers; build them with one shared ChannelMasker ({ outMask: other.outMask })`);
      }
      src = existing.size === 1 ? [...existing][0] : new ChannelMasker(g.channels);
    }
    out.set(g, src);
    return src;
  };
  for (const g of a.groups) visit(g);
  return out;
}

/** A converter for the search protocol: `(model) => pit(model, opts)`. */
export function pitConverter(opts: PitOptions): (model: Module) => PitModel {
  return (model) => pit(model, opts);
}

/** Convert `model` in place to a searchable PIT model; returns the handle the search uses. */
export function pit(model: Module, opts: PitOptions): PitModel {
  const search = { channels: opts.search?.channels ?? true, receptiveField: opts.search?.receptiveField ?? true, dilation: opts.search?.dilation ?? true };
  const excluded = excluder(opts.exclude ?? []);
  const trace = traceModel(model, opts.inputShape);
  const analysis = analyseGroups(trace, { excluded, channels: search.channels });
  const sources = maskSources(analysis);
  const report = [...analysis.report];
  const done = new Set<Module>();
  const swap = (u: TraceUnit, next: Module) => {
    if (u.path === '') throw new Error(`pit: the root module is itself a layer (${(u.module as Module).describe()}); wrap it in a Sequential`);
    swapAt(trace.modules, u.path, next);
  };
  const kinds = pitLayerKinds();
  for (const u of trace.units) {
    const m = u.module;
    if (m === null || done.has(m)) continue;
    done.add(m);
    const role = analysis.roles.get(u) as UnitRole;
    const g = analysis.groupOf.get(u) as Group;
    const src = sources.get(g) as ChannelMaskSource;
    const live = !g.frozen;
    if (role.role === 'producer' || role.role === 'depthwise') {
      if (excluded(u)) continue;
      const opts = { outMask: live ? src : null, receptiveField: search.receptiveField, dilation: search.dilation };
      // The first PIT kind that searches this plain layer builds its replacement.
      let next: Module | null = null;
      for (const k of kinds) next ??= k.fromPlain?.(m, opts) ?? null;
      if (next !== null) swap(u, next);
      else if (m instanceof OutMaskedModule) {
        // A hand-built PIT layer: it takes its group's mask (or keeps its own frozen masker).
        if (live) m.outMask = src;
        else if (!(m.outMask instanceof ChannelMasker)) m.outMask = null;
        if (m instanceof PitConv1d && m.timeMask !== null && m.stride !== 1) m.timeMask = null;
      }
    } else if (role.role === 'pass' && role.needsMask) {
      if (m instanceof MaskedLayer) m.mask = src;
      else if (live) swap(u, new MaskedLayer(m, src, analysis.repeatOf.get(u) ?? 1));
    }
  }
  for (const g of analysis.groups) {
    if (g.frozen && g.roots.some((u) => (analysis.roles.get(u) as UnitRole).role === 'producer')) {
      report.push(`group of ${g.roots.map((u) => u.path).join(', ')} (${g.channels} channels) frozen: ${g.reasons.join('; ')}`);
    }
  }
  return new PitModel(model, trace, analysis, sources, { ...DEFAULT_COSTS, ...(opts.costs ?? {}) }, report);
}
