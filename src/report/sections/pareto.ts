/**
 * The Pareto section: the test metric against every cost the run recorded (params, MACs, and a
 * target's latency / energy when present), front points solid and joined, dominated points
 * faded, the seed a diamond; then a table of all points.
 */

import { paretoFront } from '../../nas/search/pareto.js';
import { scatterChart, type ScatterPoint } from '../svg/scatter.js';
import { categorical } from '../svg/palette.js';
import type { LegendItem } from '../svg/chart.js';
import { esc } from '../svg/markup.js';
import type { RunData } from '../load.js';
import { costInfo, formatCost, formatMetric, formatStrength, higherIsBetter, metricTitle, metricValue, strengthSymbol } from '../labels.js';

/** Cost names to plot: params and MACs first, then any other cost every point has. */
export function costAxes(run: RunData): string[] {
  const names = new Set<string>(['params', 'macs']);
  for (const p of run.points) for (const k of Object.keys(p.costs)) names.add(k);
  return [...names].filter((n) => run.points.length > 0 && run.points.every((p) => Number.isFinite(p.costs[n])));
}

/** Indices (PointData.index) of the non-dominated points for one cost. */
export function frontFor(run: RunData, cost: string): Set<number> {
  if (cost === 'params' && run.frontParams.length > 0) return new Set(run.frontParams.map((i) => run.points[i]?.index ?? i));
  if (cost === 'macs' && run.frontMacs.length > 0) return new Set(run.frontMacs.map((i) => run.points[i]?.index ?? i));
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
      return {
        x: p.costs[cost], y: metricValue(run.metric, p.testMetric), color: categorical(p.index), mark: on ? 'circle' : 'faded', front: on,
        label: `#${p.index}`,
        tooltip: `point ${p.index} (${sym} = ${formatStrength(p.strength)}): ${info.short} ${formatCost(p.costs[cost])}, test ${formatMetric(run.metric, p.testMetric)}${on ? '' : ' — dominated'}`,
      };
    });
    const seedCost = run.seed.costs[cost];
    if (Number.isFinite(seedCost) && Number.isFinite(run.seed.testMetric)) {
      points.push({ x: seedCost, y: metricValue(run.metric, run.seed.testMetric), color: seedMark, mark: 'diamond', label: 'seed', tooltip: `seed (before search): ${info.short} ${formatCost(seedCost)}, test ${formatMetric(run.metric, run.seed.testMetric)}` });
    }
    const legend: LegendItem[] = [
      { label: 'Pareto front (colour = point, see table)', color: '#777777', mark: 'circle' },
      { label: 'dominated', color: '#777777', mark: 'faded' },
      { label: 'seed (before search)', color: seedMark, mark: 'diamond' },
      { label: 'front staircase', color: '#777777', mark: 'dashed' },
    ];
    return scatterChart({
      title: `${metricTitle(run)} vs ${info.short}`, width, height: 380, xTitle: info.title, yTitle: metricTitle(run), points, legend, frontColor: '#777777',
    });
  });
}

export function pointsTable(run: RunData): string {
  const sym = strengthSymbol(run);
  const costs = costAxes(run);
  const fronts = costs.map((c) => frontFor(run, c));
  const head = ['point', sym, ...costs.map((c) => costInfo(c).short), metricTitle(run, 'validation'), metricTitle(run), 'on front of', 'kept search epoch', 'time (s)'];
  const row = (cells: string[], cls = '') => `<tr${cls ? ` class="${cls}"` : ''}>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`;
  const seedCells = ['seed', '–', ...costs.map((c) => formatCost(run.seed.costs[c])), formatMetric(run.metric, run.seed.valMetric), formatMetric(run.metric, run.seed.testMetric), '', '', ''];
  const body = run.points.map((p) => {
    const on = costs.filter((_, j) => fronts[j].has(p.index)).map((c) => costInfo(c).short);
    const swatch = `<span class="swatch" style="background:${categorical(p.index)}"></span>`;
    return row([
      `${swatch}#${p.index}`, esc(formatStrength(p.strength)), ...costs.map((c) => formatCost(p.costs[c])),
      formatMetric(run.metric, p.valMetric), formatMetric(run.metric, p.testMetric), esc(on.length > 0 ? on.join(', ') : 'dominated'),
      p.searchBestEpoch === null ? '–' : String(p.searchBestEpoch), p.seconds === null ? '–' : String(Math.round(p.seconds)),
    ], fronts.some((f) => f.has(p.index)) ? '' : 'dominated');
  });
  return `<table class="num"><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${row(seedCells.map(esc), 'seed')}${body.join('')}</tbody></table>`;
}
