/**
 * The cost models a search gets from a hardware target:
 *   cycles   per inference (sum over layer calls)
 *   latency  ms per inference  = cycles / clock
 *   energy   mJ per inference  = cycles / clock × power
 *   flash    bytes, each layer once (packed weights, bias, requantisation constants)
 *   ram      bytes, the peak over layer calls of live activations + scratch buffer
 * Latency and energy count every call of a layer (a layer run twice costs twice).
 */

import { mul } from '../../autograd/ops/elementwise.js';
import type { CostModel } from '../spec.js';
import { flashBytes, ramBytes } from '../memory.js';
import type { HardwareTarget } from './types.js';

/** Names of the hardware costs, in the order reports show them. */
export const HARDWARE_COST_NAMES = ['cycles', 'latency', 'energy', 'flash', 'ram'] as const;
export type HardwareCostName = (typeof HARDWARE_COST_NAMES)[number];

/** Units of each hardware cost, for reports. */
export const HARDWARE_COST_UNITS: Readonly<Record<HardwareCostName, string>> = { cycles: 'cycles', latency: 'ms', energy: 'mJ', flash: 'B', ram: 'B' };

export function targetCosts(t: HardwareTarget): Record<HardwareCostName, CostModel> {
  const msPerCycle = 1e3 / t.clockHz;
  const mJPerCycle = (1e3 * t.powerW) / t.clockHz;
  return {
    cycles: { name: 'cycles', perCall: true, fn: t.cycles },
    latency: { name: 'latency', perCall: true, fn: (s, e) => mul(t.cycles(s, e), msPerCycle) },
    energy: { name: 'energy', perCall: true, fn: (s, e) => mul(t.cycles(s, e), mJPerCycle) },
    flash: { name: 'flash', perCall: false, fn: (s, e) => flashBytes(s, e, t.nativeBits) },
    ram: { name: 'ram', perCall: true, reduce: 'max', fn: (s, e) => ramBytes(s, e, t.nativeBits, t.scratchBytes) },
  };
}
