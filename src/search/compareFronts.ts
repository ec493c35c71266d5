/**
 * Whether one sweep's front beats another's, paired by seed (`tsdnas compare`). Per seed both
 * fronts get a hypervolume with ONE reference point shared by the two, and each front's points
 * weakly dominated by the other front are counted; over the seeds, the paired differences of the
 * hypervolumes give a mean, a standard deviation, a paired t test and a count of wins, which
 * src/search/compareVerdict.ts puts into words.
 *
 * Space of the hypervolume: cost on a log10 axis (sizes and operation counts span orders of
 * magnitude, and halving a model should count the same at 1 k and at 100 k parameters), metric
 * in its report units (accuracy in percentage points, higher is better; MAE in the target's unit,
 * lower is better). Reference point, per seed: the worst cost and the worst metric over the
 * points of both runs, moved 10 % of their range further out (10 % of the value when the range is
 * zero), so that the extreme points still count. The area's unit is decades × metric units.
 */

import { finite, type CostAxis, type FrontRow, type MetricName } from './frontFile.js';
import type { FrontSet } from './frontSet.js';
import { hypervolume2d, type XY } from './hypervolume.js';
import { pairedT, signTestP, tCritical } from './seedStats.js';
import { compareVerdict } from './compareVerdict.js';

export type MetricSplit = 'test' | 'val';

export interface CompareOptions {
  /** Cost axis (`params`, `size`, …, or its column `size_bytes`); default: the first axis both runs have. */
  cost?: string;
  split?: MetricSplit;
}

export interface SideOfSeed {
  /** Points with a finite metric and a positive cost. */
  points: number;
  /** Points on this run's own front (for this seed). */
  front: number;
  /** Front points weakly dominated by the other run's front (cost at most, metric at least as good). */
  dominatedByOther: number;
  hypervolume: number;
}

export interface SeedComparison {
  seed: number;
  /** The shared reference point, in the cost's units and the metric's (accuracy as a fraction). */
  reference: { cost: number; metric: number };
  a: SideOfSeed;
  b: SideOfSeed;
  /** hypervolume of a − hypervolume of b. */
  difference: number;
  winner: 'a' | 'b' | 'tie';
}

export interface CompareSummary {
  /** Seeds both runs have. */
  n: number;
  meanDifference: number;
  /** Sample sd of the differences; null for one seed. */
  sdDifference: number | null;
  t: number | null;
  dof: number;
  /** Two-sided p of the paired t test; null for one seed. */
  p: number | null;
  /** |t| needed for p < 0.05 with these dof; null for one seed. */
  tCritical: number | null;
  aWins: number;
  bWins: number;
  ties: number;
  /** Two-sided sign test of the wins (ties left out). */
  signTestP: number;
}

export interface FrontComparison {
  format: 'tsdnas.compare/1';
  a: { dir: string; command: string; seeds: number[] };
  b: { dir: string; command: string; seeds: number[] };
  metric: MetricName;
  split: MetricSplit;
  cost: CostAxis;
  costScale: 'log10';
  /** The unit of the hypervolumes and their differences. */
  unit: string;
  seeds: SeedComparison[];
  /** Seeds only one run has (left out of the pairing). */
  onlyA: number[];
  onlyB: number[];
  summary: CompareSummary;
  verdict: string;
}

export class CompareError extends Error {}

/** The cost axis to compare on: `wanted`, else the first of a's axes that b has too. */
export function chooseCostAxis(a: FrontSet, b: FrontSet, wanted?: string): CostAxis {
  const has = (s: FrontSet, name: string) => s.costAxes.find((x) => x.axis === name || x.column === name);
  const list = (s: FrontSet) => `${s.dir}: ${s.costAxes.map((x) => x.axis).join(', ') || 'none'}`;
  if (wanted !== undefined) {
    const inA = has(a, wanted);
    const inB = has(b, wanted);
    if (inA === undefined || inB === undefined) throw new CompareError(`compare: --cost ${wanted} is not a cost of ${inA === undefined ? a.dir : b.dir}; the cost axes are ${list(a)}; ${list(b)}`);
    if (inA.axis !== inB.axis) throw new CompareError(`compare: --cost ${wanted} names ${inA.axis} in ${a.dir} but ${inB.axis} in ${b.dir}`);
    return inA.column === inB.column ? inA : { axis: inA.axis, column: inA.column };
  }
  const shared = a.costAxes.find((x) => has(b, x.axis) !== undefined);
  if (shared === undefined) throw new CompareError(`compare: the runs share no cost axis (${list(a)}; ${list(b)}), so their fronts cannot be compared`);
  return shared;
}

interface Pt { cost: number; metric: number }

/** The points of one seed with a finite metric and a positive cost (a log axis needs it); the column may differ by run (latency_ms vs latency). */
function pointsOf(rows: readonly FrontRow[], s: FrontSet, axis: string, metricColumn: string): Pt[] {
  const column = s.costAxes.find((x) => x.axis === axis)?.column ?? axis;
  return rows.map((r) => ({ cost: r[column], metric: r[metricColumn] })).filter((p): p is Pt => finite(p.cost) && p.cost > 0 && finite(p.metric));
}

