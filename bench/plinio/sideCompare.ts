/**
 * The comparison half of bench/plinioSideBySide.ts: per-run points of both sides, their means
 * over seeds per λ (or budget), and the front comparison — for each PLiNIO mean point, the
 * smallest tsdnas mean point at least as accurate (and within one accuracy point).
 */

/** One searched network of one seed (accuracies as fractions, params = conv + linear weights and biases). */
export interface RunPoint {
  side: 'tsdnas' | 'plinio';
  seed: number;
  /** What the row is keyed by: 'λ=1e-05', or the budget as given ('budget 20%'). */
  key: string;
  /** The regulariser strength (null for a budget point that does not record one). */
  lambda: number | null;
  params: number;
  /** Multiply-accumulates including one add per output for the biases (tsdnas's MACs; the kit's ops_own). */
  macs: number | null;
  testAcc: number;
  /** Test accuracy of the exported network before fine-tuning, when the run records it. */
  testAccAfterExport: number | null;
  searchEpochs: number | null;
  searchBestEpoch: number | null;
  /** The exported network's conv / linear shapes, e.g. '1→8 k5, 8→16 k9d2, fc 16→2'. */
  arch: string;
}

export interface MeanSd {
  mean: number;
  sd: number;
  n: number;
}

export interface MeanPoint {
  side: 'tsdnas' | 'plinio';
  key: string;
  lambda: number | null;
  seeds: number[];
  params: MeanSd;
  testAcc: MeanSd;
  testAccAfterExport: MeanSd | null;
  macs: MeanSd | null;
  searchEpochs: MeanSd | null;
  /** Architecture of the lowest seed. */
  arch: string;
}

/** Mean and sample sd (ddof 1, as the kit's summarize.py; 0 for one value). */
export function meanSd(v: readonly number[]): MeanSd {
  const n = v.length;
  const mean = n === 0 ? NaN : v.reduce((s, x) => s + x, 0) / n;
  const sd = n > 1 ? Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, sd, n };
}

const orNull = (v: (number | null)[]): MeanSd | null => (v.every((x): x is number => x !== null) && v.length > 0 ? meanSd(v) : null);

/** Means over seeds, one per key, in the order the keys first appear. */
export function means(points: readonly RunPoint[]): MeanPoint[] {
  const keys = [...new Set(points.map((p) => p.key))];
  return keys.map((key) => {
    const rows = points.filter((p) => p.key === key).sort((a, b) => a.seed - b.seed);
    return {
      side: rows[0].side, key, lambda: rows[0].lambda, seeds: rows.map((r) => r.seed),
      params: meanSd(rows.map((r) => r.params)), testAcc: meanSd(rows.map((r) => r.testAcc)),
      testAccAfterExport: orNull(rows.map((r) => r.testAccAfterExport)), macs: orNull(rows.map((r) => r.macs)),
      searchEpochs: orNull(rows.map((r) => r.searchEpochs)), arch: rows[0].arch,
    };
  });
}

/** Accuracies are compared in percentage points, with a little slack for float noise. */
const EPS = 1e-9;

export interface FrontMatch {
  /** The reference point (PLiNIO's, for the main verdict). */
  ref: { key: string; accPct: number; params: number };
  /** The smallest point of the other side with accuracy ≥ ref − tolerance, or null. */
  best: { key: string; accPct: number; params: number } | null;
  /** best exists and has params ≤ ref's: the other side dominates or equals this point. */
  dominatesOrEquals: boolean;
  /** ref params / best params (> 1: the other side's network is smaller). */
  sizeRatio: number | null;
}

/**
 * For each reference mean point (accuracy a, params p), the smallest `other` mean point with
 * accuracy ≥ a − tolerancePct (percentage points).
 */
export function matchFront(refs: readonly MeanPoint[], other: readonly MeanPoint[], tolerancePct: number): FrontMatch[] {
  return refs.map((r) => {
    const accPct = 100 * r.testAcc.mean;
    const ok = other.filter((o) => 100 * o.testAcc.mean >= accPct - tolerancePct - EPS);
    const b = ok.length === 0 ? null : ok.reduce((m, o) => (o.params.mean < m.params.mean ? o : m));
    const best = b === null ? null : { key: b.key, accPct: 100 * b.testAcc.mean, params: b.params.mean };
    return {
      ref: { key: r.key, accPct, params: r.params.mean }, best,
      dominatesOrEquals: best !== null && best.params <= r.params.mean + EPS,
      sizeRatio: best === null ? null : r.params.mean / best.params,
    };
  });
}

