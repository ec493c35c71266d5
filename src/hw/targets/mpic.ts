/**
 * MPIC: a RISC-V core with 2/4/8-bit SIMD MAC units (Risso et al., IGSC 2022). Cycles =
 * MACs / (MAC/cycle at the layer's activation × weight bits); 0-bit weights cost nothing.
 * Energy at 250 MHz and 5.3825 mW (≈ 21.5 pJ per cycle). No per-layer overheads are modelled.
 */

import { mcuTarget } from './mcu.js';
import type { MacTable } from './macTable.js';

/** MAC/cycle by [activation bits][weight bits] (docs/design.md#hardware-cost-models). */
export const MPIC_MAC_PER_CYCLE: MacTable = {
  '2': { '2': 6.5, '4': 4.0, '8': 2.2 },
  '4': { '2': 3.9, '4': 3.5, '8': 2.1 },
  '8': { '2': 2.5, '4': 2.3, '8': 2.1 },
};

export const mpic = mcuTarget({
  name: 'mpic',
  description: 'MPIC RISC-V core with 2/4/8-bit SIMD MACs, 250 MHz, 5.3825 mW',
  clockHz: 250e6,
  powerW: 5.3825e-3,
  nativeBits: 8,
  macPerCycle: MPIC_MAC_PER_CYCLE,
  im2colCycles: 0,
  outputCycles: 0,
  callCycles: 0,
  // PULP-NN-style single-core im2col: two columns of int8 inputs.
  im2col: { columns: 2, bytesPerElement: 1 },
});
