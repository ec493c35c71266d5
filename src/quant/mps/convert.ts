/**
 * Automatic conversion to a mixed-precision search model: trace the model, find the activation
 * groups (the graph layer's sharing analysis: everything between one set of conv / linear layers and the
 * next, so branches meeting in an add are one group), give each group read by a layer one
 * activation quantiser (the network input a fixed-precision signed one), and swap every conv /
 * linear for an MpsLayer with a per-layer or per-channel weight choice. The classifier (the layer
 * writing the graph output) never gets 0 bits.
 */

import type { Tensor } from '../../tensor/tensor.js';
import type { Module } from '../../nn/module.js';
import { describeArchitecture, type ArchNode } from '../../nn/serialize.js';
import type { CostModel } from '../../hw/index.js';
import { traceModel, type TraceUnit } from '../../graph/trace.js';
import { analyseGroups, type Group, type UnitRole } from '../../graph/groups.js';
import { specOf } from '../../graph/spec.js';
import { swapAt } from '../../graph/swap.js';
import { checkPrecisions } from './precisions.js';
import { DEFAULT_CANDIDATES, validatePlan, type QuantPlan } from '../plan.js';
import type { MixedActQuant } from './mixedAct.js';
import { MixedWeightQuant } from './mixedWeight.js';
import { ActivationGroups, calibrateQuantizers, selectionState, type SelectionOptions } from './activationGroups.js';
import { MpsLayer, isQuantizable } from './mpsLayer.js';
import { MpsModel, type MpsLayerRecord } from './model.js';
import { MPS_COSTS } from './costs.js';
import { zeroWriters } from './zeroWriters.js';

export interface MpsOptions extends SelectionOptions {
  /** Input shape without the batch axis. */
  inputShape: readonly number[];
  /** Weight candidates (default {2, 4, 8}; 0 = prune, per-channel search only). */
  weightPrecisions?: readonly number[];
  /** One weight precision per output channel (default) or per layer. */
  perChannel?: boolean;
  /** Named cost models (default: size in bytes and BitOps). */
  costs?: Readonly<Record<string, CostModel>>;
  /** A batch of real inputs: activation clips start at the largest value each quantiser sees. */
  calibration?: Tensor;
}

