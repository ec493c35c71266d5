/**
 * What every conversion to a precision search sets up the same way: the selectors' shared state
 * (validated sampling mode, initial temperature, seeded noise) and one activation quantiser per
 * activation group read by a layer — fixed-bit and signed for the network input, searched and
 * unsigned where the group comes out of a ReLU. Used by `mps()` and by the joint search.
 */

import type { Tensor } from '../../tensor/tensor.js';
import { Rng } from '../../tensor/rng.js';
import { noGrad } from '../../autograd/graph.js';
import type { Module } from '../../nn/module.js';
import { ReLU, ReLU6 } from '../../nn/layers/simple.js';
import type { Group, TraceUnit, UnitRole } from '../../graph/index.js';
import { checkPrecisions } from './precisions.js';
import { DEFAULT_CANDIDATES } from '../plan.js';
import { SAMPLING_MODES, type SamplingMode, type SelectionState } from './selector.js';
import { MixedActQuant } from './mixedAct.js';

export interface SelectionOptions {
  /** Activation candidates (default {2, 4, 8}). */
  activationPrecisions?: readonly number[];
  /** Bits of the (signed) network input quantiser. Default 8. */
  inputBits?: number;
  /** Default 'hard': with 'softmax' the relaxed network trained is not the argmax one kept (docs/mps.md). */
  sampling?: SamplingMode;
  /** Initial temperature T0 (default 1). */
  t0?: number;
  seed?: number;
}

/** The selectors' shared state from the options, all of them checked first; `who` names the caller in errors. */
export function selectionState(opts: SelectionOptions, who: string): SelectionState {
  checkPrecisions(opts.activationPrecisions ?? DEFAULT_CANDIDATES, 'activation', `${who} activation precisions`);
  checkPrecisions([opts.inputBits ?? 8], 'activation', `${who} input bits`);
  const sampling = opts.sampling ?? 'hard';
  if (!SAMPLING_MODES.includes(sampling)) throw new Error(`${who}: unknown sampling '${String(sampling)}' (valid: ${SAMPLING_MODES.join(', ')})`);
  const t0 = opts.t0 ?? 1;
  if (!(t0 > 0)) throw new Error(`${who}: the initial temperature t0 must be > 0, got ${t0}`);
  return { temperature: t0, mode: sampling, rng: new Rng((opts.seed ?? 0) * 7727 + 17) };
}

/** Walk back through channel-preserving units: does the tensor come out of a ReLU (so an unsigned quantiser fits)? */
export function readsNonNegative(u: TraceUnit, roles: Map<TraceUnit, UnitRole>): boolean {
  let cur: TraceUnit | undefined = u;
  while (cur !== undefined) {
    if (cur.module instanceof ReLU || cur.module instanceof ReLU6 || cur.op === 'relu') return true;
    const r = roles.get(cur) as UnitRole;
    const passes = r.role === 'pass' && !r.needsMask && cur.op !== 'neg' && cur.op !== 'tanh' && cur.op !== 'sin';
    if (!passes || cur.producers.length !== 1) return false;
    cur = cur.producers[0];
  }
  return false;
}

/** One activation quantiser per group read by a layer, made on first use. */
export class ActivationGroups {
  private readonly quantOf = new Map<Group, MixedActQuant>();
  private readonly precisions: readonly number[];
  private readonly inputBits: number;
  private input: MixedActQuant | null = null;

  constructor(private readonly roles: Map<TraceUnit, UnitRole>, private readonly state: SelectionState, opts: SelectionOptions, private readonly report: string[], who: string) {
    this.precisions = checkPrecisions(opts.activationPrecisions ?? DEFAULT_CANDIDATES, 'activation', `${who} activation precisions`);
    this.inputBits = opts.inputBits ?? 8;
    checkPrecisions([this.inputBits], 'activation', `${who} input bits`);
  }

  /** The quantiser of group `g`, read by `reader` (its first reader decides signedness). */
  quantFor(g: Group, reader: TraceUnit): MixedActQuant {
    let q = this.quantOf.get(g);
    if (q !== undefined) return q;
    if (g.units.some((u) => (this.roles.get(u) as UnitRole).role === 'input')) {
      q = new MixedActQuant([this.inputBits], true, this.state, 1);
      this.input = q;
    } else {
      const signed = !readsNonNegative(reader.producers[0], this.roles);
      if (signed) this.report.push(`activations read by '${reader.path}' can be negative: signed quantiser`);
      q = new MixedActQuant(this.precisions, signed, this.state);
    }
    this.quantOf.set(g, q);
    return q;
  }

  /** The quantiser of a group if a layer reads it, else null (e.g. the graph output). */
  existing(g: Group): MixedActQuant | null {
    return this.quantOf.get(g) ?? null;
  }

  all(): MixedActQuant[] {
    return [...new Set(this.quantOf.values())];
  }

  /** The network input's quantiser; fails when no layer reads the input directly. */
  inputQuant(who: string): MixedActQuant {
    if (this.input === null) throw new Error(`${who}: no conv or linear layer reads the network input directly; cannot place the input quantiser`);
    return this.input;
  }
}

/** Set every clip of `quantizers` to the largest |value| it sees on `batch` (a float forward of `model`). */
export function calibrateQuantizers(model: Module, quantizers: readonly MixedActQuant[], batch: Tensor): void {
  const was = model.training;
  model.eval();
  quantizers.forEach((q) => q.startCalibration());
  try {
    noGrad(() => model.call(batch));
  } finally {
    quantizers.forEach((q) => q.endCalibration());
    model.train(was);
  }
}
