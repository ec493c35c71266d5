/**
 * The front of a multi-seed run (`tsdnas.seeds/1`): per cost axis, the mean of every point over
 * the seeds with ±1 sd error bars (on the metric, and on the cost where it varies by seed), the
 * front of the means solid and joined, every seed's own points faintly behind; then a table per
 * point (mean ± sd, min–max, n) and a table of each seed's test metric per point.
 */

import { scatterChart, type ScatterPoint } from '../svg/scatter.js';
import { categorical } from '../svg/palette.js';
import type { LegendItem } from '../svg/chart.js';
import { esc } from '../svg/markup.js';
import type { SeedsFront, SeedsPoint } from '../../search/seeds.js';
import type { Stats } from '../../search/seedStats.js';
import { costInfo, formatCost, formatMetric, formatStrength, metricTitle, metricValue, pointName } from '../labels.js';

/** The fields of the multi-seed front the labels need (metric, config, budgetSweep). */
const labelsRun = (agg: SeedsFront) => ({ metric: agg.metric, config: agg.config, budgetSweep: agg.budgetSweep });

const testCol = (agg: SeedsFront) => `test_${agg.metric}`;
const valCol = (agg: SeedsFront) => `val_${agg.metric}`;
const mean = (s: Stats | undefined) => (s?.mean ?? NaN);
const sd = (s: Stats | undefined) => (s?.sd ?? 0);

/** "81.3% ± 2.1" (accuracy: sd in points) or "3.214 ± 0.120" (MAE). */
export function metricMeanSd(agg: SeedsFront, s: Stats | undefined): string {
  if (s === undefined || s.mean === null) return '–';
  const m = formatMetric(agg.metric, s.mean);
  if (s.sd === null) return m;
  return `${m} ± ${agg.metric === 'accuracy' ? (s.sd * 100).toFixed(1) : s.sd.toFixed(3)}`;
}

function metricRange(agg: SeedsFront, s: Stats | undefined): string {
  if (s === undefined || s.min === null || s.max === null) return '–';
  return s.min === s.max ? formatMetric(agg.metric, s.min) : `${formatMetric(agg.metric, s.min)} – ${formatMetric(agg.metric, s.max)}`;
}

/** "1,000 ± 100 (900 – 1,100)" where the cost varies by seed, else the value. */
export function costMeanSd(s: Stats | undefined): string {
  if (s === undefined || s.mean === null) return '–';
  if (s.sd === null || s.sd === 0 || s.min === s.max) return formatCost(s.mean);
  return `${formatCost(s.mean)} ± ${formatCost(s.sd)} (${formatCost(s.min as number)} – ${formatCost(s.max as number)})`;
}

function what(agg: SeedsFront, p: SeedsPoint): string {
  return pointName(labelsRun(agg), { index: p.point, label: p.label ?? (p.budget === undefined ? undefined : `budget ${p.budget}`), strength: p.strength });
}

/** One chart per cost axis of the multi-seed front. */
export function seedsFrontCharts(agg: SeedsFront, width: number): string[] {
  const run = labelsRun(agg);
  const seedMark = '#333333';
  return agg.costAxes.map(({ axis, column }) => {
    const info = costInfo(axis);
    const points: ScatterPoint[] = [];
    for (const p of agg.points) {
      const color = categorical(p.point);
      for (const s of p.seeds) {
        const c = s.row[column];
        const m = s.row[testCol(agg)];
        if (typeof c !== 'number' || typeof m !== 'number') continue;
        points.push({ x: c, y: metricValue(agg.metric, m), color, mark: 'circle', faint: true, tooltip: `seed ${s.seed}, ${what(agg, p)}: ${info.short} ${formatCost(c)}, test ${formatMetric(agg.metric, m)}` });
      }
      const on = p.front[axis] === true;
      const ts = p.stats[testCol(agg)];
      const cs = p.stats[column];
      points.push({
        x: mean(cs), y: metricValue(agg.metric, mean(ts)), xErr: sd(cs), yErr: metricValue(agg.metric, sd(ts)), color, front: on, label: `#${p.point}`,
        mark: !on ? 'faded' : p.kind === 'uniform' ? 'square' : 'circle',
        tooltip: `${what(agg, p)}, mean of ${p.n} seeds: ${info.short} ${costMeanSd(cs)}, test ${metricMeanSd(agg, ts)} (range ${metricRange(agg, ts)})${on ? '' : ' — dominated'}`,
      });
    }
    const bs = agg.baseline.stats;
    const baseLabel = agg.baseline.label === 'seed' ? 'seed model (before search)' : 'float model (unquantised)';
    if (Number.isFinite(mean(bs[column])) && Number.isFinite(mean(bs[testCol(agg)]))) {
      points.push({
        x: mean(bs[column]), y: metricValue(agg.metric, mean(bs[testCol(agg)])), xErr: sd(bs[column]), yErr: metricValue(agg.metric, sd(bs[testCol(agg)])), color: seedMark, mark: 'diamond', label: agg.baseline.label,
        tooltip: `${baseLabel}, mean of ${bs[testCol(agg)]?.n ?? 0} seeds: ${info.short} ${costMeanSd(bs[column])}, test ${metricMeanSd(agg, bs[testCol(agg)])}`,
      });
    }
    const legend: LegendItem[] = [
      { label: 'mean over seeds, on the front of means (colour = point, see table)', color: '#777777', mark: 'circle' },
      { label: '±1 sd over seeds', color: '#777777', mark: 'errorbar' },
      { label: 'mean, dominated', color: '#777777', mark: 'faded' },
      { label: "each seed's own point", color: '#777777', mark: 'dot' },
      ...(agg.points.some((p) => p.kind === 'uniform') ? [{ label: 'uniform-precision baseline', color: '#777777', mark: 'square' as const }] : []),
      ...(points.some((p) => p.mark === 'diamond') ? [{ label: baseLabel, color: seedMark, mark: 'diamond' as const }] : []),
      { label: 'front of the means', color: '#777777', mark: 'dashed' },
    ];
    return scatterChart({
      title: `${metricTitle(run)} against ${info.short}, mean ± sd over ${agg.seeds.length} seeds`, width, height: 400,
      xTitle: info.title, yTitle: metricTitle(run), points, legend, frontColor: '#777777',
    });
  });
}