/** Convert `model` in place; returns the search handle. */
export function mps(model: Module, opts: MpsOptions): MpsModel {
  const perChannel = opts.perChannel ?? true;
  const report: string[] = [];
  const wPrec = checkPrecisions(opts.weightPrecisions ?? DEFAULT_CANDIDATES, 'weight', 'mps weight precisions');
  const state = selectionState(opts, 'mps');
  if (!perChannel && wPrec.includes(0)) throw new Error('mps weight precisions: 0 bits per layer would remove a whole layer; use 0 with the per-channel search only');
  // Custom module classes have no description: such a model searches fine but cannot be re-built for export.
  let architecture: ArchNode | null = null;
  try {
    architecture = describeArchitecture(model);
  } catch {
    report.push('the model has no architecture description (custom module classes): exportFloat() is unavailable');
  }
  const trace = traceModel(model, opts.inputShape);
  const analysis = analyseGroups(trace, { excluded: () => false, channels: true });
  const roles = analysis.roles;
  const outGroup = analysis.groupOf.get(trace.outputUnit) as Group;

  const layerUnits = trace.units.filter((u) => {
    const r = roles.get(u) as UnitRole;
    return (r.role === 'producer' || r.role === 'depthwise') && u.module !== null;
  });
  for (const u of layerUnits) {
    if (!isQuantizable(u.module as Module)) throw new Error(`mps: '${u.path}' is a ${(u.module as Module).describe()}; export searched (PIT) models to plain layers first`);
  }

  // One activation quantiser per group read by a layer.
  const groups = new ActivationGroups(roles, state, opts, report, 'mps');
  const quantFor = (g: Group, reader: TraceUnit): MixedActQuant => groups.quantFor(g, reader);

  const mpsOf = new Map<Module, MpsLayer>();
  const records: MpsLayerRecord[] = [];
  const pending: { rec: MpsLayerRecord; u: TraceUnit }[] = [];
  for (const u of layerUnits) {
    const m = u.module as Module;
    const inG = analysis.groupOf.get(u.producers[0]) as Group;
    const myG = analysis.groupOf.get(u) as Group;
    let layer = mpsOf.get(m);
    if (layer === undefined) {
      const spec = specOf(u, m);
      const isClassifier = myG === outGroup;
      let prec = wPrec;
      if (isClassifier && prec.includes(0)) {
        prec = prec.filter((p) => p !== 0);
        report.push(`'${u.path}' writes the network output: 0 bits excluded from its candidates`);
      }
      layer = new MpsLayer(m as never, new MixedWeightQuant(prec, perChannel && prec.length > 1 ? spec.cout : 0, state));
      layer.setInputQuant(quantFor(inG, u));
      mpsOf.set(m, layer);
      if (u.path === '') throw new Error('mps: the root module is itself a layer; wrap it in a Sequential');
      swapAt(trace.modules, u.path, layer);
    } else if (layer.inputQuant !== quantFor(inG, u)) {
      throw new Error(`mps: '${u.path}' is called on activations of two different groups; its input precision would be ambiguous`);
    }
    const rec: MpsLayerRecord = {
      path: u.path, spec: specOf(u, m), firstCall: records.every((r) => r.layer !== layer), layer,
      inQuant: layer.inputQuant, outQuant: null, inProducers: [], inRepeat: (analysis.repeatOf.get(u.producers[0]) ?? 1),
    };
    records.push(rec);
    pending.push({ rec, u });
  }
  for (const { rec, u } of pending) {
    const myG = analysis.groupOf.get(u) as Group;
    rec.outQuant = groups.existing(myG);
    // Depthwise layers read their own channel only (cin = their kept channels); others lose the inputs known to be zero.
    if (!rec.spec.depthwise) rec.inProducers = zeroWriters(u.producers[0], roles, mpsOf) ?? [];
  }
  const target = new MpsModel(model, architecture, records, groups.all(), groups.inputQuant('mps'), state, { ...MPS_COSTS, ...(opts.costs ?? {}) }, report);
  if (opts.calibration !== undefined) calibrateClips(target, opts.calibration);
  return target;
}

/** Set every activation clip to the largest |value| its quantiser sees on `batch` (float forward). */
export function calibrateClips(target: MpsModel, batch: Tensor): void {
  calibrateQuantizers(target.model, target.quantizers, batch);
}

/**
 * A fixed-precision fake-quant model from a plan (per-channel weight bits, activation bits):
 * the search model with every choice fixed, for quantisation-aware fine-tuning and the uniform
 * baselines. Converts `model` in place.
 */
export function fixedPrecision(model: Module, plan: QuantPlan, opts: { inputShape: readonly number[]; calibration?: Tensor; costs?: Readonly<Record<string, CostModel>> }): MpsModel {
  const w = new Set<number>();
  const a = new Set<number>();
  for (const l of Object.values(plan.layers)) {
    l.wBits.forEach((b) => w.add(b));
    if (l.aBits !== 32) a.add(l.aBits);
  }
  if (a.size === 0) a.add(plan.inputBits);
  const target = mps(model, { inputShape: opts.inputShape, weightPrecisions: [...w], activationPrecisions: [...a], inputBits: plan.inputBits, perChannel: true, costs: opts.costs });
  validatePlan(plan, target.planLayers(), 'mps fixed-precision plan');
  for (const r of target.layers) {
    if (!r.firstCall) continue;
    const lp = plan.layers[r.path];
    const sel = r.layer.wq.selector;
    const idx = lp.wBits.map((b) => sel.precisions.indexOf(b));
    sel.fix(sel.channels > 0 ? idx : [idx[0]]);
    if (sel.channels === 0 && lp.wBits.some((b) => b !== lp.wBits[0])) throw new Error(`mps: layer '${r.path}' has one weight candidate but the plan gives it several precisions`);
    if (r.outQuant !== null) r.outQuant.selector.fix([r.outQuant.precisions.indexOf(lp.aBits)]);
  }
  if (opts.calibration !== undefined) calibrateClips(target, opts.calibration);
  return target;
}
