/**
 * Memory plan of the C export: the shape and storage type of every integer-model node, which
 * nodes share a buffer (a fused quantiser and a flatten are views of their source; an unpadded
 * pooling whose input is read by nobody else runs in place), and the
 * offset of each buffer in one statically sized activation arena (greedy by size over
 * buffer lifetimes, 4-byte aligned), so peak RAM is the arena size.
 */

import { zeros } from '../../tensor/create.js';
import type { IntegerModel, IntNode } from '../../quant/integer/engine.js';

export type CType = 'uint8_t' | 'int8_t' | 'int16_t' | 'int32_t';
export const C_TYPE_TAG: Readonly<Record<CType, string>> = { uint8_t: 'T_U8', int8_t: 'T_I8', int16_t: 'T_I16', int32_t: 'T_I32' };
const BYTES: Readonly<Record<CType, number>> = { uint8_t: 1, int8_t: 1, int16_t: 2, int32_t: 4 };

export interface CPlan {
  /** Per node: shape without the batch axis. */
  shapes: number[][];
  /** Per node: the range [min, max] of its integer values. */
  ranges: [number, number][];
  /** Per node: element type of its codes. */
  types: CType[];
  /** Per node: the node whose buffer holds its values (itself unless it is a view). */
  bufferOf: number[];
  /** Per buffer-owning node: byte offset in the arena. */
  offsets: Map<number, number>;
  arenaBytes: number;
}

const typeFor = (lo: number, hi: number): CType =>
  lo >= 0 && hi <= 255 ? 'uint8_t' : lo >= -128 && hi <= 127 ? 'int8_t' : lo >= -32768 && hi <= 32767 ? 'int16_t' : 'int32_t';

function ranges(nodes: readonly IntNode[]): [number, number][] {
  const r: [number, number][] = [];
  for (const n of nodes) {
    switch (n.kind) {
      case 'input': case 'requant': r.push([n.qmin, n.qmax]); break;
      case 'layer': r.push(n.requant === null ? [-(2 ** 31), 2 ** 31 - 1] : [n.requant.qmin, n.requant.qmax]); break;
      case 'add': r.push([r[n.srcs[0]][0] + r[n.srcs[1]][0], r[n.srcs[0]][1] + r[n.srcs[1]][1]]); break;
      default: r.push(r[n.src]);
    }
  }
  return r;
}

const sourcesOf = (n: IntNode): number[] => (n.kind === 'input' ? [] : n.kind === 'add' ? [...n.srcs] : [n.src]);

export function planMemory(model: IntegerModel, inputShape: readonly number[]): CPlan {
  const nodes = model.nodes;
  const run = model.run(zeros([1, ...inputShape]));
  const shapes = run.values.map((v) => v.shape.slice(1));
  const range = ranges(nodes);
  const types = range.map(([lo, hi]) => typeFor(lo, hi));
  const bufferOf = nodes.map((_, i) => i);
  nodes.forEach((n, i) => {
    if (n.kind === 'fused' || n.kind === 'flatten' || (isUnpaddedPool(n) && lastReader(nodes, bufferOf, bufferOf[n.src], i) === i)) bufferOf[i] = bufferOf[n.src];
  });
  // A buffer's lifetime in segments: an in-place pooling starts a new, smaller segment at the same offset.
  const bytesOf = (i: number): number => Math.ceil((shapes[i].reduce((x, y) => x * y, 1) * BYTES[types[i]]) / 4) * 4;
  const lastRead = nodes.map((_, i) => (i === model.outputNode ? nodes.length : i));
  nodes.forEach((n, j) => { for (const s of sourcesOf(n)) lastRead[s] = Math.max(lastRead[s], j); });
  type Segment = { start: number; end: number; bytes: number };
  const segments = new Map<number, Segment[]>();
  nodes.forEach((n, i) => {
    const b = bufferOf[i];
    const list = segments.get(b) ?? [];
    segments.set(b, list);
    const cur = list[list.length - 1];
    if (cur === undefined || (i !== b && isUnpaddedPool(n))) list.push({ start: i, end: lastRead[i], bytes: bytesOf(i) });
    else cur.end = Math.max(cur.end, lastRead[i]);
  });
  const placed: (Segment & { off: number })[] = [];
  const offsets = new Map<number, number>();
  let arenaBytes = 0;
  // Greedy by size (as TFLite Micro plans its arena): the largest buffers first, each at the lowest
  // offset where all its segments avoid the placed segments alive at the same time. Placing in
  // program order instead fragments chains (e.g. TEMPONet: 26,880 B instead of 19,456 B).
  const bySize = [...segments].sort(([ba, a], [bb, b]) => Math.max(...b.map((s) => s.bytes)) - Math.max(...a.map((s) => s.bytes)) || ba - bb);
  for (const [b, segs] of bySize) {
    const conflicts = placed.filter((p) => segs.some((s) => p.start <= s.end && s.start <= p.end))
    const need = Math.max(...segs.map((s) => s.bytes));
    const clashes = (off: number): boolean => conflicts.some((p) => segs.some((s) => p.start <= s.end && s.start <= p.end && off < p.off + p.bytes && p.off < off + s.bytes));
    const off = [0, ...conflicts.map((p) => p.off + p.bytes)].sort((x, y) => x - y).find((o) => !clashes(o)) as number;
    for (const s of segs) placed.push({ ...s, off });
    offsets.set(b, off);
    arenaBytes = Math.max(arenaBytes, off + need);
  }
  return { shapes, ranges: range, types, bufferOf, offsets, arenaBytes };
}

/**
 * An unpadded pooling can overwrite its own input: output element w = (c·Ho + oy)·Wo + ox is
 * written after its window is read, and every later window starts at (c'·H + oy'·sh)·W + ox'·sw,
 * which is > w because H ≥ Ho, W ≥ Wo and the strides are ≥ 1, so no unread input is clobbered.
 */
function isUnpaddedPool(n: IntNode): n is Extract<IntNode, { kind: 'maxpool' | 'avgpool' }> {
  return (n.kind === 'maxpool' || n.kind === 'avgpool') && (n.window === 'global' || (n.window.ph === 0 && n.window.pw === 0));
}

/** The last node that reads buffer `buf` if node `at` (and everything after) were not aliased into it. */
function lastReader(nodes: readonly IntNode[], bufferOf: readonly number[], buf: number, at: number): number {
  let last = -1;
  nodes.forEach((n, j) => { for (const s of sourcesOf(n)) if (s < at && bufferOf[s] === buf) last = Math.max(last, j); });
  return last;
}
