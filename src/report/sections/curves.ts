/**
 * Training and search curves. The protocol runs warm-up → search → fine-tune; the charts put
 * the three phases on one epoch axis (shaded bands), the shared warm-up in grey and each point's
 * search and fine-tune in its colour, with the search epoch that was kept marked. A further chart
 * follows the regularised cost through each point's search.
 */

import { lineChart, type Band, type LineSeries } from '../svg/line.js';
import { categorical } from '../svg/palette.js';
import type { RunData } from '../load.js';
import { costInfo, metricTitle, metricValue, pointName } from '../labels.js';

const WARM = '#777777';

interface Phases {
  warm: number;
  search: number;
  finetune: number;
}

function phases(run: RunData): Phases {
  return {
    warm: run.seed.warmupHistory.length,
    search: Math.max(0, ...run.points.map((p) => p.searchHistory.length)),
    finetune: Math.max(0, ...run.points.map((p) => p.finetuneHistory.length)),
  };
}

function bands(ph: Phases): Band[] {
  const out: Band[] = [];
  if (ph.warm > 0) out.push({ from: 0.5, to: ph.warm + 0.5, label: 'warm-up' });
  if (ph.search > 0) out.push({ from: ph.warm + 0.5, to: ph.warm + ph.search + 0.5, label: 'search' });
  if (ph.finetune > 0) out.push({ from: ph.warm + ph.search + 0.5, to: ph.warm + ph.search + ph.finetune + 0.5, label: 'fine-tune' });
  return out;
}

/** One quantity through the protocol: val metric, val loss or train loss. */
function protocolSeries(run: RunData, pick: (r: { trainLoss: number; valLoss: number; valMetric: number }) => number): LineSeries[] {
  const ph = phases(run);
  const out: LineSeries[] = [];
  if (ph.warm > 0) out.push({ name: 'warm-up (shared)', color: WARM, points: run.seed.warmupHistory.map((r) => [r.epoch, pick(r)] as const) });
  for (const p of run.points) {
    const search = p.searchHistory.map((r) => [ph.warm + r.epoch, pick(r)] as const);
    const ft = p.finetuneHistory.map((r) => [ph.warm + ph.search + r.epoch, pick(r)] as const);
    if (search.length + ft.length === 0) continue;
    out.push({
      name: pointName(run, p), color: categorical(p.index), points: [...search, ...ft],
      highlight: p.searchBestEpoch === null ? [] : [ph.warm + p.searchBestEpoch],
    });
  }
  return out;
}

export function curveCharts(run: RunData, width: number): string[] {
  const ph = phases(run);
  if (ph.warm + ph.search + ph.finetune === 0) return [];
  const x = 'epoch (warm-up, then search, then fine-tune)';
  const kept = [{ label: 'search epoch kept', color: '#555555', mark: 'circle' as const }];
  const charts = [
    lineChart({
      title: `${metricTitle(run, 'validation')} through warm-up, search and fine-tune`, width, height: 340, xTitle: x, yTitle: metricTitle(run, 'validation'),
      series: protocolSeries(run, (r) => metricValue(run.metric, r.valMetric)), bands: bands(ph), extraLegend: kept,
    }),
    lineChart({
      title: 'training loss (task loss only) through warm-up, search and fine-tune', width, height: 320, xTitle: x, yTitle: 'training loss (task only)',
      series: protocolSeries(run, (r) => r.trainLoss), bands: bands(ph), extraLegend: kept, yZero: true,
    }),
  ];
  const costName = typeof run.config.cost === 'string' ? run.config.cost : 'params';
  const costSeries: LineSeries[] = run.points.filter((p) => p.searchHistory.length > 0).map((p) => ({
    name: pointName(run, p), color: categorical(p.index),
    points: p.searchHistory.map((r) => [r.epoch, r.costs[costName] ?? NaN] as const),
    highlight: p.searchBestEpoch === null ? [] : [p.searchBestEpoch],
  }));
  if (costSeries.length > 0) {
    charts.push(lineChart({
      title: `${costInfo(costName).short} of each point's masks during its search (the regularised cost)`, width, height: 320, xTitle: 'search epoch', yTitle: costInfo(costName).title,
      series: costSeries, extraLegend: kept,
    }));
  }
  return charts;
}
