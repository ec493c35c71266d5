/**
 * GAP8 (GreenWaves): an 8-core RISC-V cluster running PULP-NN int8 kernels, output rows split
 * over the cores. Per call (docs/design.md#hardware-cost-models, the reference library's model):
 *   conv       ⌈Ho/2⌉·⌈Wo/8⌉·(2·k·Cin + ⌈Cout/4⌉·(5 + 14·⌈k·Cin/4⌉ + 10))   (k = Kx·Ky, Cin per group)
 *   depthwise  4·⌈Cout/4⌉·Ho·Wo·k
 *   linear     ⌈Cin/2⌉·⌈Cout/4⌉
 * A conv1d maps onto the 2-D kernel with Ho = 1, Wo = L; a grouped conv runs one kernel per
 * group. The ⌈·⌉ of searched sizes round with straight-through gradients. The test conv (16→16,
 * 3×3, 32×32) takes 151,296 cycles = 15.6 MAC/cycle (PULP-NN reports 15.5).
 * Clock and power: cluster at 100 MHz, ≈ 51 mW (assumed operating point; see docs/hardware.md).
 */

import { add, div, mul } from '../../autograd/ops/elementwise.js';
import { scalar } from '../../tensor/create.js';
import { ceilDiv } from '../rounding.js';
import type { EffectiveSizes, LayerSpec } from '../spec.js';
import { outputGeometry, type HardwareTarget } from './types.js';

const CORES = 8;

function convCycles(spec: LayerSpec, eff: EffectiveSizes) {
  const { ho, wo } = outputGeometry(spec);
  const iterations = Math.ceil(ho / 2) * Math.ceil(wo / 8);
  const g = spec.groups;
  const cin = g === 1 ? eff.cin : div(eff.cin, g);
  const cout = g === 1 ? eff.cout : div(eff.cout, g);
  const kc = mul(eff.k, cin);
  const im2col = mul(kc, 2);
  const matmul = mul(ceilDiv(cout, 4), add(mul(ceilDiv(kc, 4), 14), 15));
  return mul(add(im2col, matmul), iterations * g);
}

export const gap8: HardwareTarget = {
  name: 'gap8',
  description: 'GAP8 8-core RISC-V cluster with PULP-NN int8 kernels, 100 MHz, ≈51 mW',
  clockHz: 100e6,
  powerW: 0.051,
  nativeBits: 8,
  cycles: (spec, eff) => {
    const { ho, wo, positions } = outputGeometry(spec);
    if (spec.kind === 'linear') return mul(mul(ceilDiv(eff.cin, 2), ceilDiv(eff.cout, 4)), positions);
    if (spec.depthwise) return mul(mul(ceilDiv(eff.cout, 4), eff.k), 4 * ho * wo);
    return convCycles(spec, eff);
  },
  scratchBytes: (spec, eff) => {
    // PULP-NN: each core keeps two int8 im2col columns.
    if (spec.kind === 'linear') return scalar(0);
    const perColumn = spec.depthwise ? eff.k : mul(spec.groups === 1 ? eff.cin : div(eff.cin, spec.groups), eff.k);
    return mul(perColumn, 2 * CORES);
  },
};
