/**
 * Conversion to a joint architecture + precision search model: the PIT conversion (channel masks
 * per sharing group, receptive-field / dilation masks on stride-1 Conv1d) and, on every searchable
 * conv / linear layer, a mixed-precision weight quantiser on its masked weight and the shared
 * activation quantiser of the group it reads (the network input at fixed bits, signed). Pruning
 * belongs to the channel masks: the weight candidates are the non-zero bit-widths, and a pruned
 * channel reads as 0 bits in the plan (docs/design.md#joint-search explains why the 0-bit
 * candidate is not kept beside the mask).
 */

import type { Tensor } from '../tensor/tensor.js';
import type { Module } from '../nn/module.js';
import { DEFAULT_COSTS, type CostModel } from '../hw/index.js';
import { pit, OutMaskedModule, type PitSearchOptions, type UnitRole, type ModuleClass } from '../nas/pit/index.js';
import { ActivationGroups, MixedWeightQuant, MPS_COSTS, checkPrecisions, selectionState, type SelectionOptions } from '../quant/mps/index.js';
import { DEFAULT_CANDIDATES } from '../quant/index.js';
import { JointModel, type JointLayerRecord } from './model.js';

export interface JointOptions extends SelectionOptions {
  /** Input shape without the batch axis. */
  inputShape: readonly number[];
  /** What PIT searches (channels, receptive field, dilation; all by default). */
  search?: PitSearchOptions;
  /** Layers left unsearched by PIT (paths or classes); they are still quantised. */
  exclude?: readonly (string | ModuleClass)[];
  /** Weight candidates, non-zero (default {2, 4, 8}); pruning is the channel masks' job. */
  weightPrecisions?: readonly number[];
  /** One weight precision per output channel (default) or per layer. */
  perChannel?: boolean;
  /** Extra named cost models (e.g. a hardware target's); params, macs, size and bitops are always there. */
  costs?: Readonly<Record<string, CostModel>>;
  /** A batch of real inputs: activation clips start at the largest value each quantiser sees. */
  calibration?: Tensor;
}

/** Convert `model` in place to a joint search model; returns the handle the search uses. */
export function joint(model: Module, opts: JointOptions): JointModel {
  const wPrec = checkPrecisions(opts.weightPrecisions ?? DEFAULT_CANDIDATES, 'weight', 'joint weight precisions');
  if (wPrec.includes(0)) throw new Error(`joint weight precisions ${wPrec.join(',')}: 0 bits is not a candidate of the joint search — channels are pruned by the PIT channel masks (a pruned channel leaves the exported model); give the non-zero bit-widths, e.g. 2,4,8`);
  const perChannel = opts.perChannel ?? true;
  const state = selectionState(opts, 'joint');

  const target = pit(model, { inputShape: opts.inputShape, search: opts.search, exclude: opts.exclude, costs: {} });
  const { trace, analysis } = target;
  const roles = analysis.roles;
  const report = [...target.report];
  const units = trace.units.filter((u) => {
    const r = roles.get(u) as UnitRole;
    return r.role === 'producer' || r.role === 'depthwise';
  });

  const groups = new ActivationGroups(roles, state, opts, report, 'joint');

  const records: JointLayerRecord[] = [];
  const weightQuant = new Map<OutMaskedModule, MixedWeightQuant>();
  target.layers.forEach((l, i) => {
    const u = units[i];
    const m = target.moduleAt(l.path);
    if (!(m instanceof OutMaskedModule)) throw new Error(`joint: '${l.path}' (${m.describe()}) is excluded from the architecture search, so it cannot carry a precision choice; drop it from the exclusions or run mps on it separately`);
    const inQ = groups.quantFor(l.inGroup, u);
    let wq = weightQuant.get(m);
    if (wq === undefined) {
      wq = new MixedWeightQuant(wPrec, perChannel && wPrec.length > 1 ? l.spec.cout : 0, state);
      m.attach(inQ, wq);
      weightQuant.set(m, wq);
    } else if (m.inputTransform !== inQ) {
      throw new Error(`joint: '${l.path}' is called on activations of two different groups; its input precision would be ambiguous`);
    }
    records.push({ pit: l, layer: m, wq, inQuant: inQ, outQuant: null });
  });
  for (const r of records) r.outQuant = groups.existing(r.pit.outGroup);
  const costs = { ...DEFAULT_COSTS, ...MPS_COSTS, ...(opts.costs ?? {}) };
  const handle = new JointModel(target, records, groups.all(), groups.inputQuant('joint'), state, costs, report);
  if (opts.calibration !== undefined) handle.calibrateClips(opts.calibration);
  return handle;
}
