/**
 * The integer model as a self-contained JSON document: per node its kind and integer
 * parameters, packed weights as base64 (LSB-first, see pack.ts), requantisation multipliers and
 * shifts, and the scales needed to read the output. What a C or ONNX exporter consumes. A layer's
 * packed weights cover only `inputsKept` (its live input channels / features; null = all): the
 * other inputs are known to be zero.
 */

import type { IntegerModel } from './engine.js';

/** /2: layers may store weights for their live inputs only (`inputsKept`). */
export const INTEGER_FORMAT = 'tsdnas.integer/2';

const b64 = (u: Uint8Array | Int32Array): string => Buffer.from(u.buffer, u.byteOffset, u.byteLength).toString('base64');

export function integerModelJson(m: IntegerModel): unknown {
  return {
    format: INTEGER_FORMAT,
    byteOrder: 'little-endian',
    outputNode: m.outputNode,
    outputScale: typeof m.outputScale === 'number' ? m.outputScale : Array.from(m.outputScale),
    memory: m.memory(),
    nodes: m.nodes.map((n) => {
      if (n.kind !== 'layer') return n;
      return {
        kind: n.kind, src: n.src, path: n.path, linear: n.linear, geometry: n.geom, weightShape: n.weightShape, inputsKept: n.inKeep,
        groups: n.groups.map((g) => ({ bits: g.bits, channels: g.channels, packedBase64: b64(g.packed) })),
        biasInt32Base64: b64(n.bias), requant: n.requant, accScale: Array.from(n.accScale),
      };
    }),
  };
}
