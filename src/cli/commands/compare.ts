/**
 * `tsdnas compare <runA> <runB> [--cost <axis>] [--metric test|val] [--json <file>]`: whether one
 * sweep's front beats another's, paired by seed. Each argument is a multi-seed run directory
 * (front.json of format tsdnas.seeds/1) or a single-seed one (its seed from config.seed). Prints
 * a table per seed (hypervolumes with a shared reference point, points weakly dominated by the
 * other front), the paired statistics and a plain-words verdict; --json writes the numbers.
 * The work is src/search/compareFronts.ts; this file only reads, prints and writes.
 */

import { parseCommand, UsageError } from '../args.js';
import { readFrontSet } from '../../io/front-set.js';
import { writeJsonAtomic } from '../../io/atomic.js';
import { FrontFileError } from '../../search/frontFile.js';
import { compareFronts, CompareError, type FrontComparison } from '../../search/compareFronts.js';
import type { FrontSet } from '../../search/frontSet.js';
import type { Schema } from '../../util/schema.js';

const SCHEMA = {
  cost: { type: 'optional-string', help: 'cost axis of the fronts (params, macs, size, bitops, latency, energy; or a column such as size_bytes); default: the first both runs have (params for PIT sweeps, size for mps / joint)' },
  metric: { type: 'string', default: 'test', choices: ['test', 'val'], help: 'which split\'s metric the fronts are scored on' },
  json: { type: 'optional-string', help: 'also write the numbers (per seed and summary, with the verdict) to this JSON file' },
} satisfies Schema;

export function compareHelp(): string {
  return `tsdnas compare — does one sweep's front beat another's? (paired by seed)

usage: tsdnas compare <runA> <runB> [--cost <axis>] [--metric test|val] [--json <file>]

<runA> and <runB> are run directories: a multi-seed run (e.g. written by tsdnas sweep --seeds
0,1,2: its front.json has format tsdnas.seeds/1) or a single-seed sweep / mps / joint run (its
seed is config.seed of its front.json). The runs are paired by seed; seeds only one run has are
listed and left out.

Per seed: the hypervolume of each front (the area it dominates in the plane of cost on a log10
axis and the metric in report units, accuracy in points or MAE), with one reference point shared
by both runs (the worst cost and metric of their points, moved out by 10 % of the range), and how
many of each front's points the other front weakly dominates (cost at most, metric at least as
good). Over the seeds: the mean and sd of the differences A − B, a paired t test with n − 1
degrees of freedom, the seeds each run wins, and a verdict. With 3 seeds nothing is significant at
5 % unless all differences agree in sign and are large against their spread.

options:
  --cost <axis>      ${SCHEMA.cost.help}
  --metric test|val  ${SCHEMA.metric.help} (default test)
  --json <file>      ${SCHEMA.json.help}
                     (for this command --json takes a file; it is not the global event stream)

example: tsdnas compare runs/pit-ecg200 runs/pit-ecg200-hinge --cost params --json cmp.json`;
}

function load(dir: string): FrontSet {
  try {
    return readFrontSet(dir);
  } catch (e) {
    if (e instanceof FrontFileError) throw new UsageError(`tsdnas compare: ${e.message}`);
    throw e;
  }
}

const num = (v: number, digits = 3) => (Number.isFinite(v) ? (Math.abs(v) >= 1000 ? v.toFixed(0) : Number(v.toPrecision(digits)).toString()) : String(v));
const signed = (v: number) => `${v > 0 ? '+' : ''}${num(v)}`;

function describeRun(label: string, s: FrontSet): string {
  return `${label} = ${s.dir} (${s.command}, ${s.multiSeed ? `seeds ${s.seeds.map((x) => x.seed).join(', ')}` : `one run, seed ${s.seeds[0]?.seed}`})`;
}

/** The table and summary lines printed to stdout. */
export function formatComparison(c: FrontComparison, a: FrontSet, b: FrontSet): string {
  const lines = [describeRun('A', a), describeRun('B', b), `cost: ${c.cost.axis} (log10 axis); metric: ${c.split} ${c.metric}; hypervolume in ${c.unit}`, ''];
  const head = ['seed', 'HV A', 'HV B', 'A − B', 'winner', 'A front', 'A dominated by B', 'B front', 'B dominated by A'];
  const rows = c.seeds.map((s) => [String(s.seed), num(s.a.hypervolume), num(s.b.hypervolume), signed(s.difference), s.winner === 'tie' ? 'tie' : s.winner.toUpperCase(), String(s.a.front), String(s.a.dominatedByOther), String(s.b.front), String(s.b.dominatedByOther)]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((x, i) => (i === 0 ? x.padEnd(widths[i]) : x.padStart(widths[i]))).join('  ');
  lines.push(line(head), ...rows.map(line), '');
  const s = c.summary;
  const stats = s.n < 2 ? 'one seed: no spread, no test' : `sd ${s.sdDifference === null ? '–' : num(s.sdDifference)}; paired t = ${s.t === null ? '–' : num(s.t)} (${s.dof} dof), p ${s.p === null ? '–' : s.p < 0.001 ? '< 0.001' : `= ${s.p.toFixed(3)}`}, |t| ≥ ${s.tCritical === null ? '–' : s.tCritical.toFixed(2)} for 5 %`;
  lines.push(`mean A − B: ${signed(s.meanDifference)} (${stats}); A wins ${s.aWins}, B wins ${s.bWins}${s.ties > 0 ? `, ${s.ties} tied` : ''} of ${s.n} seed${s.n === 1 ? '' : 's'}`);
  if (c.onlyA.length > 0) lines.push(`seeds only in A (left out): ${c.onlyA.join(', ')}`);
  if (c.onlyB.length > 0) lines.push(`seeds only in B (left out): ${c.onlyB.join(', ')}`);
  lines.push('', `verdict: ${c.verdict}`);
  return lines.join('\n');
}

export function runCompare(argv: string[]): void {
  const { config, positionals } = parseCommand('compare', SCHEMA, argv);
  if (positionals.length !== 2) {
    throw new UsageError(`tsdnas compare: give exactly two run directories (got ${positionals.length === 0 ? 'none' : positionals.map((p) => `'${p}'`).join(', ')}); e.g. tsdnas compare runs/a runs/b`);
  }
  const a = load(positionals[0]);
  const b = load(positionals[1]);
  let c: FrontComparison;
  try {
    c = compareFronts(a, b, { cost: config.cost, split: config.metric as 'test' | 'val' });
  } catch (e) {
    if (e instanceof CompareError) throw new UsageError(`tsdnas ${e.message}`);
    throw e;
  }
  console.log(formatComparison(c, a, b));
  if (config.json !== undefined) {
    writeJsonAtomic(config.json, c);
    console.log(`numbers: ${config.json}`);
  }
}
