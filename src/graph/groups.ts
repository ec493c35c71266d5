/**
 * Channel-sharing groups (docs/design.md#sharing-groups). Every unit is classified: a *root* defines its own
 * channel count (non-depthwise conv, linear, the graph input, a concat, an unknown op); every
 * other unit passes its input's channels through (depthwise conv, BatchNorm, activations,
 * pooling, dropout, padding, flatten, residual add). Cutting the edges into roots leaves weakly
 * connected components: each is one group with one channel mask. Groups touching the graph
 * input or output, or an unknown op, are frozen and the reason is reported. Modules are
 * classified by their layer kind (kinds.ts), so a method's searchable layers group like the
 * plain layers they replace. PIT prunes a group with one channel mask; MPS gives it one
 * activation quantiser.
 */

import type { Tensor } from '../tensor/tensor.js';
import type { Module } from '../nn/module.js';
import type { Trace, TraceUnit } from './trace.js';
import { geometryOf, isDepthwise, kindOf } from './kinds.js';

export type UnitRole =
  | { role: 'input' }
  /** conv / linear defining its own outputs; `grouped` = a grouped (non-depthwise) conv, not searchable. */
  | { role: 'producer'; grouped: boolean }
  | { role: 'depthwise' }
  | { role: 'concat' }
  /** Channels pass through; `needsMask`: f(0) ≠ 0 so the output is re-masked; `flatten`: features repeat per position. */
  | { role: 'pass'; needsMask: boolean; flatten: boolean }
  /** Elementwise meeting of activations (residual add): all inputs share one group. */
  | { role: 'merge' }
  | { role: 'unknown'; reason: string };

export interface Group {
  id: number;
  /** Channel count. */
  channels: number;
  units: TraceUnit[];
  /** Units defining the group's channels. */
  roots: TraceUnit[];
  frozen: boolean;
  reasons: string[];
}

export interface GroupAnalysis {
  roles: Map<TraceUnit, UnitRole>;
  groupOf: Map<TraceUnit, Group>;
  groups: Group[];
  /** Features per channel along axis 1 of each unit's output (> 1 after a flatten). */
  repeatOf: Map<TraceUnit, number>;
  report: string[];
}

const spatial = (t: Tensor): number => t.shape.slice(2).reduce((a, b) => a * b, 1);

function classifyModule(u: TraceUnit, m: Module): UnitRole {
  if (u.inputs.length !== 1 || u.outputs.length !== 1) return { role: 'unknown', reason: `module '${u.path}' (${m.describe()}) has ${u.inputs.length} inputs and ${u.outputs.length} outputs in the traced graph` };
  const g = geometryOf(m);
  if (g !== null) return isDepthwise(g) ? { role: 'depthwise' } : { role: 'producer', grouped: g.groups !== 1 };
  const p = kindOf(m)?.passChannels?.(m, u.inputs[0].ndim);
  if (p !== undefined) return 'unsupported' in p ? { role: 'unknown', reason: `'${u.path}' ${p.unsupported}` } : { role: 'pass', ...p };
  return { role: 'unknown', reason: `module '${u.path}' of type ${m.constructor.name} is not known to PIT (wrap it in a known layer, list it in 'exclude', or build it from library layers)` };
}

const ZERO_OPS = new Set(['relu', 'leakyRelu', 'tanh', 'neg', 'abs', 'sqrt', 'sin', 'maxPool', 'avgPool', 'contiguous', 'cast']);

