/**
 * DIANA (Ueyoshi et al., ISSCC 2022): a RISC-V SoC with a digital 16×16 PE array and an analog
 * in-memory-computing array (1152 rows × 512 columns, ternary weights, 7-bit activations),
 * both at 260 MHz. Cycle models of the ODiMO work (Risso et al., IGSC 2022 / ISLPED 2023):
 *   digital  ⌈(Cout/groups)/16⌉·Cin·⌈Ho/16⌉·Wo·k + Ho·Wo·(Cout + Cin)/8
 *   analog   8·Cin·k (weight loading) + ⌈Cout/512⌉·⌈Cin/128⌉·Ho·Wo/u · 70 ns · f
 *            with u ∈ {1, 2, 4, 8} the largest output-column unroll that fits the array
 *            (u·Cout ≤ 512 and (u + Kx − 1)·max(64, Cin)·Ky ≤ 1152); u is a discrete choice
 *            taken at the current sizes (no gradient through it).
 * Power: digital 24.96 mW, analog 28.74 mW (ODiMO's measured figures). The analog array runs
 * only ungrouped layers; a depthwise layer there is an error naming the layer.
 */

import { add, mul } from '../../autograd/ops/elementwise.js';
import { scalar } from '../../tensor/create.js';
import { ceilDiv } from '../rounding.js';
import type { LayerSpec } from '../spec.js';
import { outputGeometry, type HardwareTarget } from './types.js';

const CLOCK = 260e6;

export const dianaDigital: HardwareTarget = {
  name: 'diana-digital',
  description: 'DIANA digital 16×16 PE array (int8), 260 MHz, 24.96 mW',
  clockHz: CLOCK,
  powerW: 24.96e-3,
  nativeBits: 8,
  cycles: (spec, eff) => {
    const { ho, wo } = outputGeometry(spec);
    const cout = spec.groups === 1 ? eff.cout : mul(eff.cout, 1 / spec.groups);
    const compute = mul(mul(mul(ceilDiv(cout, 16), eff.cin), eff.k), Math.ceil(ho / 16) * wo);
    const loadStore = mul(add(eff.cout, eff.cin), (ho * wo) / 8);
    return add(compute, loadStore);
  },
  scratchBytes: () => scalar(0),
};

/** Largest output unroll u ∈ {1, 2, 4, 8} the analog array holds at these sizes. */
function analogUnroll(spec: LayerSpec, cout: number, cin: number): number {
  const [kx, ky] = spec.kind === 'conv2d' ? [spec.kernel[1], spec.kernel[0]] : [spec.kernel[0] ?? 1, 1];
  let best = 1;
  for (const u of [2, 4, 8]) if (u * cout <= 512 && (u + kx - 1) * Math.max(64, cin) * ky <= 1152) best = u;
  return best;
}

export const dianaAnalog: HardwareTarget = {
  name: 'diana-analog',
  description: 'DIANA analog in-memory array (ternary weights, 7-bit activations), 260 MHz, 28.74 mW',
  clockHz: CLOCK,
  powerW: 28.74e-3,
  nativeBits: 8,
  cycles: (spec, eff) => {
    if (spec.groups !== 1) throw new Error(`diana-analog: layer '${spec.name}' has groups = ${spec.groups}; the analog array runs only ungrouped convs and linears (use --target diana-digital for it)`);
    const { ho, wo } = outputGeometry(spec);
    const u = analogUnroll(spec, eff.cout.item(), eff.cin.item());
    const compute = mul(mul(ceilDiv(eff.cout, 512), ceilDiv(eff.cin, 128)), ((ho * wo) / u) * 70e-9 * CLOCK);
    const weights = mul(mul(eff.cin, eff.k), 8);
    return add(weights, compute);
  },
  scratchBytes: () => scalar(0),
};
