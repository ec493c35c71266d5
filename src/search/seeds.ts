/**
 * The front of a multi-seed run (issue 20): the same sweep run once per seed, aggregated point by
 * point. Points of equal index are the same search (same strength, budget or label) on another
 * seed, so per point this gives n, mean, sample sd, min and max of every numeric column the
 * per-seed rows carry (test and validation metric, every cost), keeps each seed's own row, does
 * the same for the baseline (seed / float model), and marks the non-dominated MEAN points per
 * cost axis. Pure: src/io/seeds-front.ts reads the per-seed files and writes the result.
 */

import type { SplitSizes } from '../data/sizes.js';
import { paretoFront } from './pareto.js';
import { summarize, type Stats } from './seedStats.js';
import { finite, type CostAxis, type FrontRow, type MetricName, type RunFront } from './frontFile.js';

export const SEEDS_FORMAT = 'tsdnas.seeds/1';

export interface SeedRun {
  seed: number;
  /** The run directory as recorded (relative to the multi-seed directory). */
  dir: string;
  front: RunFront;
}

export interface SeedRow {
  seed: number;
  row: FrontRow;
}

export interface SeedsPoint {
  point: number;
  strength: number | null;
  kind?: string;
  label?: string;
  /** The budget as given (`10%`, `5000`) for budget sweeps. */
  budget?: string;
  /** Seeds with a finite test metric at this point. */
  n: number;
  /** Per numeric column of the rows (`test_accuracy`, `val_accuracy`, `params`, …). */
  stats: Record<string, Stats>;
  /** On the front of mean test metric against mean cost, per cost axis. */
  front: Record<string, boolean>;
  seeds: SeedRow[];
}

export interface SeedsSplits {
  /** Every seed's run recorded the same sizes (then train / val / test are set). */
  same: boolean;
  train?: number;
  val?: number;
  test?: number;
  perSeed: ({ seed: number } & SplitSizes)[];
  /** Seeds whose front.json records no split sizes (runs written before they were recorded). */
  unknown: number[];
}

export interface SeedsFront {
  format: typeof SEEDS_FORMAT;
  command: string;
  metric: MetricName;
  seeds: number[];
  runs: { seed: number; dir: string }[];
  /** The first seed's config without `seed` and `out` (which differ by design). */
  config: Record<string, unknown>;
  /** Other config keys whose values differ between the seeds' runs (empty when none do). */
  configDiffers: string[];
  budgetSweep: boolean;
  splits: SeedsSplits | null;
  costAxes: CostAxis[];
  baseline: { label: 'seed' | 'float'; stats: Record<string, Stats>; seeds: SeedRow[] };
  points: SeedsPoint[];
  /** Indices of the mean points on the front, per cost axis. */
  fronts: Record<string, number[]>;
}

export class SeedsMismatchError extends Error {}

/** Config keys that differ between seeds by construction. */
const PER_SEED_KEYS = new Set(['seed', 'out', 'resume']);

const strengthOf = (row: FrontRow): number | null => (finite(row.strength) ? row.strength : null);
const textOf = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined);

function sameStrength(a: number | null, b: number | null): boolean {
  if (a === null || b === null) return a === b;
  return Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
}

/** What the point is, for messages: `λ = 0.0001`, `label 'uniform w8a8'`. */
function describePoint(row: FrontRow): string {
  const parts = [typeof row.label === 'string' ? `label '${row.label}'` : null, textOf(row.budget) === undefined ? null : `budget ${textOf(row.budget)}`, finite(row.strength) ? `strength ${row.strength}` : null];
  return parts.filter((p) => p !== null).join(', ') || 'no strength';
}

/** Every seed ran the same command, metric and points (same strength, kind, label and budget per index). */
function checkSame(runs: readonly SeedRun[]): void {
  const first = runs[0].front;
  for (const { front } of runs.slice(1)) {
    const againstFirst = `${front.file} and ${first.file}`;
    if (front.command !== first.command) throw new SeedsMismatchError(`seeds front: ${againstFirst} were written by different commands (${front.command} vs ${first.command}); aggregate runs of one command only`);
    if (front.metric !== first.metric) throw new SeedsMismatchError(`seeds front: ${againstFirst} are scored by different metrics (${front.metric} vs ${first.metric}); aggregate runs of one dataset and task only`);
    if (front.rows.length !== first.rows.length) throw new SeedsMismatchError(`seeds front: ${front.file} has ${front.rows.length} points but ${first.file} has ${first.rows.length}; every seed must run the same sweep (same --lambdas / --budgets / baselines); rerun the short one or leave it out`);
    front.rows.forEach((row, i) => {
      const ref = first.rows[i];
      const same = sameStrength(strengthOf(row), strengthOf(ref)) && row.kind === ref.kind && row.label === ref.label && textOf(row.budget) === textOf(ref.budget);
      if (!same) throw new SeedsMismatchError(`seeds front: point ${i} of ${front.file} has ${describePoint(row)} but point ${i} of ${first.file} has ${describePoint(ref)}; every seed must run the same strengths in the same order`);
    });
  }
}