function classifyOp(u: TraceUnit): UnitRole {
  const op = u.op as string;
  const a = u.attrs as Record<string, unknown>;
  const x = u.inputs[0];
  const y = u.outputs[0];
  const unknown = (why: string): UnitRole => ({ role: 'unknown', reason: `op '${op}' (${u.path}) ${why}; PIT freezes the channels around it (use known layers or exclude it)` });
  if (u.outputs.length !== 1) return unknown('has several outputs');
  if (ZERO_OPS.has(op) && u.inputs.length === 1) return { role: 'pass', needsMask: false, flatten: false };
  if (op === 'clamp' && (a.lo as number) <= 0 && (a.hi as number) >= 0) return { role: 'pass', needsMask: false, flatten: false };
  if (op === 'powScalar' && (a.p as number) > 0) return { role: 'pass', needsMask: false, flatten: false };
  if (op === 'add' || op === 'sub' || op === 'mul' || op === 'maximum' || op === 'minimum') {
    if (u.inputs.length === 2 && u.constants.length === 0 && u.inputs[0].shape.join() === u.inputs[1].shape.join()) return { role: 'merge' };
    if (op === 'mul' && u.inputs.length === 1 && u.constants.length === 1 && u.constants[0].size === 1) return { role: 'pass', needsMask: false, flatten: false };
    return unknown('combines an activation with a constant or a broadcast tensor');
  }
  if (op === 'div' && u.inputs.length === 1 && u.constants.length === 1 && u.constants[0].size === 1) {
    return { role: 'pass', needsMask: false, flatten: false };
  }
  if (op === 'concat') {
    if (a.axis === 1) return { role: 'concat' };
    if ((a.axis as number) >= 2 && u.constants.length === 0) return { role: 'merge' };
    return unknown(`concatenates along axis ${String(a.axis)}`);
  }
  if (op === 'reshape' && u.inputs.length === 1) {
    if (x.shape.join() === y.shape.join()) return { role: 'pass', needsMask: false, flatten: false };
    if (x.ndim >= 3 && y.ndim === 2 && y.shape[0] === x.shape[0]) return { role: 'pass', needsMask: false, flatten: true };
    if (x.ndim >= 2 && y.ndim >= 2 && y.shape[0] === x.shape[0] && y.shape[1] === x.shape[1] && spatial(x) === spatial(y)) return { role: 'pass', needsMask: false, flatten: false };
    return unknown(`reshapes ${JSON.stringify(x.shape)} to ${JSON.stringify(y.shape)}`);
  }
  if (op === 'pad' && u.inputs.length === 1) {
    const before = a.before as number[];
    const after = a.after as number[];
    if (x.ndim >= 3 && before[0] === 0 && after[0] === 0 && before[1] === 0 && after[1] === 0) return { role: 'pass', needsMask: (a.value as number) !== 0, flatten: false };
    return unknown('pads the batch or channel axis');
  }
  if ((op === 'sum' || op === 'max') && u.inputs.length === 1) {
    const axes = a.axes as number[];
    if (x.ndim >= 3 && axes.every((ax) => ax >= 2)) return { role: 'pass', needsMask: false, flatten: false };
    return unknown('reduces over the batch or channel axis');
  }
  return unknown('is not known to PIT');
}

export function classifyUnit(u: TraceUnit): UnitRole {
  if (u.kind === 'input') return { role: 'input' };
  if (u.kind === 'module') return classifyModule(u, u.module as Module);
  return classifyOp(u);
}

export interface GroupOptions {
  /** Module paths whose own outputs must not be pruned. */
  excluded: (u: TraceUnit) => boolean;
  /** false: every group frozen (no channel search). */
  channels: boolean;
}

