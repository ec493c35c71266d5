/**
 * `tsdnas report <run-dir> [--compare <dir>,…]`: rebuilds the HTML report (report.html) of a
 * search, sweep or mps run (or of a multi-seed run) from the files the run wrote, e.g. after the report code changed or
 * for a run written before reports existed; --compare adds a section charting it against other
 * runs (e.g. a joint search against the chained PIT → mps one).
 */

import { parseCommand, UsageError } from '../args.js';
import { writeReport } from '../../report/index.js';
import type { Schema } from '../../util/schema.js';

const SCHEMA = {
  compare: { type: 'optional-string', help: "comma-separated run directories to compare this run with: their points and fronts in the same charts, and which front points each run's front dominates" },
} satisfies Schema;

export function reportHelp(): string {
  return `tsdnas report — rebuild the HTML report of a run directory

usage: tsdnas report <run-dir> [--compare <dir>[,<dir>...]]

<run-dir> is the --out directory of a finished 'tsdnas search', 'sweep', 'mps' or 'joint' run (it
holds front.json and point-<i>/summary.json). Writes <run-dir>/report.html: Pareto fronts, training
and search curves, per-layer mask heat maps and the architectures found. The file needs no network.
A multi-seed run directory (tsdnas sweep --seeds …: front.json of format tsdnas.seeds/1) gets the
mean front over the seeds with ±1 sd error bars, a table per point and links to each seed's report
(compare two such runs seed by seed with 'tsdnas compare').

options:
  --compare <dirs>   comma-separated run directories to compare this run with. Adds a section
                     "Compared with other runs": per cost all runs recorded, one chart with every
                     run's points and front staircase in its own colour, and a table saying for
                     each front point whether another run's front weakly dominates it (cost at
                     most, test metric at least as good). Every directory must be a run of the
                     same metric, else nothing is written.

example: tsdnas report runs/joint --compare runs/chained`;
}

export function runReport(argv: string[]): void {
  const { config, positionals } = parseCommand('report', SCHEMA, argv);
  if (positionals.length !== 1) {
    throw new UsageError(`tsdnas report: give exactly one run directory (got ${positionals.length === 0 ? 'none' : positionals.map((p) => `'${p}'`).join(', ')}); e.g. tsdnas report runs/sweep-ecg200`);
  }
  const compare = config.compare === undefined ? [] : config.compare.split(',').map((d) => d.trim());
  if (compare.some((d) => d === '')) throw new UsageError(`tsdnas report: --compare '${config.compare}' has an empty entry; give run directories separated by commas, e.g. --compare runs/chained,runs/pit`);
  console.log(`report: ${writeReport(positionals[0], compare)}`);
}
