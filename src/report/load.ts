/**
 * Reading a run directory for the report: front.json (metric, config, seed, the rows of the
 * points and their fronts) and each point-<i>/summary.json (histories, per-layer states and
 * costs). Everything is checked before use so that `tsdnas report` on a wrong directory says
 * what is missing; a point whose summary is missing (a run cut short) is reported from its
 * front row alone.
 */

import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { EpochRecord } from '../search/train/fit.js';
import type { LayerRow } from '../nn/summary.js';
import type { SearchEpochRecord } from '../search/protocol.js';
import type { LayerState } from '../search/types.js';
import type { MpsLayerSummary } from '../quant/mps/model.js';
import type { SplitSizes } from '../data/sizes.js';

export type MetricName = 'accuracy' | 'mae';

export interface SeedData {
  /** 'seed (before search)', or 'float (unquantised)' for a mixed-precision run. */
  label: string;
  params: number;
  macs: number;
  valMetric: number;
  testMetric: number;
  costs: Record<string, number>;
  layerCosts?: LayerState[];
  warmupHistory: EpochRecord[];
}

/** One layer of a mixed-precision point (tsdnas mps: weight bits per channel as a histogram). */
export type PrecisionLayer = MpsLayerSummary;

export interface PointData {
  index: number;
  /** Kind and label of mps points ('uniform' baselines, 'mps-layer', 'mps-channel'). */
  kind?: string;
  label?: string;
  strength: number | null;
  params: number;
  macs: number;
  /** Every cost of the exported model (params, macs, and e.g. a target's latency). */
  costs: Record<string, number>;
  valMetric: number;
  testMetric: number;
  searchBestEpoch: number | null;
  searchHistory: SearchEpochRecord[];
  finetuneHistory: EpochRecord[];
  layers: LayerRow[];
  layerCosts?: LayerState[];
  precisionLayers?: PrecisionLayer[];
  seconds: number | null;
  /** Why the point has only its front row. */
  missing?: string;
}

export interface RunData {
  dir: string;
  /** The command that wrote the run (front.json `command`, else sweep / search by point count). */
  command: string;
  metric: MetricName;
  config: Record<string, unknown>;
  /** The sweep searched budgets (front.json lists them), so a point's strength is its budget in the cost's units. */
  budgetSweep: boolean;
  seconds: number | null;
  /** The hardware target of the costs ('gap8: GreenWaves GAP8 …'), when the run had one. */
  target: string | null;
  seed: SeedData;
  points: PointData[];
  /** Indices into points of the non-dominated ones, per cost, as the run computed them. */
  fronts: Record<string, number[]>;
  /** Sizes of the train / validation / test splits (front.json `splits`; null for runs written before they were recorded). */
  splits: SplitSizes | null;
  notes: string[];
}

export class NotARunError extends Error {}

type Json = Record<string, unknown>;

function readJson(path: string, what: string): Json {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new NotARunError(`report: cannot read ${what} '${path}': ${(e as Error).message}`);
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new NotARunError(`report: ${what} '${path}' is not valid JSON (${(e as Error).message}); the run may have been written by another tool`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new NotARunError(`report: ${what} '${path}' must hold a JSON object`);
  return v as Json;
}

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : NaN);
const arr = <T>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);

function numbers(v: unknown): Record<string, number> {
  if (typeof v !== 'object' || v === null) return {};
  return Object.fromEntries(Object.entries(v as Json).filter(([, x]) => typeof x === 'number' && Number.isFinite(x))) as Record<string, number>;
}

/** Front-row columns that are costs, under the cost names the report uses. */
const ROW_COSTS: Record<string, string> = {
  params: 'params', macs: 'macs', size_bytes: 'size', bitops: 'bitops', cycles: 'cycles', latency_ms: 'latency', energy_mJ: 'energy', flash_B: 'flash', ram_B: 'ram',
};

/** front.json keys holding fronts, by cost name. */
const FRONT_KEYS: Record<string, string> = { frontParams: 'params', frontMacs: 'macs', frontSize: 'size', frontBitops: 'bitops', frontLatency: 'latency', frontEnergy: 'energy' };

function rowCosts(row: Json): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [col, name] of Object.entries(ROW_COSTS)) if (typeof row[col] === 'number' && Number.isFinite(row[col])) out[name] = row[col] as number;
  return out;
}

function targetOf(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (typeof v !== 'object' || v === null) return null;
  const t = v as Json;
  return typeof t.name === 'string' ? `${t.name}${typeof t.description === 'string' ? ` — ${t.description}` : ''}` : null;
}

function splitsOf(v: unknown): SplitSizes | null {
  const s = numbers(v);
  return Number.isFinite(s.train) && Number.isFinite(s.val) && Number.isFinite(s.test) ? { train: s.train, val: s.val, test: s.test } : null;
}

