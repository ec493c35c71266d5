/**
 * What every loader fuzz test counts: each seeded mutant either loads, or is refused with a plain
 * Error naming its source; anything else (a TypeError / RangeError from deep inside, an error that
 * does not say which file, a case slower than SLOW_MS) is recorded as an unclear failure.
 */

import { expect } from 'vitest';

/** A single case slower than this counts as a hang. */
export const SLOW_MS = 2000;

export interface Tally { parsed: number; refused: number; bad: string[]; slowest: number }

export function newTally(): Tally {
  return { parsed: 0, refused: 0, bad: [], slowest: 0 };
}

/** An error a user can read: a plain Error, not a crash of the parser's own code. */
export function isPlainError(e: unknown): e is Error {
  return e instanceof Error && !(e instanceof TypeError) && !(e instanceof RangeError) && !(e instanceof SyntaxError);
}

/** Runs one case and counts it. */
export function attempt(t: Tally, source: string, label: string, f: () => unknown): void {
  const t0 = performance.now();
  try {
    f();
    t.parsed++;
  } catch (e) {
    const err = e as Error;
    if (isPlainError(err) && err.message.includes(source)) t.refused++;
    else t.bad.push(`${label}: ${err?.constructor?.name}: ${String(err?.message).slice(0, 200)}`);
  }
  const ms = performance.now() - t0;
  t.slowest = Math.max(t.slowest, ms);
  if (ms > SLOW_MS) t.bad.push(`${label}: took ${ms.toFixed(0)} ms`);
}

/**
 * Keeps each loader's tally: `check` fails the test on any unclear failure, `report` prints
 * the counts the reliability notes quote (call it from afterAll).
 */
export function recorder(cases: number): { check(name: string, t: Tally): void; report(): void } {
  const results: Record<string, Tally> = {};
  return {
    check(name, t) {
      results[name] = t;
      expect(t.bad, `${name}: ${t.bad.length} unclear failures`).toEqual([]);
    },
    report() {
      for (const [k, t] of Object.entries(results)) {
        console.log(`fuzz ${k.padEnd(18)} ${cases} cases: ${t.parsed} parsed, ${t.refused} refused with a clear error, ${t.bad.length} unclear (slowest ${t.slowest.toFixed(1)} ms)`);
      }
    },
  };
}
