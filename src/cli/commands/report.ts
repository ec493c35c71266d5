/**
 * `tsdnas report <run-dir>`: rebuilds the HTML report (report.html) of a search, sweep or mps
 * run from the files the run wrote, e.g. after the report code changed or for a run written
 * before reports existed.
 */

import { parseCommand, UsageError } from '../args.js';
import { writeReport } from '../../report/index.js';

export function reportHelp(): string {
  return `tsdnas report — rebuild the HTML report of a run directory

usage: tsdnas report <run-dir>

<run-dir> is the --out directory of a finished 'tsdnas search', 'sweep' or 'mps' run (it holds
front.json and point-<i>/summary.json). Writes <run-dir>/report.html: Pareto fronts, training and
search curves, per-layer mask heat maps and the architectures found. The file needs no network.`;
}

export function runReport(argv: string[]): void {
  const { positionals } = parseCommand('report', {}, argv);
  if (positionals.length !== 1) {
    throw new UsageError(`tsdnas report: give exactly one run directory (got ${positionals.length === 0 ? 'none' : positionals.map((p) => `'${p}'`).join(', ')}); e.g. tsdnas report runs/sweep-ecg200`);
  }
  console.log(`report: ${writeReport(positionals[0])}`);
}