/** Front points (non-dominated within the set: no other point at most its cost with a better-or-equal metric and strictly better in one). */
function frontOf(pts: readonly Pt[], higher: boolean): Pt[] {
  const better = (q: Pt, p: Pt) => (higher ? q.metric >= p.metric : q.metric <= p.metric);
  const strictly = (q: Pt, p: Pt) => q.cost < p.cost || (higher ? q.metric > p.metric : q.metric < p.metric);
  return pts.filter((p) => !pts.some((q) => q !== p && q.cost <= p.cost && better(q, p) && strictly(q, p)));
}

function weaklyDominated(front: readonly Pt[], other: readonly Pt[], higher: boolean): number {
  return front.filter((p) => other.some((q) => q.cost <= p.cost && (higher ? q.metric >= p.metric : q.metric <= p.metric))).length;
}

/** Beyond the worst value by 10 % of the range (10 % of the value, or 1, when the range is zero). */
function beyond(worst: number, best: number): number {
  const range = worst - best;
  return worst + (range > 0 ? 0.1 * range : Math.abs(worst) > 0 ? 0.1 * Math.abs(worst) : 1);
}

function compareSeed(seed: number, a: Pt[], b: Pt[], metric: MetricName): SeedComparison {
  const higher = metric === 'accuracy';
  // Hypervolume space: (log10 cost, metric to minimise in report units).
  const toXY = (p: Pt): XY => ({ x: Math.log10(p.cost), y: higher ? -100 * p.metric : p.metric });
  const all = [...a, ...b].map(toXY);
  const ref = { x: beyond(Math.max(...all.map((p) => p.x)), Math.min(...all.map((p) => p.x))), y: beyond(Math.max(...all.map((p) => p.y)), Math.min(...all.map((p) => p.y))) };
  const fa = frontOf(a, higher);
  const fb = frontOf(b, higher);
  const side = (pts: Pt[], front: Pt[], other: Pt[]): SideOfSeed => ({
    points: pts.length, front: front.length, dominatedByOther: weaklyDominated(front, other, higher), hypervolume: hypervolume2d(pts.map(toXY), ref),
  });
  const sa = side(a, fa, fb);
  const sb = side(b, fb, fa);
  const difference = sa.hypervolume - sb.hypervolume;
  const tol = 1e-9 * Math.max(1, Math.abs(sa.hypervolume), Math.abs(sb.hypervolume));
  return {
    seed, reference: { cost: 10 ** ref.x, metric: higher ? -ref.y / 100 : ref.y }, a: sa, b: sb, difference,
    winner: difference > tol ? 'a' : difference < -tol ? 'b' : 'tie',
  };
}

/** Compares run a with run b on the seeds they share (throws CompareError listing both runs' seeds when they share none). */
export function compareFronts(a: FrontSet, b: FrontSet, opts: CompareOptions = {}): FrontComparison {
  if (a.metric !== b.metric) throw new CompareError(`compare: ${a.dir} is scored by ${a.metric} but ${b.dir} by ${b.metric}; only runs of the same task can be compared`);
  const split = opts.split ?? 'test';
  const cost = chooseCostAxis(a, b, opts.cost);
  const seedsA = a.seeds.map((s) => s.seed);
  const seedsB = b.seeds.map((s) => s.seed);
  const common = seedsA.filter((s) => seedsB.includes(s));
  if (common.length === 0) throw new CompareError(`compare: the runs share no seed (${a.dir}: seeds ${seedsA.join(', ')}; ${b.dir}: seeds ${seedsB.join(', ')}); the comparison pairs the runs seed by seed, so run both with the same --seed / --seeds`);
  const column = `${split}_${a.metric}`;
  const seeds = common.map((seed) => {
    const pa = pointsOf(a.seeds.find((s) => s.seed === seed)?.rows ?? [], a, cost.axis, column);
    const pb = pointsOf(b.seeds.find((s) => s.seed === seed)?.rows ?? [], b, cost.axis, column);
    if (pa.length === 0 || pb.length === 0) throw new CompareError(`compare: seed ${seed} of ${pa.length === 0 ? a.dir : b.dir} has no point with a ${column} and a positive ${cost.axis}`);
    return compareSeed(seed, pa, pb, a.metric);
  });
  const diffs = seeds.map((s) => s.difference);
  const t = pairedT(diffs);
  const aWins = seeds.filter((s) => s.winner === 'a').length;
  const bWins = seeds.filter((s) => s.winner === 'b').length;
  const summary: CompareSummary = {
    n: t.n, meanDifference: t.mean, sdDifference: t.sd, t: Number.isNaN(t.t) ? null : t.t, dof: t.dof, p: Number.isNaN(t.p) ? null : t.p,
    tCritical: t.dof >= 1 ? tCritical(t.dof) : null, aWins, bWins, ties: seeds.length - aWins - bWins, signTestP: signTestP(aWins, bWins),
  };
  const unit = `decades of ${cost.axis} × ${a.metric === 'accuracy' ? `${split} accuracy points` : `${split} MAE units`}`;
  const base = {
    format: 'tsdnas.compare/1' as const,
    a: { dir: a.dir, command: a.command, seeds: seedsA }, b: { dir: b.dir, command: b.command, seeds: seedsB },
    metric: a.metric, split, cost, costScale: 'log10' as const, unit, seeds,
    onlyA: seedsA.filter((s) => !common.includes(s)), onlyB: seedsB.filter((s) => !common.includes(s)), summary,
  };
  return { ...base, verdict: compareVerdict(base) };
}
