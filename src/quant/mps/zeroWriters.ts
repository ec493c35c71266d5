/**
 * Which searched layers decide that a layer's input channel is exactly zero. A channel at 0 bits
 * outputs zero (weights and bias pruned), and zero passes unchanged through zero-preserving units
 * (ReLU / PACT, pooling, zero padding, flatten, dropout). So an input channel is zero exactly
 * when every layer last writing it chose 0 bits for it: at a residual add both branches must be
 * zero (an add of a pruned and a kept channel is not), and a depthwise conv is itself the writer
 * (its bias makes a channel with a zero input non-zero unless the depthwise channel is pruned).
 * Anything else on the way (the network input, a concat, a unit with f(0) ≠ 0 such as an unfolded
 * BatchNorm, an unknown op) means the channel cannot be known to be zero: no writers (null).
 */

import type { Module } from '../../nn/module.js';
import type { TraceUnit } from '../../graph/trace.js';
import type { UnitRole } from '../../graph/groups.js';
import type { MpsLayer } from './mpsLayer.js';

/** Ops whose output is zero wherever all their inputs are zero. */
const ZERO_IF_ALL_ZERO = new Set(['add', 'sub', 'maximum', 'minimum', 'concat']);

/**
 * The distinct layers writing the channels of `unit`'s output (each channel is zero iff all of
 * them chose 0 bits for it), or null when some channel can be non-zero whatever they choose.
 */
export function zeroWriters(unit: TraceUnit, roles: ReadonlyMap<TraceUnit, UnitRole>, layerOf: ReadonlyMap<Module, MpsLayer>): MpsLayer[] | null {
  const found = new Set<MpsLayer>();
  const visit = (u: TraceUnit): boolean => {
    const r = roles.get(u);
    if (r === undefined) return false;
    switch (r.role) {
      case 'producer': case 'depthwise': {
        const l = u.module === null ? undefined : layerOf.get(u.module);
        if (l === undefined) return false;
        found.add(l);
        return true;
      }
      case 'pass':
        return !r.needsMask && u.producers.length === 1 && visit(u.producers[0]);
      case 'merge':
        return u.kind === 'op' && ZERO_IF_ALL_ZERO.has(u.op as string) && u.producers.length > 0 && u.producers.every(visit);
      default:
        return false;
    }
  };
  return visit(unit) ? [...found] : null;
}
