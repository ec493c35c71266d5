/**
 * An ONNX model in memory (graph of nodes, initialisers, typed inputs / outputs) and its
 * encoding as a ModelProto. Covers the parts of onnx.proto the exporters use: int / ints /
 * float / floats / string attributes, float32 / int8 / uint8 / int32 / int64 tensors stored as
 * raw little-endian data, and symbolic dimensions (e.g. the batch axis 'N').
 */

import { fieldBytes, fieldFloat, fieldInt, fieldString, message, type Bytes } from './protobuf.js';

/** TensorProto.DataType codes. */
export const ONNX_TYPE = { float: 1, uint8: 2, int8: 3, int32: 6, int64: 7, double: 11 } as const;
export type OnnxElemType = keyof typeof ONNX_TYPE;

export type OnnxAttr =
  | { int: number }
  | { ints: readonly number[] }
  | { float: number }
  | { floats: readonly number[] }
  | { string: string };

export interface OnnxNode {
  op: string;
  name: string;
  inputs: string[];
  outputs: string[];
  attrs?: Record<string, OnnxAttr>;
  /** Operator domain ('' = ai.onnx). */
  domain?: string;
}

export interface OnnxTensor {
  name: string;
  type: OnnxElemType;
  shape: readonly number[];
  data: Float32Array | Float64Array | Int8Array | Uint8Array | Int32Array | BigInt64Array;
}

export interface OnnxValueInfo {
  name: string;
  type: OnnxElemType;
  /** A number, or a symbolic name such as 'N'. */
  shape: readonly (number | string)[];
}

export interface OnnxGraph {
  name: string;
  nodes: OnnxNode[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  initializers: OnnxTensor[];
  /** Default-domain opset version (13 unless an op needs more). */
  opset?: number;
  docString?: string;
}

const ATTR_TYPE = { float: 1, int: 2, string: 3, floats: 6, ints: 7 } as const;

function attribute(name: string, a: OnnxAttr): Bytes {
  return message((o) => {
    fieldString(o, 1, name);
    if ('int' in a) { fieldInt(o, 3, a.int); fieldInt(o, 20, ATTR_TYPE.int); }
    else if ('float' in a) { fieldFloat(o, 2, a.float); fieldInt(o, 20, ATTR_TYPE.float); }
    else if ('string' in a) { fieldBytes(o, 4, new TextEncoder().encode(a.string)); fieldInt(o, 20, ATTR_TYPE.string); }
    else if ('ints' in a) { for (const x of a.ints) fieldInt(o, 8, x); fieldInt(o, 20, ATTR_TYPE.ints); }
    else { for (const x of a.floats) fieldFloat(o, 7, x); fieldInt(o, 20, ATTR_TYPE.floats); }
  });
}

function tensor(t: OnnxTensor): Bytes {
  const want = t.shape.reduce((a, b) => a * b, 1);
  if (t.data.length !== want) throw new Error(`onnx: initializer '${t.name}' has ${t.data.length} elements but shape [${t.shape.join(', ')}] needs ${want}`);
  return message((m) => {
    for (const d of t.shape) fieldInt(m, 1, d);
    fieldInt(m, 2, ONNX_TYPE[t.type]);
    fieldString(m, 8, t.name);
    // raw_data is little-endian; typed arrays are in host order, little-endian on every Node target.
    fieldBytes(m, 9, new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
  });
}

function valueInfo(v: OnnxValueInfo): Bytes {
  return message((o) => {
    fieldString(o, 1, v.name);
    fieldBytes(o, 2, message((tp) => fieldBytes(tp, 1, message((tt) => {
      fieldInt(tt, 1, ONNX_TYPE[v.type]);
      fieldBytes(tt, 2, message((s) => {
        for (const d of v.shape) fieldBytes(s, 1, message((dim) => (typeof d === 'number' ? fieldInt(dim, 1, d) : fieldString(dim, 2, d))));
      }));
    }))));
  });
}

/** Encode a graph as a serialised ONNX ModelProto (IR version 8). */
export function encodeOnnxModel(g: OnnxGraph, producer = 'tsdnas'): Uint8Array {
  const graph = message((o) => {
    for (const n of g.nodes) {
      fieldBytes(o, 1, message((m) => {
        for (const s of n.inputs) fieldString(m, 1, s);
        for (const s of n.outputs) fieldString(m, 2, s);
        fieldString(m, 3, n.name);
        fieldString(m, 4, n.op);
        if (n.domain) fieldString(m, 7, n.domain);
        for (const [name, v] of Object.entries(n.attrs ?? {})) fieldBytes(m, 5, attribute(name, v));
      }));
    }
    fieldString(o, 2, g.name);
    for (const t of g.initializers) fieldBytes(o, 5, tensor(t));
    if (g.docString) fieldString(o, 10, g.docString);
    for (const v of g.inputs) fieldBytes(o, 11, valueInfo(v));
    for (const v of g.outputs) fieldBytes(o, 12, valueInfo(v));
  });
  return new Uint8Array(message((o) => {
    fieldInt(o, 1, 8); // ir_version
    fieldString(o, 2, producer);
    fieldBytes(o, 7, graph);
    fieldBytes(o, 8, message((op) => { fieldString(op, 1, ''); fieldInt(op, 2, g.opset ?? 13); }));
  }));
}
