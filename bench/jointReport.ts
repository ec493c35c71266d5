/**
 * The HTML report of bench/jointVsChained.ts: per finished seed of its work directory, assembles
 * the chained points (PIT sweep → one mps precision search per PIT point) into one mps-style run
 * directory, <work>/seed-<s>/chained/ (front.json with the chain-<i> rows renumbered as points
 * 0…n−1, their fronts, and point-<i>/summary.json of each), then writes
 * <work>/seed-<s>/joint/report.html with the chained run as --compare (joint front against the
 * chained front, per cost, with which front points each side dominates).
 *
 *   npx tsx bench/jointReport.ts --work <dir>     (the --work of bench/jointVsChained.ts)
 *
 * A seed is finished when its joint/front.json exists (the joint sweep runs after every chain); other
 * seeds are skipped with the reason, and nothing else in the work directory is written.
 */

import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeReport } from '../src/report/index.js';

type Json = Record<string, unknown>;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

const readJson = (path: string): Json => JSON.parse(readFileSync(path, 'utf8')) as Json;
const rowsOf = (front: Json): Json[] => (Array.isArray(front.points) ? (front.points as Json[]) : []);

/** Front-row columns of the costs an mps run fronts, with the front.json keys of their fronts. */
const COSTS: [column: string, flag: string, key: string][] = [['size_bytes', 'front_size', 'frontSize'], ['bitops', 'front_bitops', 'frontBitops']];

/** Indices of the rows no other row dominates (cost ≤ and metric at least as good, one of them strictly). */
function frontOf(rows: readonly Json[], column: string, metricKey: string, higher: boolean): number[] {
  const c = (r: Json) => Number(r[column]);
  const m = (r: Json) => (higher ? 1 : -1) * Number(r[metricKey]);
  const ok = (r: Json) => Number.isFinite(c(r)) && Number.isFinite(m(r));
  return rows.map((_, i) => i).filter((i) => ok(rows[i]) && !rows.some((q, j) => j !== i && ok(q) && c(q) <= c(rows[i]) && m(q) >= m(rows[i]) && (c(q) < c(rows[i]) || m(q) > m(rows[i]))));
}

/** Writes <seedDir>/chained/ from pit/ and chain-<i>/; returns its path. */
function assembleChained(seedDir: string): string {
  const pit = readJson(join(seedDir, 'pit', 'front.json'));
  const pitRows = rowsOf(pit);
  if (pitRows.length === 0) throw new Error(`${join(seedDir, 'pit', 'front.json')} has no points`);
  const chains = pitRows.map((_, i) => {
    const dir = join(seedDir, `chain-${i}`);
    const front = readJson(join(dir, 'front.json'));
    const rows = rowsOf(front);
    if (rows.length !== 1) throw new Error(`${dir}/front.json: expected exactly one point (the precision search of PIT point ${i}), found ${rows.length}`);
    const summary = join(dir, `point-${typeof rows[0].point === 'number' ? rows[0].point : 0}`, 'summary.json');
    if (!existsSync(summary)) throw new Error(`${summary} is missing`);
    return { dir, front, row: rows[0], summary };
  });
  const first = chains[0].front;
  const metric = String(first.metric);
  const metricKey = `test_${metric}`;
  const rows: Json[] = chains.map((c, i) => {
    const strength = pitRows[i].strength;
    return { ...c.row, point: i, kind: 'chained', label: `PIT λ=${String(strength)} → mps`, mpsLabel: c.row.label, pitPoint: i, pitStrength: strength };
  });
  const fronts: Json = {};
  for (const [column, flag, key] of COSTS) {
    if (!rows.every((r) => typeof r[column] === 'number')) continue;
    const f = frontOf(rows, column, metricKey, metric === 'accuracy');
    fronts[key] = f;
    rows.forEach((r, i) => (r[flag] = f.includes(i)));
  }
  const seconds = (Number(pit.sweepSeconds ?? pit.seconds) || 0) + chains.reduce((s, c) => s + (Number(c.front.seconds) || 0), 0);
  const out = join(seedDir, 'chained');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  chains.forEach((c, i) => {
    mkdirSync(join(out, `point-${i}`), { recursive: true });
    copyFileSync(c.summary, join(out, `point-${i}`, 'summary.json'));
  });
  writeFileSync(join(out, 'front.json'), JSON.stringify({
    metric: first.metric, config: first.config, float: first.float, seconds,
    chainedFrom: { pit: join(seedDir, 'pit'), chains: chains.map((c) => c.dir), note: 'PIT sweep, then one per-channel precision search (tsdnas mps --checkpoint) of every PIT point; assembled by bench/jointReport.ts' },
    points: rows, ...fronts, comparison: [],
  }, null, 1));
  return out;
}

const workArg = arg('work');
if (workArg === undefined) {
  console.error('usage: npx tsx bench/jointReport.ts --work <dir>   (the --work directory of bench/jointVsChained.ts)');
  process.exit(2);
}
const work = resolve(workArg);
if (!existsSync(work)) {
  console.error(`jointReport: '${work}' does not exist`);
  process.exit(1);
}
const seeds = readdirSync(work).filter((d) => /^seed-\d+$/.test(d)).sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)));
if (seeds.length === 0) console.log(`jointReport: no seed-<s> directories in ${work}`);
let failed = false;
for (const s of seeds) {
  const seedDir = join(work, s);
  if (!existsSync(join(seedDir, 'joint', 'front.json'))) {
    console.log(`${s}: skipped (not finished: no joint/front.json)`);
    continue;
  }
  try {
    const chained = assembleChained(seedDir);
    const report = writeReport(join(seedDir, 'joint'), [chained]);
    console.log(`${s}: chained run ${chained}`);
    console.log(`${s}: report ${report}`);
  } catch (e) {
    failed = true;
    console.error(`${s}: failed: ${(e as Error).message}`);
  }
}
if (failed) process.exit(1);
