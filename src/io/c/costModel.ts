/**
 * The hardware memory cost model's prediction (hw/memory.ts) for an exported integer model, so
 * the C build's measured flash / RAM can be put next to it. Each conv / linear layer becomes a
 * LayerSpec with its kept output channels, its stored weight precisions (container widths: 2, 4
 * or 8 bits, what pack.ts stores) and its input / output code widths (32 for the output layer's
 * int32 accumulators). Flash counts the weights of the kept inputs only (a layer stores none for
 * input channels known to be zero); RAM counts every input channel, since the activation buffer
 * holds the zero channels too. The cost model has no im2col scratch here (the generated kernels use none).
 */

import { scalar } from '../../tensor/create.js';
import { flashBytes, liveActivationBytes } from '../../hw/memory.js';
import type { EffectiveSizes, LayerSpec } from '../../hw/spec.js';
import { containerBits } from '../../quant/integer/pack.js';
import type { IntegerModel, IntLayer } from '../../quant/integer/engine.js';
import type { CPlan } from './plan.js';
import type { HardwareTarget } from '../../hw/targets/types.js';

export interface CostModelMemory {
  /** Σ over layers of packed weights + bias + requantisation constants (hw/memory.ts flashBytes). */
  flashBytes: number;
  /** max over layers of input + output activation bytes at their bit-widths. */
  ramBytes: number;
}

/** Bits of the codes a node outputs, from their range. */
function codeBits(lo: number, hi: number): number {
  return Math.ceil(Math.log2(hi - lo + 1));
}

/** Each conv / linear layer of the model with its spec and effective sizes, as the cost models take them. */
function costedLayers(model: IntegerModel, plan: CPlan): { n: IntLayer; spec: LayerSpec; eff: EffectiveSizes }[] {
  const out: { n: IntLayer; spec: LayerSpec; eff: EffectiveSizes }[] = [];
  model.nodes.forEach((n, i) => {
    if (n.kind !== 'layer') return;
    const spec = layerSpec(n, plan.shapes[n.src], plan.shapes[i]);
    const kept = n.groups.reduce((s, g) => s + g.channels.length, 0);
    const wBitsSum = n.groups.reduce((s, g) => s + containerBits(g.bits) * g.channels.length, 0);
    const outBits = n.requant === null ? 32 : codeBits(n.requant.qmin, n.requant.qmax);
    const k = spec.kernel.reduce((a, b) => a * b, 1);
    out.push({ n, spec, eff: { cin: scalar(spec.cin), cout: scalar(kept), k: scalar(k), wBitsSum: scalar(wBitsSum), inBits: scalar(codeBits(...plan.ranges[n.src])), outBits: scalar(outBits) } });
  });
  return out;
}

export function costModelMemory(model: IntegerModel, plan: CPlan): CostModelMemory {
  let flash = 0;
  let ram = 0;
  for (const { n, spec, eff } of costedLayers(model, plan)) {
    flash += flashBytes(spec, { ...eff, cin: scalar(n.inKeep?.length ?? spec.cin) }, 8).item();
    ram = Math.max(ram, liveActivationBytes(spec, eff, 8).item());
  }
  return { flashBytes: flash, ramBytes: ram };
}

/** A hardware target's latency model (hw/targets) for the exported model: cycles of one inference, summed over its conv / linear layers. */
export function costModelCycles(model: IntegerModel, plan: CPlan, target: HardwareTarget): number {
  return costedLayers(model, plan).reduce((s, { n, spec, eff }) => s + target.cycles(spec, { ...eff, cin: scalar(n.inKeep?.length ?? spec.cin) }).item(), 0);
}

function layerSpec(n: IntLayer, inShape: readonly number[], outShape: readonly number[]): LayerSpec {
  const cout = n.weightShape[0];
  if (n.linear) {
    const cin = inShape.reduce((a, b) => a * b, 1);
    return { name: n.path, kind: 'linear', cin, cout, kernel: [], groups: 1, depthwise: false, bias: true, outShape: [], inShape: [] };
  }
  const g = n.geom as NonNullable<IntLayer['geom']>;
  const is1d = inShape.length === 2;
  const cin = inShape[0];
  return {
    name: n.path, kind: is1d ? 'conv1d' : 'conv2d', cin, cout, kernel: is1d ? [g.kw] : [g.kh, g.kw], groups: g.groups,
    depthwise: g.groups === cin && g.groups === cout && cin > 1, bias: true, outShape: outShape.slice(1), inShape: inShape.slice(1),
  };
}