export function analyseGroups(trace: Trace, opts: GroupOptions): GroupAnalysis {
  const units = trace.units;
  const roles = new Map<TraceUnit, UnitRole>(units.map((u) => [u, classifyUnit(u)]));
  const parent = new Map<TraceUnit, TraceUnit>(units.map((u) => [u, u]));
  const find = (u: TraceUnit): TraceUnit => {
    let r = u;
    while (parent.get(r) !== r) r = parent.get(r) as TraceUnit;
    parent.set(u, r);
    return r;
  };
  const union = (a: TraceUnit, b: TraceUnit) => parent.set(find(a), find(b));
  for (const u of units) {
    const r = roles.get(u) as UnitRole;
    if (r.role === 'pass' || r.role === 'merge' || r.role === 'depthwise') for (const p of u.producers) union(u, p);
  }
  // A module called several times has one set of weights: its calls share input and output groups.
  const byModule = new Map<Module, TraceUnit[]>();
  for (const u of units) if (u.module !== null && u.module.parameters().length > 0) byModule.set(u.module, [...(byModule.get(u.module) ?? []), u]);
  for (const calls of byModule.values()) {
    for (let i = 1; i < calls.length; i++) {
      union(calls[i], calls[0]);
      if (calls[i].producers.length > 0 && calls[0].producers.length > 0) union(calls[i].producers[0], calls[0].producers[0]);
    }
  }

  // Repeat factor (features per channel) of each unit's output.
  const repeatOf = new Map<TraceUnit, number>();
  for (const u of units) {
    const r = roles.get(u) as UnitRole;
    if (r.role === 'pass' && r.flatten) repeatOf.set(u, (repeatOf.get(u.producers[0]) ?? 1) * spatial(u.inputs[0]));
    else if (r.role === 'pass' || r.role === 'merge' || r.role === 'depthwise') repeatOf.set(u, repeatOf.get(u.producers[0]) ?? 1);
    else repeatOf.set(u, 1);
  }

  const groupByRoot = new Map<TraceUnit, Group>();
  const groups: Group[] = [];
  const groupOf = new Map<TraceUnit, Group>();
  for (const u of units) {
    const k = find(u);
    let g = groupByRoot.get(k);
    if (g === undefined) {
      g = { id: groups.length, channels: 0, units: [], roots: [], frozen: false, reasons: [] };
      groupByRoot.set(k, g);
      groups.push(g);
    }
    g.units.push(u);
    groupOf.set(u, g);
    const r = roles.get(u) as UnitRole;
    if (r.role === 'input' || r.role === 'producer' || r.role === 'concat' || r.role === 'unknown') g.roots.push(u);
  }

  const freeze = (g: Group, why: string) => {
    if (!g.reasons.includes(why)) g.reasons.push(why);
    g.frozen = true;
  };
  const report: string[] = [];
  for (const g of groups) {
    const r0 = g.roots[0];
    const t0 = r0?.outputs[0];
    g.channels = t0 === undefined || t0.ndim < 2 ? 0 : t0.shape[1];
    if (g.roots.length === 0) freeze(g, 'no layer defines its channels');
    for (const u of g.units) {
      const y = u.outputs[0];
      if (y !== undefined && y.ndim >= 2 && y.shape[1] !== g.channels * (repeatOf.get(u) as number)) {
        freeze(g, `'${u.path}' changes the channel count (${y.shape[1]} features for ${g.channels} channels)`);
      }
      const r = roles.get(u) as UnitRole;
      if (r.role === 'input') freeze(g, 'touches the graph input');
      if (u.isGraphOutput) freeze(g, 'reaches the graph output');
      if (r.role === 'unknown') {
        freeze(g, `produced by an unknown op: ${r.reason}`);
        for (const p of u.producers) freeze(groupOf.get(p) as Group, `feeds an unknown op: ${r.reason}`);
        if (!report.includes(r.reason)) report.push(r.reason);
      }
      if (r.role === 'producer' && r.grouped) {
        freeze(g, `'${u.path}' is a grouped conv`);
        for (const p of u.producers) freeze(groupOf.get(p) as Group, `feeds the grouped conv '${u.path}'`);
      }
      if (r.role === 'producer' && geometryOf(u.module as Module)?.kind === 'linear' && u.inputs[0].ndim !== 2) {
        freeze(groupOf.get(u.producers[0]) as Group, `feeds '${u.path}', a linear layer applied to a rank-${u.inputs[0].ndim} tensor`);
      }
      if ((r.role === 'producer' || r.role === 'depthwise') && opts.excluded(u)) freeze(g, `'${u.path}' is excluded`);
    }
    if (g.roots.some((u) => (roles.get(u) as UnitRole).role === 'concat') && g.roots.length > 1) freeze(g, 'a concat meets other layers in an elementwise op');
    if (!opts.channels) freeze(g, 'channel search is off');
  }
  // A frozen concat keeps all its inputs' channels: freeze them too (to a fixpoint).
  for (let changed = true; changed;) {
    changed = false;
    for (const g of groups) {
      if (!g.frozen) continue;
      for (const u of g.roots) {
        if ((roles.get(u) as UnitRole).role !== 'concat') continue;
        for (const p of u.producers) {
          const pg = groupOf.get(p) as Group;
          if (!pg.frozen) {
            freeze(pg, `feeds the frozen concat '${u.path}'`);
            changed = true;
          }
        }
      }
    }
  }
  return { roles, groupOf, groups, repeatOf, report };
}
