/**
 * Splitting a user's table into parts without leaks: stratified by class over samples, or by
 * group (subject, recording, speaker) so that overlapping windows of one recording never sit on
 * both sides. Seeded with the project's Rng, so the same seed gives the same split.
 */

import { Rng } from '../../tensor/rng.js';
import { stratifiedSplit } from '../split.js';

export type SplitBy = 'sample' | 'group';

/**
 * Indices `a` (kept) and `b` (≈ fraction of the rows). By sample: stratified by `strata`
 * (class labels; regression passes null → a plain seeded draw). By group: whole groups go to
 * `b`, drawn in a seeded order until `b` holds about `fraction` of the rows; for
 * classification the draw prefers groups whose classes are still short in `b`.
 */
export function splitRows(
  n: number,
  strata: readonly string[] | null,
  groups: readonly string[] | null,
  fraction: number,
  by: SplitBy,
  rng: Rng,
  what: string,
): { a: Int32Array; b: Int32Array } {
  if (!(fraction > 0 && fraction < 1)) throw new Error(`${what}: fraction must be between 0 and 1 (exclusive), got ${fraction}`);
  if (by === 'group') {
    if (groups === null) throw new Error(`${what}: a split by group needs a group for every row (a group column, or records / speakers); use "splitBy": "sample"`);
    return groupSplit(groups, fraction, rng, what);
  }
  if (strata !== null) {
    const codes = new Map<string, number>();
    const lab = strata.map((s) => {
      if (!codes.has(s)) codes.set(s, codes.size);
      return codes.get(s)!;
    });
    return stratifiedSplit(lab, fraction, rng);
  }
  const perm = rng.permutation(n);
  const take = Math.round(fraction * n);
  const inB = new Uint8Array(n);
  for (let j = 0; j < take; j++) inB[perm[j]] = 1;
  return partition(inB);
}

function partition(inB: Uint8Array): { a: Int32Array; b: Int32Array } {
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < inB.length; i++) (inB[i] ? b : a).push(i);
  return { a: Int32Array.from(a), b: Int32Array.from(b) };
}

function groupSplit(groups: readonly string[], fraction: number, rng: Rng, what: string): { a: Int32Array; b: Int32Array } {
  const members = new Map<string, number[]>();
  groups.forEach((g, i) => {
    const list = members.get(g);
    if (list) list.push(i);
    else members.set(g, [i]);
  });
  // Sorted names first, so the draw does not depend on row order.
  const names = [...members.keys()].sort();
  if (names.length < 2) throw new Error(`${what}: only one group ('${names[0] ?? ''}') — a split by group needs at least 2; use "splitBy": "sample" or give more subjects / recordings`);
  const order = rng.permutation(names.length);
  const target = Math.max(1, Math.round(fraction * groups.length));
  const inB = new Uint8Array(groups.length);
  let taken = 0;
  let groupsTaken = 0;
  for (let j = 0; j < order.length && taken < target; j++) {
    // Keep at least one group on each side.
    if (groupsTaken === names.length - 1) break;
    const rows = members.get(names[order[j]])!;
    // Skip a group that would overshoot by more than it helps, unless nothing is taken yet.
    if (taken > 0 && taken + rows.length - target > target - taken) continue;
    for (const i of rows) inB[i] = 1;
    taken += rows.length;
    groupsTaken++;
  }
  return partition(inB);
}
