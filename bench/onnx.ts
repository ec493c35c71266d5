/**
 * A tiny ONNX writer for the onnxruntime-node peer rows: just enough protobuf (ModelProto,
 * GraphProto, NodeProto, AttributeProto, TensorProto, ValueInfoProto) to describe the benchmark
 * graphs. Float32 only, opset 13.
 */

type Bytes = number[];

function varint(out: Bytes, v: number): void {
  let x = BigInt(v);
  if (x < 0n) x += 1n << 64n;
  do {
    let b = Number(x & 0x7fn);
    x >>= 7n;
    if (x !== 0n) b |= 0x80;
    out.push(b);
  } while (x !== 0n);
}

function key(out: Bytes, field: number, wire: number): void {
  varint(out, (field << 3) | wire);
}

function fInt(out: Bytes, field: number, v: number): void {
  key(out, field, 0);
  varint(out, v);
}

function fBytes(out: Bytes, field: number, b: ArrayLike<number>): void {
  key(out, field, 2);
  varint(out, b.length);
  for (let i = 0; i < b.length; i++) out.push(b[i]);
}

function fStr(out: Bytes, field: number, s: string): void {
  fBytes(out, field, new TextEncoder().encode(s));
}

function msg(build: (o: Bytes) => void): Bytes {
  const o: Bytes = [];
  build(o);
  return o;
}

export type Attr = number | number[];

export interface OnnxNode {
  op: string;
  inputs: string[];
  outputs: string[];
  attrs?: Record<string, Attr>;
}

export interface OnnxGraph {
  nodes: OnnxNode[];
  inputs: { name: string; shape: number[] }[];
  outputs: { name: string; shape: number[] }[];
  initializers: { name: string; shape: number[]; data: Float32Array }[];
}

function valueInfo(name: string, shape: number[]): Bytes {
  return msg((o) => {
    fStr(o, 1, name);
    fBytes(o, 2, msg((t) => fBytes(t, 1, msg((tt) => {
      fInt(tt, 1, 1); // FLOAT
      fBytes(tt, 2, msg((s) => { for (const d of shape) fBytes(s, 1, msg((dim) => fInt(dim, 1, d))); }));
    }))));
  });
}

export function encodeModel(g: OnnxGraph): Uint8Array {
  const graph = msg((o) => {
    g.nodes.forEach((n, i) => fBytes(o, 1, msg((m) => {
      for (const s of n.inputs) fStr(m, 1, s);
      for (const s of n.outputs) fStr(m, 2, s);
      fStr(m, 3, `n${i}`);
      fStr(m, 4, n.op);
      for (const [name, v] of Object.entries(n.attrs ?? {})) {
        fBytes(m, 5, msg((a) => {
          fStr(a, 1, name);
          if (Array.isArray(v)) {
            for (const x of v) fInt(a, 8, x);
            fInt(a, 20, 7); // INTS
          } else {
            fInt(a, 3, v);
            fInt(a, 20, 2); // INT
          }
        }));
      }
    })));
    fStr(o, 2, 'bench');
    for (const t of g.initializers) {
      fBytes(o, 5, msg((m) => {
        for (const d of t.shape) fInt(m, 1, d);
        fInt(m, 2, 1);
        fStr(m, 8, t.name);
        fBytes(m, 9, new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
      }));
    }
    for (const v of g.inputs) fBytes(o, 11, valueInfo(v.name, v.shape));
    for (const v of g.outputs) fBytes(o, 12, valueInfo(v.name, v.shape));
  });
  return new Uint8Array(msg((o) => {
    fInt(o, 1, 8); // ir_version
    fStr(o, 2, 'tsdnas-bench');
    fBytes(o, 7, graph);
    fBytes(o, 8, msg((op) => { fStr(op, 1, ''); fInt(op, 2, 13); }));
  }));
}