/** Numeric columns of the rows, metric first, then the costs of the axes, then the rest in order of appearance. */
function numericColumns(rows: readonly FrontRow[], metric: MetricName, axes: readonly CostAxis[]): string[] {
  const seen: string[] = [];
  for (const r of rows) for (const [k, v] of Object.entries(r)) if (finite(v) && k !== 'point' && k !== 'strength' && !seen.includes(k)) seen.push(k);
  const lead = [`test_${metric}`, `val_${metric}`, ...axes.map((a) => a.column)].filter((c) => seen.includes(c));
  return [...lead, ...seen.filter((c) => !lead.includes(c))];
}

function statsOf(rows: readonly SeedRow[], columns: readonly string[]): Record<string, Stats> {
  return Object.fromEntries(columns.map((c) => [c, summarize(rows.map((r) => r.row[c]))]));
}

function splitsOf(runs: readonly SeedRun[]): SeedsSplits | null {
  const known = runs.filter((r) => r.front.splits !== null);
  if (known.length === 0) return null;
  const perSeed = known.map((r) => ({ seed: r.seed, ...(r.front.splits as SplitSizes) }));
  const unknown = runs.filter((r) => r.front.splits === null).map((r) => r.seed);
  const f = perSeed[0];
  const same = unknown.length === 0 && perSeed.every((s) => s.train === f.train && s.val === f.val && s.test === f.test);
  return same ? { same, train: f.train, val: f.val, test: f.test, perSeed, unknown } : { same, perSeed, unknown };
}

function configDiffers(runs: readonly SeedRun[]): string[] {
  const keys = new Set(runs.flatMap((r) => Object.keys(r.front.config)));
  return [...keys].filter((k) => !PER_SEED_KEYS.has(k) && runs.some((r) => JSON.stringify(r.front.config[k]) !== JSON.stringify(runs[0].front.config[k])));
}

/** The mean points on the front of mean test metric against mean cost, per axis (indices). */
export function meanFronts(points: readonly Pick<SeedsPoint, 'point' | 'stats'>[], metric: MetricName, axes: readonly CostAxis[]): Record<string, number[]> {
  const sign = metric === 'accuracy' ? -1 : 1;
  const out: Record<string, number[]> = {};
  for (const { axis, column } of axes) {
    const ok = points.filter((p) => p.stats[`test_${metric}`]?.mean != null && p.stats[column]?.mean != null);
    out[axis] = paretoFront(ok.map((p) => ({ item: p.point, objectives: [sign * (p.stats[`test_${metric}`].mean as number), p.stats[column].mean as number] })));
  }
  return out;
}

/**
 * Aggregates the runs of one sweep over seeds. Throws SeedsMismatchError (naming both files) when
 * the runs are not the same sweep, and when a seed is given twice or disagrees with its run's config.
 */
