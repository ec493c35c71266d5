/**
 * Pareto fronts of search results: a point is kept when no other point is at least as good in
 * every objective and strictly better in one. Objectives are given as "lower is better" values
 * (pass −accuracy for accuracy). costFronts: the metric-vs-cost fronts of every method's sweep.
 */

import { MetricAccumulator } from '../nn/train/task.js';

export interface FrontPoint<T> {
  item: T;
  objectives: readonly number[];
}

export function dominates(a: readonly number[], b: readonly number[]): boolean {
  let strictly = false;
  for (let i = 0; i < a.length; i++) {
    if (a[i] > b[i]) return false;
    if (a[i] < b[i]) strictly = true;
  }
  return strictly;
}

/** The non-dominated items, in input order. */
export function paretoFront<T>(points: readonly FrontPoint<T>[]): T[] {
  return points.filter((p, i) => !points.some((q, j) => j !== i && dominates(q.objectives, p.objectives))).map((p) => p.item);
}

/**
 * For each cost key, the indices of the points on the front of test metric (higher-is-better
 * accuracy, lower-is-better MAE) against that cost (lower is better).
 */
export function costFronts<K extends string>(points: readonly ({ testMetric: number } & Record<K, number>)[], metricName: 'accuracy' | 'mae', keys: readonly K[]): Record<K, number[]> {
  const objective = (v: number) => -MetricAccumulator.score({ metric: v, metricName });
  const idx = points.map((_, i) => i);
  const out = {} as Record<K, number[]>;
  for (const key of keys) out[key] = paretoFront(idx.map((i) => ({ item: i, objectives: [objective(points[i].testMetric), points[i][key]] })));
  return out;
}

/** RFC 4180 CSV of rows of plain values (numbers, strings, booleans). */
export function toCsv(rows: readonly Record<string, unknown>[]): string {
  if (rows.length === 0) return '';
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v: unknown) => {
    const s = v === undefined || v === null ? '' : String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [cols.join(','), ...rows.map((r) => cols.map((c) => cell(r[c])).join(','))].join('\n') + '\n';
}
