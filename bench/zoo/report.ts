/**
 * The zoo's summary over rounds: per entry and thread count the median torch / tsdnas ratio and
 * its range, the zoo median per thread count (plain rows), and for search rows the search-step /
 * plain-step ratio of the same network (tsdnas, and PyTorch + PLiNIO beside it).
 */

import { plainOf, ZOO } from './entries.js';

/** One measurement: an entry at a thread count in one round. */
export interface Sample {
  round: number;
  id: string;
  threads: number;
  torchMs: number | null;
  oursMs: number;
  /** torchMs / oursMs (> 1: tsdnas is faster). */
  ratio: number | null;
  load: number;
}

export interface Spread { median: number; min: number; max: number; n: number }

export function spread(xs: readonly number[]): Spread | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  // Even counts: the mean of the two middle values, so 2 rounds do not just report the larger one.
  const median = s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { median, min: s[0], max: s[s.length - 1], n: s.length };
}

const f = (x: number | undefined, d = 2): string => (x === undefined ? '—' : x.toFixed(d));
const range = (s: Spread | null, d = 2): string => (s === null ? '—' : s.n === 1 ? f(s.median, d) : `${f(s.median, d)} (${f(s.min, d)}–${f(s.max, d)})`);
const isSearch = (id: string): boolean => id.includes(':');

export interface Summary {
  rows: { id: string; threads: number; torchMs: Spread | null; oursMs: Spread | null; ratio: Spread | null }[];
  zooMedian: Record<string, number | null>;
  searchOverPlain: { id: string; threads: number; ours: Spread | null; torch: Spread | null }[];
}

/** Per-round quotient a/b of two entries' times at one thread count (rounds where both ran). */
function quotients(samples: readonly Sample[], a: string, b: string, threads: number, key: 'oursMs' | 'torchMs'): number[] {
  const out: number[] = [];
  for (const s of samples.filter((x) => x.id === a && x.threads === threads)) {
    const p = samples.find((x) => x.id === b && x.threads === threads && x.round === s.round);
    const num = s[key];
    const den = p?.[key];
    if (num !== null && den !== null && den !== undefined) out.push(num / den);
  }
  return out;
}

export function summarise(samples: readonly Sample[], threads: readonly number[]): Summary {
  const ids = ZOO.map((e) => e.id).filter((id) => samples.some((s) => s.id === id));
  const rows = [];
  const zooMedian: Record<string, number | null> = {};
  for (const t of threads) {
    for (const id of ids) {
      const mine = samples.filter((s) => s.id === id && s.threads === t);
      rows.push({
        id, threads: t,
        torchMs: spread(mine.flatMap((s) => (s.torchMs === null ? [] : [s.torchMs]))),
        oursMs: spread(mine.map((s) => s.oursMs)),
        ratio: spread(mine.flatMap((s) => (s.ratio === null ? [] : [s.ratio]))),
      });
    }
    // The zoo's figure: the median over plain entries of each entry's median ratio.
    const per = rows.filter((r) => r.threads === t && !isSearch(r.id) && r.ratio !== null).map((r) => (r.ratio as Spread).median);
    zooMedian[`T${t}`] = spread(per)?.median ?? null;
  }
  const searchOverPlain = ids.filter(isSearch).flatMap((id) => threads.map((t) => ({
    id, threads: t,
    ours: spread(quotients(samples, id, plainOf(id), t, 'oursMs')),
    torch: spread(quotients(samples, id, plainOf(id), t, 'torchMs')),
  })));
  return { rows, zooMedian, searchOverPlain };
}

export function printSummary(s: Summary, rounds: number): void {
  console.log(`\nSummary over ${rounds} round(s): median (range) per entry; ratio = PyTorch ms / tsdnas ms (> 1: tsdnas faster)`);
  console.log(`${'entry'.padEnd(20)} thr  ${'PyTorch ms'.padEnd(22)} ${'tsdnas ms'.padEnd(22)} ratio`);
  for (const r of s.rows) {
    console.log(`${r.id.padEnd(20)} T${r.threads}   ${range(r.torchMs, 1).padEnd(22)} ${range(r.oursMs, 1).padEnd(22)} ${range(r.ratio)}`);
  }
  console.log(`zoo median ratio (plain rows): ${Object.entries(s.zooMedian).map(([k, v]) => `${k} ${v === null ? '—' : v.toFixed(2)}`).join(', ')}`);
  for (const r of s.searchOverPlain) {
    const ok = r.ours === null || !r.id.endsWith(':pit') ? '' : r.ours.median <= 1.3 ? ' (target ≤ 1.3: met)' : ' (target ≤ 1.3: NOT met)';
    console.log(`search / plain step, ${r.id} vs ${plainOf(r.id)} T${r.threads}: tsdnas ${range(r.ours)}${ok}; PyTorch + PLiNIO ${range(r.torch)}`);
  }
}