/** Reads and checks a run directory written by `tsdnas search`, `sweep` or `mps`. */
export function loadRun(dir: string): RunData {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new NotARunError(`report: '${dir}' is not a directory; give the --out directory of a search, sweep or mps run`);
  const frontPath = join(dir, 'front.json');
  if (!existsSync(frontPath)) throw new NotARunError(`report: '${dir}' is not a run directory (no front.json); give the --out directory of a finished search, sweep or mps run`);
  const front = readJson(frontPath, 'front file');
  if (typeof front.format === 'string') throw new NotARunError(`report: ${frontPath} is a '${front.format}' file (a multi-seed run), not a single run's front; 'tsdnas report ${dir}' reports it, and each seed's run is in its own directory`);
  const metric = front.metric;
  if (metric !== 'accuracy' && metric !== 'mae') throw new NotARunError(`report: ${frontPath}: 'metric' must be 'accuracy' or 'mae', got ${JSON.stringify(metric)}`);
  const rows = front.points;
  if (!Array.isArray(rows)) throw new NotARunError(`report: ${frontPath}: 'points' must be an array of point rows`);
  const isFloat = front.seed === undefined && front.float !== undefined;
  const seedJson = ((isFloat ? front.float : front.seed) ?? {}) as Json;
  const seed: SeedData = {
    label: isFloat ? 'float (unquantised)' : 'seed (before search)',
    params: num(seedJson.params), macs: num(seedJson.macs), valMetric: num(seedJson.valMetric), testMetric: num(seedJson.testMetric),
    costs: { ...rowCosts(seedJson), ...numbers(seedJson.costs) },
    layerCosts: Array.isArray(seedJson.layerCosts) ? (seedJson.layerCosts as LayerState[]) : undefined,
    warmupHistory: arr<EpochRecord>(seedJson.warmupHistory),
  };
  const notes: string[] = [];
  const points = (rows as Json[]).map((row, i): PointData => {
    const index = typeof row.point === 'number' ? row.point : i;
    const summaryPath = join(dir, `point-${index}`, 'summary.json');
    const base: PointData = {
      index, kind: typeof row.kind === 'string' ? row.kind : undefined, label: typeof row.label === 'string' ? row.label : undefined,
      strength: typeof row.strength === 'number' ? row.strength : null, params: num(row.params), macs: num(row.macs),
      costs: rowCosts(row), valMetric: num(row[`val_${metric}`]), testMetric: num(row[`test_${metric}`]),
      searchBestEpoch: null, searchHistory: [], finetuneHistory: [], layers: [], seconds: typeof row.seconds === 'number' ? row.seconds : null,
    };
    if (!existsSync(summaryPath)) {
      notes.push(`point ${index}: no ${summaryPath}; shown from its front.json row only`);
      return { ...base, missing: 'no summary.json' };
    }
    const s = readJson(summaryPath, `summary of point ${index}`);
    const layers = arr<Json>(s.layers);
    // Mixed-precision summaries list precision layers (weight-bit histograms) instead of architecture rows.
    const precision = layers.length > 0 && typeof layers[0].wBits === 'object' && layers[0].wBits !== null;
    return {
      ...base,
      costs: { ...base.costs, ...numbers(s.costs) },
      valMetric: Number.isFinite(num(s.valMetric)) ? num(s.valMetric) : base.valMetric,
      testMetric: Number.isFinite(num(s.testMetric)) ? num(s.testMetric) : base.testMetric,
      searchBestEpoch: typeof s.searchBestEpoch === 'number' ? s.searchBestEpoch : null,
      searchHistory: arr<SearchEpochRecord>(s.searchHistory),
      finetuneHistory: arr<EpochRecord>(s.finetuneHistory),
      layers: precision ? [] : (layers as unknown as LayerRow[]),
      layerCosts: Array.isArray(s.layerCosts) ? (s.layerCosts as LayerState[]) : undefined,
      precisionLayers: precision ? (layers as unknown as PrecisionLayer[]) : undefined,
    };
  });
  const fronts: Record<string, number[]> = {};
  for (const [key, cost] of Object.entries(FRONT_KEYS)) {
    const v = front[key];
    if (Array.isArray(v) && v.every((x) => typeof x === 'number')) fronts[cost] = v as number[];
  }
  const command = typeof front.command === 'string' ? front.command : isFloat ? 'mps' : points.length === 1 ? 'search' : 'sweep';
  return {
    dir, command, metric, config: (front.config ?? {}) as Json, budgetSweep: Array.isArray(front.budgets),
    seconds: typeof front.sweepSeconds === 'number' ? front.sweepSeconds : typeof front.seconds === 'number' ? front.seconds : null,
    target: targetOf(front.target), seed, points, fronts, splits: splitsOf(front.splits), notes,
  };
}