const cell = (v: string) => `<td>${v}</td>`;

/** Per point: n, mean ± sd and min–max of the test metric, the validation metric, each cost, and the mean fronts it is on. */
export function seedsPointsTable(agg: SeedsFront): string {
  const run = labelsRun(agg);
  const labelled = agg.points.some((p) => p.label !== undefined);
  const head = ['point', labelled ? 'search' : agg.budgetSweep ? 'budget' : 'strength', 'n', `${metricTitle(run)}: mean ± sd`, 'min – max', `${metricTitle(run, 'validation')}: mean ± sd`, ...agg.costAxes.map((a) => costInfo(a.axis).short), 'on front of means'];
  const bs = agg.baseline.stats;
  const base = [agg.baseline.label, agg.baseline.label === 'seed' ? 'before search' : 'unquantised', String(bs[testCol(agg)]?.n ?? 0), metricMeanSd(agg, bs[testCol(agg)]), metricRange(agg, bs[testCol(agg)]), metricMeanSd(agg, bs[valCol(agg)]), ...agg.costAxes.map((a) => costMeanSd(bs[a.column])), ''];
  const rows = agg.points.map((p) => {
    const on = agg.costAxes.filter((a) => p.front[a.axis] === true).map((a) => costInfo(a.axis).short.replace(/ \(.*\)$/, ''));
    const swatch = `<span class="swatch" style="background:${categorical(p.point)}"></span>`;
    const cells = [
      `${swatch}#${p.point}`, esc(p.label ?? p.budget ?? formatStrength(p.strength)), String(p.n), esc(metricMeanSd(agg, p.stats[testCol(agg)])), esc(metricRange(agg, p.stats[testCol(agg)])),
      esc(metricMeanSd(agg, p.stats[valCol(agg)])), ...agg.costAxes.map((a) => esc(costMeanSd(p.stats[a.column]))), esc(on.length === 0 ? 'dominated' : on.join(', ')),
    ];
    return `<tr${on.length === 0 ? ' class="dominated"' : ''}>${cells.map(cell).join('')}</tr>`;
  });
  // Wide (mean ± sd with ranges per cost): it scrolls inside the page instead of spilling out of it.
  return `<div class="scroll"><table class="num seeds"><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody><tr class="seed">${base.map((c) => cell(esc(c))).join('')}</tr>${rows.join('')}</tbody></table></div>`;
}

/** The test metric of every point on every seed (rows: points; columns: seeds). */
export function perSeedTable(agg: SeedsFront): string {
  const head = ['point', ...agg.seeds.map((s) => `seed ${s}`)];
  const rowOf = (name: string, rows: { seed: number; row: Record<string, unknown> }[], cls = '') => {
    const byS = agg.seeds.map((s) => {
      const v = rows.find((r) => r.seed === s)?.row[testCol(agg)];
      return typeof v === 'number' ? formatMetric(agg.metric, v) : '–';
    });
    return `<tr${cls}>${[name, ...byS].map((c) => cell(esc(c))).join('')}</tr>`;
  };
  const body = [rowOf(agg.baseline.label, agg.baseline.seeds, ' class="seed"'), ...agg.points.map((p) => rowOf(what(agg, p), p.seeds))];
  return `<table class="num"><caption>${esc(`${metricTitle(labelsRun(agg))} per seed`)}</caption><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${body.join('')}</tbody></table>`;
}
