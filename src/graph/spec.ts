/**
 * The cost models' view of one traced layer call (hw/ LayerSpec): the layer's geometry from its
 * kind plus the shapes seen in the trace. Every method that prices layers (PIT's masks, MPS's
 * precisions) builds its specs here, so the same call has the same spec under every method.
 */

import type { Module } from '../nn/module.js';
import type { LayerSpec } from '../hw/index.js';
import type { TraceUnit } from './trace.js';
import { geometryOf, isDepthwise } from './kinds.js';

export function specOf(u: TraceUnit, m: Module): LayerSpec {
  const g = geometryOf(m);
  if (g === null) throw new Error(`specOf: '${u.path}' (${m.describe()}) is not a conv or linear layer`);
  const y = u.outputs[0];
  // The input's geometry feeds activation-memory costs (a strided layer reads more than it writes).
  const x = u.inputs[0];
  if (g.kind === 'linear') {
    return { name: u.path, kind: 'linear', cin: g.inChannels, cout: g.outChannels, kernel: [], groups: 1, depthwise: false, bias: g.bias, outShape: y.shape.slice(1, -1), inShape: x === undefined ? undefined : x.shape.slice(1, -1) };
  }
  return {
    name: u.path, kind: g.kind, cin: g.inChannels, cout: g.outChannels, kernel: g.kernel, groups: g.groups, depthwise: isDepthwise(g), bias: g.bias,
    outShape: y.shape.slice(2), inShape: x === undefined ? undefined : x.shape.slice(2), stride: g.stride, dilation: g.dilation,
  };
}
