/**
 * The files of a multi-seed run (Node only): reads each seed's front.json, writes the aggregate
 * `<out>/front.json` (format `tsdnas.seeds/1`, src/search/seeds.ts) and its tidy `<out>/front.csv`
 * atomically, and reads an aggregate back (checked, for the report and `tsdnas compare`). Run
 * directories are recorded relative to the multi-seed directory so that it can be moved whole.
 */

import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from './atomic.js';
import { FrontFileError, parseRunFront, type RunFront } from '../search/frontFile.js';
import { aggregateSeedFronts, seedsFrontCsvRows, SEEDS_FORMAT, type SeedsFront } from '../search/seeds.js';
import { toCsv } from '../search/pareto.js';

export const FRONT_FILE = 'front.json';

/** The parsed JSON of `<dir>/front.json`; errors name the file and what to do. */
export function readFrontJson(dir: string): { file: string; json: unknown } {
  const file = join(dir, FRONT_FILE);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new FrontFileError(`'${dir}' is not a directory; give the --out directory of a finished sweep, mps or joint run`);
  if (!existsSync(file)) throw new FrontFileError(`'${dir}' holds no ${FRONT_FILE}; give the --out directory of a finished sweep, mps or joint run (an interrupted run writes it only when it finishes)`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new FrontFileError(`${file}: cannot read it (${(e as Error).message})`);
  }
  try {
    return { file, json: JSON.parse(text) as unknown };
  } catch (e) {
    throw new FrontFileError(`${file}: not valid JSON (${(e as Error).message}); was the run cut off while writing it? rerun that seed`);
  }
}

/** The format of `<dir>/front.json`: 'tsdnas.seeds/1' for a multi-seed run, null for a single-seed one (which names none). */
export function frontFormatOf(dir: string): string | null {
  const { json } = readFrontJson(dir);
  const f = typeof json === 'object' && json !== null ? (json as Record<string, unknown>).format : undefined;
  return typeof f === 'string' ? f : null;
}

/** A single-seed run's front.json, checked. */
export function readRunFront(dir: string): RunFront {
  const { file, json } = readFrontJson(dir);
  return parseRunFront(json, file);
}

/** `dir` relative to `outDir` with forward slashes (`seed-0`), or absolute when it is not below it. */
function recordedDir(outDir: string, dir: string): string {
  const rel = relative(resolve(outDir), resolve(dir));
  return rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? resolve(dir) : rel.split(sep).join('/');
}

/**
 * Aggregates the single-seed runs `runs` (one `{ seed, dir }` per seed, each dir a finished
 * `tsdnas sweep` / `mps` / `joint` run) into `<outDir>/front.json` and `<outDir>/front.csv`.
 * Throws naming the file at fault when a run is missing or the runs are not the same sweep.
 */
export function writeSeedsFront(outDir: string, runs: readonly { seed: number; dir: string }[]): { json: string; csv: string } {
  const agg = aggregateSeedFronts(runs.map((r) => ({ seed: r.seed, dir: recordedDir(outDir, r.dir), front: readRunFront(r.dir) })));
  const json = join(outDir, FRONT_FILE);
  const csv = join(outDir, 'front.csv');
  writeJsonAtomic(json, agg);
  writeFileAtomic(csv, toCsv(seedsFrontCsvRows(agg)));
  return { json, csv };
}

/** Reads `<dir>/front.json` of a multi-seed run, checking the fields the report and compare use. */
export function readSeedsFront(dir: string): SeedsFront {
  const { file, json } = readFrontJson(dir);
  const j = json as Partial<SeedsFront> | null;
  if (typeof j !== 'object' || j === null || j.format !== SEEDS_FORMAT) throw new FrontFileError(`${file}: not a multi-seed front (format '${SEEDS_FORMAT}' expected, got ${JSON.stringify(j?.format ?? null)})`);
  if (j.metric !== 'accuracy' && j.metric !== 'mae') throw new FrontFileError(`${file}: 'metric' must be 'accuracy' or 'mae', got ${JSON.stringify(j.metric)}`);
  const arrays: (keyof SeedsFront)[] = ['seeds', 'runs', 'points', 'costAxes'];
  for (const k of arrays) if (!Array.isArray(j[k])) throw new FrontFileError(`${file}: '${k}' must be an array; rewrite the file with writeSeedsFront (or rerun the multi-seed sweep)`);
  for (const p of j.points as unknown[]) {
    const q = p as Partial<SeedsFront['points'][number]>;
    if (typeof q !== 'object' || q === null || typeof q.stats !== 'object' || !Array.isArray(q.seeds)) throw new FrontFileError(`${file}: every point needs 'stats' and 'seeds'; rewrite the file with writeSeedsFront`);
  }
  return j as SeedsFront;
}
