/**
 * One single-seed run's front.json as plain data, for what is built above the runs (the
 * multi-seed front of src/search/seeds.ts, `tsdnas compare`): the command that wrote it, its
 * metric, its point rows, its baseline (the seed model of a PIT sweep, the float model of an mps
 * or joint run), the split sizes, and the cost axes with the row column holding each. Pure: the
 * caller reads the file and passes its path, which every error names.
 */

import type { SplitSizes } from '../data/sizes.js';

export type MetricName = 'accuracy' | 'mae';

/** A point row of front.json: `point`, `strength`, `val_<metric>`, `test_<metric>`, costs, flags. */
export type FrontRow = Record<string, unknown>;

/** A cost the fronts are drawn against: its name in the report (`size`) and its row column (`size_bytes`). */
export interface CostAxis {
  axis: string;
  column: string;
}

export interface RunFront {
  /** The front.json path, for messages. */
  file: string;
  /** 'sweep' (PIT), 'mps' or 'joint' (front.json `command` when it names one). */
  command: string;
  metric: MetricName;
  config: Record<string, unknown>;
  splits: SplitSizes | null;
  /** The model the search started from, as a row with the same column names as the points. */
  baseline: { label: 'seed' | 'float'; row: FrontRow };
  rows: FrontRow[];
  /** Costs every point has, in the report's order (params, macs, size, bitops, latency, energy). */
  costAxes: CostAxis[];
  /** The sweep searched budgets (a point's strength is its budget in the cost's units). */
  budgetSweep: boolean;
}

export class FrontFileError extends Error {}

/** Cost axes in the report's order, each with the row columns that may hold it (PIT rows, then mps rows). */
const AXES: readonly (readonly [axis: string, columns: readonly string[]])[] = [
  ['params', ['params']], ['macs', ['macs']], ['size', ['size_bytes']], ['bitops', ['bitops']],
  ['latency', ['latency_ms', 'latency']], ['energy', ['energy_mJ', 'energy']],
];

/** Row columns of the costs a seed model records under `costs` (the report's names). */
const COST_COLUMNS: Record<string, string> = {
  params: 'params', macs: 'macs', size: 'size_bytes', bitops: 'bitops', cycles: 'cycles', latency: 'latency_ms', energy: 'energy_mJ', flash: 'flash_B', ram: 'ram_B',
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
export const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** The costs every row carries as a finite number, in the report's order. */
export function costAxesOf(rows: readonly FrontRow[]): CostAxis[] {
  const out: CostAxis[] = [];
  for (const [axis, columns] of AXES) {
    const column = columns.find((c) => rows.length > 0 && rows.every((r) => finite(r[c])));
    if (column !== undefined) out.push({ axis, column });
  }
  return out;
}

function splitsOf(v: unknown): SplitSizes | null {
  if (!isObject(v)) return null;
  const { train, val, test } = v;
  return finite(train) && finite(val) && finite(test) ? { train, val, test } : null;
}

function baselineOf(front: Record<string, unknown>, metric: MetricName): RunFront['baseline'] {
  const isFloat = front.seed === undefined && isObject(front.float);
  const b = (isFloat ? front.float : front.seed) as unknown;
  const row: FrontRow = {};
  if (!isObject(b)) return { label: isFloat ? 'float' : 'seed', row };
  row[`val_${metric}`] = b.valMetric;
  row[`test_${metric}`] = b.testMetric;
  if (finite(b.params)) row.params = b.params;
  if (finite(b.macs)) row.macs = b.macs;
  if (isObject(b.costs)) {
    for (const [k, v] of Object.entries(b.costs)) if (finite(v)) row[COST_COLUMNS[k] ?? k] = v;
  }
  return { label: isFloat ? 'float' : 'seed', row };
}

/** Checks and reads a parsed single-seed front.json (`file` is its path, for the messages). */
export function parseRunFront(json: unknown, file: string): RunFront {
  if (!isObject(json)) throw new FrontFileError(`${file}: must hold a JSON object (the front.json of a tsdnas sweep, mps or joint run)`);
  if (typeof json.format === 'string') throw new FrontFileError(`${file}: is a '${json.format}' file, not the front.json of a single-seed run`);
  const metric = json.metric;
  if (metric !== 'accuracy' && metric !== 'mae') throw new FrontFileError(`${file}: 'metric' must be 'accuracy' or 'mae', got ${JSON.stringify(metric)}`);
  if (!Array.isArray(json.points) || !json.points.every(isObject)) throw new FrontFileError(`${file}: 'points' must be an array of point rows`);
  const rows = json.points as FrontRow[];
  const config = isObject(json.config) ? json.config : {};
  const command = typeof json.command === 'string' ? json.command : json.seed === undefined && json.float !== undefined ? (config.joint === true ? 'joint' : 'mps') : 'sweep';
  return {
    file, command, metric, config, splits: splitsOf(json.splits), baseline: baselineOf(json, metric), rows,
    costAxes: costAxesOf(rows), budgetSweep: Array.isArray(json.budgets),
  };
}

/** The cost axis named `wanted` (axis name such as `size`, or its column such as `size_bytes`) among `axes`, else undefined. */
export function findAxis(axes: readonly CostAxis[], wanted: string): CostAxis | undefined {
  return axes.find((a) => a.axis === wanted || a.column === wanted);
}
