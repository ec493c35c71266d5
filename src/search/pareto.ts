/**
 * Pareto fronts of search results: a point is kept when no other point is at least as good in
 * every objective and strictly better in one. Objectives are given as "lower is better" values
 * (pass −accuracy for accuracy).
 */

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
