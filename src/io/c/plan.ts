/**
 * Memory plan of the C export: the shape and storage type of every integer-model node, which
 * nodes share a buffer (a fused quantiser and a flatten are views of their source), and the
 * offset of each buffer in one statically sized activation arena (greedy first fit over
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
  const types = ranges(nodes).map(([lo, hi]) => typeFor(lo, hi));
  const bufferOf = nodes.map((_, i) => i);
  nodes.forEach((n, i) => { if (n.kind === 'fused' || n.kind === 'flatten') bufferOf[i] = bufferOf[n.src]; });
  // Lifetime of each buffer: from its node to the last node reading it (the output lives to the end).
  const lastUse = new Map<number, number>();
  nodes.forEach((n, i) => {
    lastUse.set(bufferOf[i], Math.max(lastUse.get(bufferOf[i]) ?? i, i));
    for (const s of sourcesOf(n)) lastUse.set(bufferOf[s], Math.max(lastUse.get(bufferOf[s]) ?? 0, i));
  });
  lastUse.set(bufferOf[model.outputNode], nodes.length);
  const placed: { start: number; end: number; off: number; bytes: number }[] = [];
  const offsets = new Map<number, number>();
  let arenaBytes = 0;
  nodes.forEach((_, i) => {
    if (bufferOf[i] !== i) return;
    const bytes = Math.ceil((shapes[i].reduce((a, b) => a * b, 1) * BYTES[types[i]]) / 4) * 4;
    const end = lastUse.get(i) as number;
    const live = placed.filter((p) => p.start <= end && i <= p.end).sort((a, b) => a.off - b.off);
    let off = 0;
    for (const p of live) {
      if (off + bytes <= p.off) break;
      off = Math.max(off, p.off + p.bytes);
    }
    placed.push({ start: i, end, off, bytes });
    offsets.set(i, off);
    arenaBytes = Math.max(arenaBytes, off + bytes);
  });
  return { shapes, types, bufferOf, offsets, arenaBytes };
}
