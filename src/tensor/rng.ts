/**
 * The one seeded random generator of the library (xoshiro128**, seeded by splitmix32).
 *
 * Every random number in tsdnas (initialisation, dropout, shuffling, Gumbel noise) comes from a
 * `Rng`, so the same seed and config give the same numbers on the reference backend, bit for
 * bit. The state is four uint32 words plus the cached Box–Muller spare, and it can be saved
 * and restored exactly so that a resumed run continues the same random stream.
 */

export interface RngState {
  s: [number, number, number, number];
  spare: number | null;
}

function splitmix32(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (x + 0x9e3779b9) >>> 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spare: number | null = null;

  constructor(seed = 0) {
    if (!Number.isFinite(seed)) throw new Error(`Rng: seed must be a finite number, got ${seed}`);
    // Seeds may exceed 32 bits; fold the high part in so that e.g. 1 and 2**32+1 differ.
    const hi = Math.floor(seed / 0x100000000) >>> 0;
    const next = splitmix32((seed >>> 0) ^ Math.imul(hi, 0x27d4eb2d));
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Next uint32. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1) with 32 bits of resolution. */
  next(): number {
    return this.nextUint32() / 0x100000000;
  }

  /** Uniform in [lo, hi). */
  uniform(lo = 0, hi = 1): number {
    return lo + (hi - lo) * this.next();
  }

  /** Standard normal (Box–Muller; the second value is cached and part of the state). */
  normal(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Integer in [0, n) without modulo bias. */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > 0x100000000) {
      throw new Error(`Rng.int: n must be an integer in [1, 2^32], got ${n}`);
    }
    const limit = 0x100000000 - (0x100000000 % n);
    let x = this.nextUint32();
    while (x >= limit) x = this.nextUint32();
    return x % n;
  }

  /** Fisher–Yates shuffle in place; returns the array. */
  shuffle<T extends { length: number; [i: number]: unknown }>(a: T): T {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }

  /** A random permutation of 0..n-1. */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    return this.shuffle(p);
  }

  /** An independent generator derived from this one (e.g. one per worker or per sweep point). */
  fork(): Rng {
    return new Rng(this.nextUint32() * 0x100000 + (this.nextUint32() >>> 12));
  }

  getState(): RngState {
    return { s: [this.s0, this.s1, this.s2, this.s3], spare: this.spare };
  }

  setState(state: RngState): void {
    const s = state.s;
    if (!Array.isArray(s) || s.length !== 4 || s.some((v) => !Number.isInteger(v))) {
      throw new Error('Rng.setState: expected {s: [4 uint32], spare: number|null}');
    }
    this.s0 = s[0] >>> 0;
    this.s1 = s[1] >>> 0;
    this.s2 = s[2] >>> 0;
    this.s3 = s[3] >>> 0;
    this.spare = state.spare;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/**
 * The state of stream `stream` derived from `base`: independent streams from one saved state, so
 * that work items (a sweep's points) start from states that do not depend on which ran before
 * them, and give the same bits run one after another or in parallel processes.
 */
export function streamState(base: RngState, stream: number): RngState {
  if (!Number.isInteger(stream) || stream < 0) throw new Error(`streamState: stream must be an integer ≥ 0, got ${stream}`);
  // FNV-1a over the base words and the stream index, then a full splitmix seeding (Rng's constructor).
  let lo = 0x811c9dc5;
  let hi = 0x01000193;
  for (const w of [...base.s, stream >>> 0, Math.floor(stream / 0x100000000)]) {
    lo = Math.imul(lo ^ w, 0x01000193) >>> 0;
    hi = Math.imul(hi ^ (w >>> 7) ^ lo, 0x5bd1e995) >>> 0;
  }
  return new Rng((hi >>> 12) * 0x100000000 + lo).getState();
}

let globalRng = new Rng(0);

/** The library-wide generator used when no explicit `Rng` is passed. */
export function getRng(): Rng {
  return globalRng;
}

/** Re-seed the library-wide generator (call once at the start of a run). */
export function manualSeed(seed: number): Rng {
  globalRng = new Rng(seed);
  return globalRng;
}
