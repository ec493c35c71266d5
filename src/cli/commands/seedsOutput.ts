/**
 * The outputs of a multi-seed sweep above its seed directories: the aggregate front
 * (src/io/seeds-front.ts: mean, spread and every seed's value per point) and its table on stdout.
 */

import { dirname } from 'node:path';
import { readSeedsFront, writeSeedsFront } from '../../io/seeds-front.js';
import type { Stats } from '../../search/seedStats.js';

export function writeSeedsOutputs(top: string, runs: { seed: number; dir: string }[]): { json: string; csv: string } {
  return writeSeedsFront(top, runs);
}

/** "82.0 ± 3.5 %" / "0.41 ± 0.02" / "220 ± 31": mean ± sample sd (no sd for one seed). */
function meanSd(s: Stats | undefined, percent: boolean, digits: number): string {
  if (s === undefined || s.mean === null) return '–';
  const f = (v: number) => (percent ? (v * 100).toFixed(digits) : v === 0 ? '0' : Math.abs(v) >= 100 ? Math.round(v).toLocaleString('en-US') : v.toPrecision(3));
  return `${f(s.mean)}${s.sd === null ? '' : ` ± ${f(s.sd)}`}${percent ? ' %' : ''}`;
}

/** The per-point table of a multi-seed front: strength, seeds, test metric and costs as mean ± sd, mean-front flags. */
export function printSeedsSummary(json: string): void {
  const f = readSeedsFront(dirname(json));
  const acc = f.metric === 'accuracy';
  const testCol = `test_${f.metric}`;
  const axes = f.costAxes;
  const head = ['point', 'strength', 'n', `test ${acc ? 'accuracy' : 'MAE'}`, ...axes.map((a) => a.axis), 'mean front'];
  const rows = f.points.map((p) => [
    String(p.point), p.budget ?? p.label ?? (p.strength === null ? '' : p.strength.toExponential(1)), String(p.n),
    meanSd(p.stats[testCol], acc, 1), ...axes.map((a) => meanSd(p.stats[a.column], false, 0)),
    axes.filter((a) => p.front[a.axis]).map((a) => a.axis).join(',') || '-',
  ]);
  const base = [f.baseline.label, '', String(f.baseline.seeds.length), meanSd(f.baseline.stats[testCol], acc, 1), ...axes.map((a) => meanSd(f.baseline.stats[a.column], false, 0)), ''];
  const all = [head, base, ...rows];
  const widths = head.map((_, c) => Math.max(...all.map((r) => r[c].length)));
  console.log(`\nover seeds ${f.seeds.join(', ')} (mean ± sample sd)${f.splits?.same === true ? `; validation ${f.splits.val} and test ${f.splits.test} samples per seed` : ''}:`);
  for (const r of all) console.log(r.map((v, c) => v.padEnd(widths[c])).join('  ').trimEnd());
}
