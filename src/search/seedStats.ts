/**
 * The few statistics a multi-seed run needs, written out so that their small-sample behaviour is
 * plain: summaries (mean, sample standard deviation with n − 1, min, max), the paired t test with
 * an exact two-sided p-value for whole degrees of freedom, and the two-sided sign test. With the
 * three to five seeds a search can afford, these are what can honestly be said.
 */

/** Summary of the finite values of one quantity across seeds; null where it is undefined (no value, or sd of one value). */
export interface Stats {
  n: number;
  mean: number | null;
  /** Sample standard deviation (divides by n − 1); null for fewer than two values. */
  sd: number | null;
  min: number | null;
  max: number | null;
}

export function summarize(values: readonly unknown[]): Stats {
  const v = values.filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
  const n = v.length;
  if (n === 0) return { n, mean: null, sd: null, min: null, max: null };
  const mean = v.reduce((a, b) => a + b, 0) / n;
  const sd = n < 2 ? null : Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  return { n, mean, sd, min: Math.min(...v), max: Math.max(...v) };
}

/**
 * Two-sided p-value P(|T| ≥ |t|) of Student's t with `dof` whole degrees of freedom, from the
 * closed form of its distribution for integer dof (Abramowitz & Stegun 26.7.3 / 26.7.4), so no
 * special-function library is needed. ±Infinity gives 0.
 */
export function tTwoSidedP(t: number, dof: number): number {
  if (!Number.isInteger(dof) || dof < 1) throw new Error(`tTwoSidedP: degrees of freedom must be a whole number ≥ 1, got ${dof}`);
  if (Number.isNaN(t)) return NaN;
  if (!Number.isFinite(t)) return 0;
  const theta = Math.atan(Math.abs(t) / Math.sqrt(dof));
  const s = Math.sin(theta);
  const c2 = Math.cos(theta) ** 2;
  let a: number;
  if (dof % 2 === 1) {
    let sum = 0;
    let term = Math.cos(theta);
    for (let k = 1; 2 * k - 1 <= dof - 2; k++) {
      sum += term;
      term *= c2 * (2 * k) / (2 * k + 1);
    }
    a = (2 / Math.PI) * (theta + s * sum);
  } else {
    let sum = 0;
    let term = 1;
    for (let k = 1; 2 * (k - 1) <= dof - 2; k++) {
      sum += term;
      term *= c2 * (2 * k - 1) / (2 * k);
    }
    a = s * sum;
  }
  return Math.min(1, Math.max(0, 1 - a));
}

/** The |t| at which the two-sided p-value is `alpha` (5 %: 12.71 for 1 dof, 4.30 for 2, 3.18 for 3). */
export function tCritical(dof: number, alpha = 0.05): number {
  let lo = 0;
  let hi = 1e6;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (tTwoSidedP(mid, dof) > alpha) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

export interface PairedT {
  n: number;
  mean: number;
  /** Sample standard deviation of the differences (null for one pair). */
  sd: number | null;
  /** mean / (sd / √n); ±Infinity when every difference is the same non-zero value, NaN when undefined. */
  t: number;
  dof: number;
  /** Two-sided; NaN for one pair (no spread to test against). */
  p: number;
}

/** The paired t test of differences a_i − b_i (one per seed) against a mean of 0. */
export function pairedT(diffs: readonly number[]): PairedT {
  const s = summarize(diffs);
  if (s.n === 0 || s.mean === null) throw new Error('pairedT: no differences to test');
  const dof = s.n - 1;
  if (s.sd === null) return { n: s.n, mean: s.mean, sd: null, t: NaN, dof, p: NaN };
  const t = s.sd === 0 ? (s.mean === 0 ? NaN : Math.sign(s.mean) * Infinity) : s.mean / (s.sd / Math.sqrt(s.n));
  return { n: s.n, mean: s.mean, sd: s.sd, t, dof, p: Number.isNaN(t) ? (s.mean === 0 ? 1 : NaN) : tTwoSidedP(t, dof) };
}

/** Two-sided exact sign test: the chance of a split at least this uneven between `wins` and `losses` (ties left out) by coin flips. */
export function signTestP(wins: number, losses: number): number {
  const n = wins + losses;
  if (n === 0) return 1;
  const k = Math.min(wins, losses);
  let tail = 0;
  let c = 1;
  for (let i = 0; i <= k; i++) {
    tail += c;
    c = (c * (n - i)) / (i + 1);
  }
  return Math.min(1, (2 * tail) / 2 ** n);
}
