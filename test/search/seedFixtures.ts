/**
 * Hand-made single-seed run directories for the multi-seed tests: a front.json shaped like what
 * `tsdnas sweep` (seed model, params / MACs, frontParams / frontMacs) or `tsdnas mps` / `joint`
 * (float model, size_bytes / bitops, frontSize / frontBitops) writes, with the numbers given by
 * the test, and no training. `summaries` adds point-<i>/summary.json so the per-seed report builds.
 */

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface FixturePoint {
  strength: number | null;
  test: number;
  val?: number;
  /** Cost columns of the row (params / macs for a sweep, size_bytes / bitops for mps). */
  costs: Record<string, number>;
  kind?: string;
  label?: string;
}

export interface FixtureRun {
  seed: number;
  command?: 'sweep' | 'mps' | 'joint';
  metric?: 'accuracy' | 'mae';
  points: FixturePoint[];
  baselineTest?: number;
  splits?: { train: number; val: number; test: number } | null;
  config?: Record<string, unknown>;
  summaries?: boolean;
}

export function writeSeedRun(dir: string, r: FixtureRun): string {
  const metric = r.metric ?? 'accuracy';
  const command = r.command ?? 'sweep';
  const mps = command !== 'sweep';
  const rows = r.points.map((p, i) => ({
    point: i, ...(p.kind === undefined ? {} : { kind: p.kind }), ...(p.label === undefined ? {} : { label: p.label }), strength: p.strength ?? '',
    ...p.costs, [`val_${metric}`]: p.val ?? p.test, [`test_${metric}`]: p.test, seconds: 1,
  }));
  const base = { valMetric: 0.9, testMetric: r.baselineTest ?? 0.85, warmupHistory: [] };
  const config = { dataset: 'ecg200', model: 'tcn-ecg', cost: mps ? 'size' : 'params', seed: r.seed, out: dir, warmupEpochs: 2, searchEpochs: 2, finetuneEpochs: 1, ...(command === 'joint' ? { joint: true } : {}), ...r.config };
  const splits = r.splits === null ? {} : { splits: r.splits ?? { train: 80, val: 20, test: 100 } };
  const front = mps
    ? { metric, config, seconds: 1, ...splits, float: base, points: rows, frontSize: [], frontBitops: [], comparison: [] }
    : { metric, config, sweepSeconds: 1, ...splits, seed: { ...base, params: 8000, macs: 240000, costs: { params: 8000, macs: 240000 } }, points: rows, frontParams: [], frontMacs: [] };
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'front.json'), JSON.stringify(front));
  if (r.summaries === true) {
    r.points.forEach((p, i) => {
      mkdirSync(join(dir, `point-${i}`), { recursive: true });
      writeFileSync(join(dir, `point-${i}`, 'summary.json'), JSON.stringify({ strength: p.strength, valMetric: p.val ?? p.test, testMetric: p.test, costs: {}, searchHistory: [], finetuneHistory: [], layers: [] }));
    });
  }
  return dir;
}

/** Three PIT sweep points whose metric and params move with `shift` (per seed). */
export function sweepPoints(shift: number): FixturePoint[] {
  return [
    { strength: 1e-6, test: 0.88 + shift, val: 0.9, costs: { params: 4000, macs: 200000 } },
    { strength: 1e-5, test: 0.7 + shift, val: 0.8, costs: { params: 900 + 100 * shift * 100, macs: 40000 } },
    { strength: 1e-4, test: 0.8 + shift, val: 0.85, costs: { params: 300, macs: 9000 } },
  ];
}
