/**
 * The comparison section (`tsdnas report <run> --compare <run>,…`): the test metric of several
 * runs against every cost all of them recorded, each run in its own colour and marker with its
 * own front staircase, and per cost a table of every run's front points saying whether another
 * run's front weakly dominates each one (cost ≤ and metric at least as good), with a one-line
 * verdict per pair of runs ("joint: 2 of 3 front points not dominated by chained; …").
 */

import { scatterChart, type ScatterPoint } from '../svg/scatter.js';
import { categorical } from '../svg/palette.js';
import type { LegendItem } from '../svg/chart.js';
import { esc } from '../svg/markup.js';
import type { PointData, RunData } from '../load.js';
import { costAxes, frontFor } from './pareto.js';
import { costInfo, formatCost, formatMetric, higherIsBetter, metricTitle, metricValue, pointName } from '../labels.js';

export interface NamedRun {
  name: string;
  run: RunData;
}

/** Markers of the runs, in order (the colour is categorical(run index)). */
const MARKS: LegendItem['mark'][] = ['circle', 'square', 'diamond'];
const markOf = (i: number) => MARKS[i % MARKS.length];

/** Costs every point of every run has, in the order of the Pareto section. */
export function sharedCostAxes(runs: readonly RunData[]): string[] {
  if (runs.length === 0) return [];
  const per = runs.map((r) => new Set(costAxes(r)));
  return costAxes(runs[0]).filter((c) => per.every((s) => s.has(c)));
}

/** The run's non-dominated points for one cost (with a finite metric and cost), by increasing cost. */
export function runFront(run: RunData, cost: string): PointData[] {
  const ids = frontFor(run, cost);
  return run.points.filter((p) => ids.has(p.index) && Number.isFinite(p.testMetric) && Number.isFinite(p.costs[cost])).sort((a, b) => a.costs[cost] - b.costs[cost]);
}

/** A point of `other` that weakly dominates `p` (cost ≤, metric at least as good), the cheapest such; else null. */
export function dominatedBy(p: PointData, other: readonly PointData[], cost: string, higher: boolean): PointData | null {
  const as = (q: PointData) => (higher ? q.testMetric >= p.testMetric : q.testMetric <= p.testMetric);
  return other.find((q) => q.costs[cost] <= p.costs[cost] && as(q)) ?? null;
}

export interface PairVerdict {
  a: string;
  b: string;
  /** Front points of a not weakly dominated by b's front, of aTotal. */
  aFree: number;
  aTotal: number;
  bFree: number;
  bTotal: number;
  line: string;
}

/** Per pair of runs (in the order given), how many front points of each survive the other's front. */
export function pairVerdicts(runs: readonly NamedRun[], cost: string): PairVerdict[] {
  const higher = higherIsBetter(runs[0].run.metric);
  const fronts = runs.map((r) => runFront(r.run, cost));
  const free = (i: number, j: number) => fronts[i].filter((p) => dominatedBy(p, fronts[j], cost, higher) === null).length;
  const out: PairVerdict[] = [];
  for (let i = 0; i < runs.length; i++) {
    for (let j = i + 1; j < runs.length; j++) {
      const v = { a: runs[i].name, b: runs[j].name, aFree: free(i, j), aTotal: fronts[i].length, bFree: free(j, i), bTotal: fronts[j].length };
      out.push({ ...v, line: `${v.a}: ${v.aFree} of ${v.aTotal} front points not dominated by ${v.b}; ${v.b}: ${v.bFree} of ${v.bTotal} not dominated by ${v.a}` });
    }
  }
  return out;
}