export function aggregateSeedFronts(runs: readonly SeedRun[]): SeedsFront {
  if (runs.length === 0) throw new SeedsMismatchError('seeds front: no runs given; pass one { seed, dir } per seed');
  const seen = new Set<number>();
  for (const r of runs) {
    if (!Number.isInteger(r.seed)) throw new SeedsMismatchError(`seeds front: seed ${r.seed} of ${r.front.file} is not a whole number`);
    if (seen.has(r.seed)) throw new SeedsMismatchError(`seeds front: seed ${r.seed} is given twice (${runs.filter((x) => x.seed === r.seed).map((x) => x.front.file).join(', ')}); give each seed's run once`);
    seen.add(r.seed);
    const own = r.front.config.seed;
    if (finite(own) && own !== r.seed) throw new SeedsMismatchError(`seeds front: ${r.front.file} was run with --seed ${own}, but is given as the run of seed ${r.seed}; pass the seed the run used`);
  }
  checkSame(runs);
  const first = runs[0].front;
  const metric = first.metric;
  const costAxes = first.costAxes.filter((a) => runs.every((r) => r.front.costAxes.some((b) => b.axis === a.axis && b.column === a.column)));
  const points = first.rows.map((ref, i): Omit<SeedsPoint, 'front'> => {
    const seeds = runs.map((r) => ({ seed: r.seed, row: r.front.rows[i] }));
    const stats = statsOf(seeds, numericColumns(seeds.map((s) => s.row), metric, costAxes));
    const budget = textOf(ref.budget);
    return {
      point: finite(ref.point) ? ref.point : i, strength: strengthOf(ref),
      ...(typeof ref.kind === 'string' ? { kind: ref.kind } : {}), ...(typeof ref.label === 'string' ? { label: ref.label } : {}), ...(budget === undefined ? {} : { budget }),
      n: stats[`test_${metric}`]?.n ?? 0, stats, seeds,
    };
  });
  const fronts = meanFronts(points, metric, costAxes);
  const baseSeeds = runs.map((r) => ({ seed: r.seed, row: r.front.baseline.row }));
  const config = Object.fromEntries(Object.entries(first.config).filter(([k]) => !PER_SEED_KEYS.has(k)));
  return {
    format: SEEDS_FORMAT, command: first.command, metric, seeds: runs.map((r) => r.seed), runs: runs.map((r) => ({ seed: r.seed, dir: r.dir })),
    config, configDiffers: configDiffers(runs), budgetSweep: first.budgetSweep, splits: splitsOf(runs), costAxes,
    baseline: { label: first.baseline.label, stats: statsOf(baseSeeds, numericColumns(baseSeeds.map((s) => s.row), metric, costAxes)), seeds: baseSeeds },
    points: points.map((p) => ({ ...p, front: Object.fromEntries(costAxes.map((a) => [a.axis, fronts[a.axis].includes(p.point)])) })),
    fronts,
  };
}

/**
 * The tidy table of a multi-seed front: one row per (point, seed) with the seed's own row (its
 * `front_<axis>` flags are its own run's fronts), then per point a `mean` row (with the mean
 * front's flags and n) and an `sd` row; the baseline comes first as point `seed` / `float`.
 */
export function seedsFrontCsvRows(agg: SeedsFront): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  // kind, label and budget columns only where some point has them (mps / joint, budget sweeps).
  const extra = (['kind', 'label', 'budget'] as const).filter((k) => agg.points.some((p) => p[k] !== undefined));
  type Ident = { strength: number | null; kind?: string; label?: string; budget?: string };
  const head = (point: number | string, seed: number | string, p: Ident): Record<string, unknown> => ({
    point, seed, strength: p.strength ?? '', ...Object.fromEntries(extra.map((k) => [k, p[k] ?? ''])), n: '',
  });
  const seedRow = (point: number | string, p: Ident, s: SeedRow) => {
    const { point: _p, strength: _s, kind: _k, label: _l, budget: _b, ...rest } = s.row;
    out.push({ ...head(point, s.seed, p), ...rest });
  };
  const summaryRows = (point: number | string, p: Ident, stats: Record<string, Stats>, n: number, front?: Record<string, boolean>) => {
    const mean: Record<string, unknown> = { ...head(point, 'mean', p), n };
    const sd: Record<string, unknown> = { ...head(point, 'sd', p), n };
    // 12 significant digits: the mean of 0.8, 0.75, 0.85 reads 0.8, not 0.8000000000000002.
    const tidy = (v: number | null) => (v === null ? '' : Number(v.toPrecision(12)));
    for (const [c, s] of Object.entries(stats)) {
      mean[c] = tidy(s.mean);
      sd[c] = tidy(s.sd);
    }
    if (front !== undefined) for (const a of agg.costAxes) mean[`front_${a.axis}`] = front[a.axis];
    out.push(mean, sd);
  };
  const base: Ident = { strength: null };
  for (const s of agg.baseline.seeds) seedRow(agg.baseline.label, base, s);
  summaryRows(agg.baseline.label, base, agg.baseline.stats, agg.baseline.stats[`test_${agg.metric}`]?.n ?? 0);
  for (const p of agg.points) {
    for (const s of p.seeds) seedRow(p.point, p, s);
    summaryRows(p.point, p, p.stats, p.n, p.front);
  }
  return out;
}
