/**
 * A generic software-kernel MCU model (CMSIS-NN / PULP-NN style): per layer call
 *   cycles = MACs / (MAC/cycle of the layer kind at its bit-widths)
 *          + im2colCycles · (elements copied into the im2col buffer: positions · Cin/groups · k, convs only)
 *          + outputCycles · (output values: requantisation and store)
 *          + callCycles (argument checks, buffer set-up, loop prologues)
 * and a scratch buffer of `im2col.columns` columns of Cin/groups · k elements for convs. MACs
 * exclude the bias (it is added in the requantisation epilogue). STM32H7, MPIC and user-defined
 * JSON targets are instances of it.
 */

import type { Tensor } from '../../tensor/tensor.js';
import { add, mul } from '../../autograd/ops/elementwise.js';
import { scalar } from '../../tensor/create.js';
import { macCount } from '../basic.js';
import type { EffectiveSizes, LayerSpec } from '../spec.js';
import { cinPerGroup, layerBits, outputGeometry, type HardwareTarget } from './types.js';
import { cycleGrid, cyclesPerMac, type MacTable, type Val } from './macTable.js';

export interface McuModel {
  name: string;
  description: string;
  clockHz: number;
  powerW: number;
  nativeBits: number;
  /** MAC/cycle of standard convolutions: one number, or a table by activation × weight bits. */
  macPerCycle: number | MacTable;
  /** MAC/cycle of depthwise convolutions (default: macPerCycle). */
  depthwiseMacPerCycle?: number | MacTable;
  /** MAC/cycle of linear layers (default: macPerCycle). */
  linearMacPerCycle?: number | MacTable;
  im2colCycles: number;
  outputCycles: number;
  callCycles: number;
  /** Scratch buffer of convolutions: columns kept at once (per core) × bytes per element × cores. */
  im2col: { columns: number; bytesPerElement: number; cores?: number };
}

const asTable = (v: number | MacTable): MacTable => (typeof v === 'number' ? { '8': { '8': v } } : v);

function toTensor(v: Val): Tensor {
  return typeof v === 'number' ? scalar(v) : v;
}

/** A HardwareTarget from an MCU model description. */
export function mcuTarget(m: McuModel): HardwareTarget {
  // A single-number rate applies at every precision (no table lookup by bits).
  const gridOf = (v: number | MacTable | undefined) => (v === undefined ? null : typeof v === 'number' ? v : cycleGrid(asTable(v)));
  const conv = gridOf(m.macPerCycle) as number | ReturnType<typeof cycleGrid>;
  const dw = gridOf(m.depthwiseMacPerCycle) ?? conv;
  const lin = gridOf(m.linearMacPerCycle) ?? conv;
  const cpm = (spec: LayerSpec, eff: EffectiveSizes): Val => {
    const g = spec.kind === 'linear' ? lin : spec.depthwise ? dw : conv;
    if (typeof g === 'number') return 1 / g;
    const { a, w } = layerBits(eff, m.nativeBits);
    return cyclesPerMac(g, a, w);
  };
  const im2colElements = (spec: LayerSpec, eff: EffectiveSizes): Val => {
    const per = cinPerGroup(spec, eff);
    return typeof per === 'number' ? mul(eff.k, per) : mul(per, eff.k);
  };
  return {
    name: m.name, description: m.description, clockHz: m.clockHz, powerW: m.powerW, nativeBits: m.nativeBits,
    cycles: (spec, eff) => {
      const { positions } = outputGeometry(spec);
      let c = mul(macCount(spec, eff, false), cpm(spec, eff));
      if (spec.kind !== 'linear' && m.im2colCycles > 0) c = add(c, mul(im2colElements(spec, eff), positions * m.im2colCycles));
      if (m.outputCycles > 0) c = add(c, mul(eff.cout, positions * m.outputCycles));
      return m.callCycles > 0 ? add(c, m.callCycles) : c;
    },
    scratchBytes: (spec, eff) => {
      if (spec.kind === 'linear') return scalar(0);
      const per = m.im2col.columns * m.im2col.bytesPerElement * (m.im2col.cores ?? 1);
      return mul(toTensor(im2colElements(spec, eff)), per);
    },
  };
}