function chart(runs: readonly NamedRun[], cost: string, width: number): string {
  const info = costInfo(cost);
  const metric = runs[0].run.metric;
  const points: ScatterPoint[] = [];
  const frontColors: Record<string, string> = {};
  runs.forEach(({ name, run }, i) => {
    const color = categorical(i);
    frontColors[name] = color;
    const front = new Set(runFront(run, cost).map((p) => p.index));
    for (const p of run.points) {
      const on = front.has(p.index);
      points.push({
        x: p.costs[cost], y: metricValue(metric, p.testMetric), color, mark: on ? markOf(i) : 'faded', front: on, series: name,
        tooltip: `${name} ${pointName(run, p)}: ${info.short} ${formatCost(p.costs[cost])}, test ${formatMetric(metric, p.testMetric)}${on ? '' : ` — dominated within ${name}`}`,
      });
    }
  });
  const legend: LegendItem[] = [
    ...runs.map(({ name }, i) => ({ label: `${name} (front)`, color: categorical(i), mark: markOf(i) })),
    { label: 'dominated within its run', color: '#777777', mark: 'faded' },
    { label: "each run's front staircase", color: '#777777', mark: 'dashed' },
  ];
  return scatterChart({
    title: `${metricTitle(runs[0].run)} against ${info.short}: ${runs.map((r) => r.name).join(' vs ')}`, width, height: 380,
    xTitle: info.title, yTitle: metricTitle(runs[0].run), points, legend, frontColors,
  });
}

function table(runs: readonly NamedRun[], cost: string): string {
  const info = costInfo(cost);
  const metric = runs[0].run.metric;
  const higher = higherIsBetter(metric);
  const fronts = runs.map((r) => runFront(r.run, cost));
  const head = ['run', 'front point', info.short, metricTitle(runs[0].run), ...runs.map((r) => `weakly dominated by ${r.name}`)];
  const body = runs.flatMap(({ name, run }, i) => fronts[i].map((p) => {
    const by = runs.map((o, j) => {
      if (j === i) return '';
      const q = dominatedBy(p, fronts[j], cost, higher);
      return q === null ? 'no' : `yes: ${pointName(o.run, q)} (${formatCost(q.costs[cost])}, ${formatMetric(metric, q.testMetric)})`;
    });
    const dominated = by.some((c) => c.startsWith('yes'));
    const cells = [`<span class="swatch" style="background:${categorical(i)}"></span>${esc(name)}`, esc(pointName(run, p)), esc(formatCost(p.costs[cost])), esc(formatMetric(metric, p.testMetric)), ...by.map(esc)];
    return `<tr${dominated ? ' class="dominated"' : ''}>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`;
  }));
  return `<table class="num compare"><caption>${esc(`Front points by ${info.short}`)}</caption><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${body.join('')}</tbody></table>`;
}

/**
 * The HTML of the comparison section (heading included): the main run first, then the others.
 * `figure` wraps a chart with its caption as the rest of the report does.
 */
export function compareSection(runs: readonly NamedRun[], width: number, figure: (svg: string) => string): string {
  const parts = [`<h2>Compared with other runs</h2>
<p class="note">${esc(`Runs: ${runs.map((r) => `${r.name} (${r.run.dir}, ${r.run.points.length} points)`).join('; ')}.`)} Each run has its own colour and marker; solid points are on that run's own front (joined by its dashed staircase), faded points are dominated within their run. A front point is weakly dominated by another run when that run has a point with at most its cost and at least its test metric.</p>`];
  const odd = runs.filter((r) => r.run.metric !== runs[0].run.metric);
  if (odd.length > 0) {
    parts.push(`<p class="note">${esc(`Not compared: ${odd.map((r) => r.name).join(', ')} scored by another metric than ${runs[0].name} (${runs[0].run.metric}).`)}</p>`);
    return parts.join('\n');
  }
  const costs = sharedCostAxes(runs.map((r) => r.run));
  if (costs.length === 0) {
    parts.push('<p class="note">The runs share no cost that every point recorded, so they cannot be charted against each other.</p>');
    return parts.join('\n');
  }
  for (const cost of costs) {
    parts.push(`<h3>${esc(costInfo(cost).title)}</h3>`);
    parts.push(figure(chart(runs, cost, width)));
    parts.push(table(runs, cost));
    parts.push(...pairVerdicts(runs, cost).map((v) => `<p class="verdict">${esc(`${costInfo(cost).short}: ${v.line}`)}</p>`));
  }
  return parts.join('\n');
}