/** The non-dominated mean points (accuracy ↑, params ↓), by params. */
export function paretoFront(points: readonly MeanPoint[]): MeanPoint[] {
  const nd = points.filter((p) => !points.some((q) => q !== p && q.params.mean <= p.params.mean && q.testAcc.mean >= p.testAcc.mean && (q.params.mean < p.params.mean || q.testAcc.mean > p.testAcc.mean)));
  return nd.sort((a, b) => a.params.mean - b.params.mean);
}

// ----------------------------------------------------------------------------- formatting
const pct = (m: MeanSd | null, digits = 1): string => (m === null ? '–' : m.n > 1 ? `${(100 * m.mean).toFixed(digits)} ± ${(100 * m.sd).toFixed(digits)}` : (100 * m.mean).toFixed(digits));
const count = (m: MeanSd | null): string => (m === null ? '–' : m.n > 1 ? `${Math.round(m.mean).toLocaleString('en-US')} ± ${Math.round(m.sd).toLocaleString('en-US')}` : Math.round(m.mean).toLocaleString('en-US'));
const int = (n: number) => Math.round(n).toLocaleString('en-US');

/** Markdown rows of one side's mean points. */
export function sideTable(title: string, rows: readonly MeanPoint[]): string[] {
  const out = [`\n${title}`, '| point | n | params | test % | test % after export | MACs (incl. bias) | search epochs | arch (lowest seed) |', '|---|---|---|---|---|---|---|---|'];
  for (const r of rows) out.push(`| ${r.key} | ${r.params.n} | ${count(r.params)} | ${pct(r.testAcc)} | ${pct(r.testAccAfterExport)} | ${count(r.macs)} | ${r.searchEpochs === null ? '–' : r.searchEpochs.mean.toFixed(1)} | ${r.arch} |`);
  return out;
}

/** Both sides in one table, joined by key (λ grids shared by both sides). */
export function jointTable(ts: readonly MeanPoint[], pl: readonly MeanPoint[]): string[] {
  const keys = [...new Set([...ts.map((p) => p.key), ...pl.map((p) => p.key)])];
  const out = [
    '| point | params tsdnas | params PLiNIO | test % tsdnas | test % PLiNIO | after export % tsdnas | after export % PLiNIO | n (t / P) |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const k of keys) {
    const t = ts.find((p) => p.key === k) ?? null;
    const p = pl.find((q) => q.key === k) ?? null;
    out.push(`| ${k} | ${count(t?.params ?? null)} | ${count(p?.params ?? null)} | ${pct(t?.testAcc ?? null)} | ${pct(p?.testAcc ?? null)} | ${pct(t?.testAccAfterExport ?? null)} | ${pct(p?.testAccAfterExport ?? null)} | ${t?.params.n ?? 0} / ${p?.params.n ?? 0} |`);
  }
  return out;
}

export function matchLines(title: string, matches: readonly FrontMatch[], refSide: string, otherSide: string): string[] {
  const out = [`\n${title}`, `| ${refSide} point | ${refSide} test % | ${refSide} params | smallest ${otherSide} point | its test % | its params | ${refSide} / ${otherSide} params | dominates or equals |`, '|---|---|---|---|---|---|---|---|'];
  for (const m of matches) {
    out.push(`| ${m.ref.key} | ${m.ref.accPct.toFixed(1)} | ${int(m.ref.params)} | ${m.best?.key ?? 'none'} | ${m.best === null ? '–' : m.best.accPct.toFixed(1)} | ${m.best === null ? '–' : int(m.best.params)} | ${m.sizeRatio === null ? '–' : `${m.sizeRatio.toPrecision(3)}×`} | ${m.dominatesOrEquals ? 'yes' : 'no'} |`);
  }
  return out;
}

export function frontLine(side: string, front: readonly MeanPoint[]): string {
  return `${side} front (per-point means, params ↓ accuracy ↑): ${front.map((p) => `${p.key}: ${int(p.params.mean)} params, ${(100 * p.testAcc.mean).toFixed(1)} %`).join('; ') || 'empty'}`;
}

/** 'λ=1e-05' — the same spelling for both sides, so rows join. */
export function lambdaKey(lam: number): string {
  return `λ=${lam.toExponential().replace(/\.0+e/, 'e').replace('e+', 'e')}`;
}
