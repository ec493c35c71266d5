/**
 * The Pareto section: the test metric against every cost the run recorded (params, MACs, and a
 * target's latency / energy when present), front points solid and joined, dominated points
 * faded, the seed a diamond; then a table of all points.
 */

import { paretoFront } from '../../search/pareto.js';
import { scatterChart, type ScatterPoint } from '../svg/scatter.js';
import { categorical } from '../svg/palette.js';
import type { LegendItem } from '../svg/chart.js';
import { esc } from '../svg/markup.js';
import type { RunData } from '../load.js';
import { costInfo, formatCost, formatMetric, formatStrength, higherIsBetter, metricTitle, metricValue, strengthSymbol } from '../labels.js';

/** Costs charted, in this order, when every point has them (cycles, flash and RAM follow latency and params). */
const CHARTED = ['params', 'macs', 'size', 'bitops', 'latency', 'energy'];

export function costAxes(run: RunData): string[] {
  return CHARTED.filter((n) => run.points.length > 0 && run.points.every((p) => Number.isFinite(p.costs[n])));
}

/** Indices (PointData.index) of the non-dominated points for one cost (the run's own front when it wrote one). */
export function frontFor(run: RunData, cost: string): Set<number> {
  const given = run.fronts[cost];
  if (given !== undefined) return new Set(given.map((i) => run.points[i]?.index ?? i));
  const sign = higherIsBetter(run.metric) ? -1 : 1;
  const ok = run.points.filter((p) => Number.isFinite(p.testMetric));
  return new Set(paretoFront(ok.map((p) => ({ item: p.index, objectives: [sign * p.testMetric, p.costs[cost]] }))));
}

export function paretoCharts(run: RunData, width: number): string[] {
  const sym = strengthSymbol(run);
  const seedMark = '#333333';
  return costAxes(run).map((cost) => {
    const front = frontFor(run, cost);
    const info = costInfo(cost);
    const points: ScatterPoint[] = run.points.map((p) => {
      const on = front.has(p.index);
      const baseline = p.kind === 'uniform';
      const what = p.label ?? `${sym} = ${formatStrength(p.strength)}`;
      return {
        x: p.costs[cost], y: metricValue(run.metric, p.testMetric), color: categorical(p.index), mark: !on ? 'faded' : baseline ? 'square' : 'circle', front: on,
        label: `#${p.index}`,
        tooltip: `point ${p.index} (${what}): ${info.short} ${formatCost(p.costs[cost])}, test ${formatMetric(run.metric, p.testMetric)}${on ? '' : ' — dominated'}`,
      };
    });
    const seedCost = run.seed.costs[cost];
    if (Number.isFinite(seedCost) && Number.isFinite(run.seed.testMetric)) {
      points.push({ x: seedCost, y: metricValue(run.metric, run.seed.testMetric), color: seedMark, mark: 'diamond', label: run.seed.label.split(' ')[0], tooltip: `${run.seed.label}: ${info.short} ${formatCost(seedCost)}, test ${formatMetric(run.metric, run.seed.testMetric)}` });
    }
    const legend: LegendItem[] = [
      { label: 'Pareto front (colour = point, see table)', color: '#777777', mark: 'circle' },
      { label: 'dominated', color: '#777777', mark: 'faded' },
      ...(run.points.some((p) => p.kind === 'uniform') ? [{ label: 'uniform-precision baseline', color: '#777777', mark: 'square' as const }] : []),
      ...(points.some((p) => p.mark === 'diamond') ? [{ label: run.seed.label, color: seedMark, mark: 'diamond' as const }] : []),
      { label: 'front staircase', color: '#777777', mark: 'dashed' },
    ];
    return scatterChart({
      title: `${metricTitle(run)} against ${info.short} of the exported models`, width, height: 380, xTitle: info.title, yTitle: metricTitle(run), points, legend, frontColor: '#777777',
    });
  });
}

export function pointsTable(run: RunData): string {
  const sym = strengthSymbol(run);
  const costs = costAxes(run);
  const fronts = costs.map((c) => frontFor(run, c));
  const labelled = run.points.some((p) => p.label !== undefined);
  const head = ['point', labelled ? 'search' : sym, ...costs.map((c) => costInfo(c).short), metricTitle(run, 'validation'), metricTitle(run), 'on front of', 'kept search epoch', 'time (s)'];
  const row = (cells: string[], cls = '') => `<tr${cls ? ` class="${cls}"` : ''}>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`;
  const seedCells = [run.seed.label.split(' ')[0], labelled ? run.seed.label : '–', ...costs.map((c) => formatCost(run.seed.costs[c])), formatMetric(run.metric, run.seed.valMetric), formatMetric(run.metric, run.seed.testMetric), '', '', ''];
  const body = run.points.map((p) => {
    const on = costs.filter((_, j) => fronts[j].has(p.index)).map((c) => costInfo(c).short.replace(/ \(.*\)$/, ''));
    const swatch = `<span class="swatch" style="background:${categorical(p.index)}"></span>`;
    return row([
      `${swatch}#${p.index}`, esc(labelled ? (p.label ?? formatStrength(p.strength)) : formatStrength(p.strength)), ...costs.map((c) => formatCost(p.costs[c])),
      formatMetric(run.metric, p.valMetric), formatMetric(run.metric, p.testMetric), esc(on.length === 0 ? 'dominated' : on.length === costs.length && costs.length > 1 ? 'all' : on.join(', ')),
      p.searchBestEpoch === null ? '–' : String(p.searchBestEpoch), p.seconds === null ? '–' : String(Math.round(p.seconds)),
    ], fronts.some((f) => f.has(p.index)) ? '' : 'dominated');
  });
  return `<table class="num"><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${row(seedCells.map(esc), 'seed')}${body.join('')}</tbody></table>`;
}
