/**
 * Deterministic hostile-input generator for the loader fuzz tests: from one valid file, the
 * project's seeded Rng (src/tensor/rng.ts) derives truncations, bit flips, size-like fields
 * overwritten with huge / negative values, spliced junk and duplicated regions. Seeded, so a
 * failing case is reproduced by its index alone (no shrinking needed for files this small).
 */

import { Rng } from '../../src/tensor/rng.js';

const HUGE_WORDS = [0xffffffff, 0x7fffffff, 0x80000000, 0x40000000, 0x00ffffff, 0x10000, 0];

export type Mutation = 'truncate' | 'bitflip' | 'word' | 'junk' | 'splice' | 'empty';

function setWord(b: Uint8Array, at: number, w: number, le: boolean): void {
  for (let k = 0; k < 4 && at + k < b.length; k++) b[at + k] = le ? (w >>> (8 * k)) & 0xff : (w >>> (8 * (3 - k))) & 0xff;
}

/** The `i`-th mutant of `valid` (deterministic in `seed` and `i`). */
export function mutateBytes(valid: Uint8Array, seed: number, i: number): { bytes: Uint8Array; kind: Mutation } {
  const rng = new Rng(seed * 100_003 + i);
  const kinds: Mutation[] = ['truncate', 'bitflip', 'word', 'word', 'junk', 'splice'];
  const kind: Mutation = i === 0 ? 'empty' : kinds[rng.int(kinds.length)];
  const n = valid.length;
  switch (kind) {
    case 'empty':
      return { bytes: new Uint8Array(0), kind };
    case 'truncate':
      // Bias towards the header, where size fields live.
      return { bytes: valid.slice(0, rng.next() < 0.5 ? rng.int(Math.min(n, 160)) : rng.int(n)), kind };
    case 'bitflip': {
      const b = valid.slice();
      const flips = 1 + rng.int(8);
      for (let k = 0; k < flips; k++) {
        const at = rng.next() < 0.6 ? rng.int(Math.min(n, 200)) : rng.int(n);
        b[at] ^= 1 << rng.int(8);
      }
      return { bytes: b, kind };
    }
    case 'word': {
      const b = valid.slice();
      const at = rng.next() < 0.7 ? rng.int(Math.min(n, 200)) : rng.int(n);
      setWord(b, at - (at % 4), HUGE_WORDS[rng.int(HUGE_WORDS.length)], rng.next() < 0.5);
      return { bytes: b, kind };
    }
    case 'junk': {
      const b = valid.slice();
      const at = rng.int(n);
      const len = 1 + rng.int(32);
      for (let k = at; k < Math.min(n, at + len); k++) b[k] = rng.int(256);
      return { bytes: b, kind };
    }
    case 'splice': {
      // A region repeated or dropped: lengths no longer agree with the content.
      const a = rng.int(n);
      const len = rng.int(Math.max(1, n - a));
      const b = rng.next() < 0.5
        ? new Uint8Array([...valid.subarray(0, a + len), ...valid.subarray(a)])
        : new Uint8Array([...valid.subarray(0, a), ...valid.subarray(a + len)]);
      return { bytes: b, kind };
    }
  }
}

/** Text mutants for text formats: the byte mutants plus hostile values substituted into numbers. */
export function mutateText(valid: string, seed: number, i: number): string {
  const rng = new Rng(seed * 7_919 + i);
  if (rng.next() < 0.5) return Buffer.from(mutateBytes(Buffer.from(valid, 'utf8'), seed, i).bytes).toString('utf8');
  const hostile = ['-1', 'NaN', '1e400', '-1e400', '"x"', 'null', 'true', '[]', '{}', '1e308', '999999999999', '0.5', '-0', '""', 'Infinity'];
  const nums = [...valid.matchAll(/-?\d+(\.\d+)?(e-?\d+)?/g)];
  if (nums.length === 0) return valid;
  const m = nums[rng.int(nums.length)];
  return valid.slice(0, m.index) + hostile[rng.int(hostile.length)] + valid.slice(m.index! + m[0].length);
}
