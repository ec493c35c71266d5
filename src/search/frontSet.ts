/**
 * A run as `tsdnas compare` sees it: its point rows per seed, whether it is one single-seed run
 * (its seed from front.json `config.seed`) or a multi-seed run (the rows every seed recorded in
 * the `tsdnas.seeds/1` aggregate). Pure; src/io/front-set.ts reads the directory.
 */

import { finite, FrontFileError, type CostAxis, type FrontRow, type MetricName, type RunFront } from './frontFile.js';
import type { SeedsFront } from './seeds.js';

export interface FrontSet {
  /** The run directory as given (names the run in tables and messages). */
  dir: string;
  command: string;
  metric: MetricName;
  costAxes: CostAxis[];
  multiSeed: boolean;
  /** One entry per seed, seeds ascending. */
  seeds: { seed: number; rows: FrontRow[] }[];
}

export function frontSetOfRun(run: RunFront, dir: string): FrontSet {
  const seed = run.config.seed;
  if (!finite(seed)) throw new FrontFileError(`${run.file}: config.seed is missing, so the run cannot be paired by seed; give a multi-seed run directory, or a run written by tsdnas sweep / mps / joint`);
  return { dir, command: run.command, metric: run.metric, costAxes: run.costAxes, multiSeed: false, seeds: [{ seed, rows: run.rows }] };
}

export function frontSetOfSeeds(agg: SeedsFront, dir: string): FrontSet {
  const seeds = agg.seeds.map((seed) => ({ seed, rows: agg.points.map((p) => p.seeds.find((s) => s.seed === seed)?.row ?? {}) }));
  return { dir, command: agg.command, metric: agg.metric, costAxes: agg.costAxes, multiSeed: true, seeds: seeds.sort((a, b) => a.seed - b.seed) };
}
