/**
 * Line charts: several named series over a shared x axis (epochs), optional shaded bands that
 * name the phases of a run (warm-up, search, fine-tune), and a marker per series for a chosen
 * x (e.g. the epoch the search kept).
 */

import { autoScale, type Scale } from './scale.js';
import { axes, layout, svg, yLabelWidth, marker, SMALL, type LegendItem } from './chart.js';
import { el, esc, round, text, textWidth } from './markup.js';

export interface LineSeries {
  name: string;
  color: string;
  points: readonly (readonly [number, number])[];
  dashed?: boolean;
  /** x values to mark with a dot (e.g. the kept search epoch). */
  highlight?: readonly number[];
}

export interface Band {
  from: number;
  to: number;
  label: string;
}

export interface LineChartSpec {
  title: string;
  width: number;
  height: number;
  xTitle: string;
  yTitle: string;
  series: readonly LineSeries[];
  bands?: readonly Band[];
  /** Force a log y axis (true / false) or choose by span (undefined). */
  yLog?: boolean;
  /** Include 0 on the y axis. */
  yZero?: boolean;
  /** Extra legend entries (e.g. for the highlight dots). */
  extraLegend?: readonly LegendItem[];
}

function path(points: readonly (readonly [number, number])[], x: Scale, y: Scale): string {
  return points.filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b)).map(([a, b], i) => `${i === 0 ? 'M' : 'L'}${round(x.map(a))} ${round(y.map(b))}`).join('');
}

export function lineChart(spec: LineChartSpec): string {
  const xs = spec.series.flatMap((s) => s.points.map((p) => p[0])).concat((spec.bands ?? []).flatMap((b) => [b.from, b.to]));
  const ys = spec.series.flatMap((s) => s.points.map((p) => p[1]));
  const legend: LegendItem[] = [...spec.series.map((s) => ({ label: s.name, color: s.color, mark: s.dashed === true ? 'dashed' as const : 'line' as const })), ...(spec.extraLegend ?? [])];
  const probeY = autoScale(ys, [spec.height, 0], { log: spec.yLog, zero: spec.yZero });
  // Phase names go above the plot, where no line can cross them.
  const { frame: f, legend: legendSvg } = layout(spec.width, spec.height, legend, yLabelWidth(probeY), { extraTop: (spec.bands ?? []).length > 0 ? 16 : 0 });
  const x = autoScale(xs, [f.x0, f.x1], { log: false, tight: true });
  const y = autoScale(ys, [f.y1, f.y0], { log: spec.yLog, zero: spec.yZero });
  const parts: string[] = [];
  (spec.bands ?? []).forEach((b, i) => {
    const bx0 = x.map(b.from);
    const bx1 = x.map(b.to);
    parts.push(el('rect', { x: bx0, y: f.y0, width: Math.max(0, bx1 - bx0), height: f.y1 - f.y0, class: i % 2 === 0 ? 'band-a' : 'band-b' }));
    if (textWidth(b.label, SMALL) + 8 <= bx1 - bx0) parts.push(text((bx0 + bx1) / 2, f.y0 - 5, b.label, { 'font-size': SMALL, 'text-anchor': 'middle', class: 'band-label' }));
  });
  parts.push(axes(f, x, y, spec.xTitle, spec.yTitle));
  for (const s of spec.series) {
    parts.push(el('path', { d: path(s.points, x, y), fill: 'none', stroke: s.color, 'stroke-width': 1.8, 'stroke-dasharray': s.dashed === true ? '5 3' : undefined, 'stroke-linejoin': 'round' }, el('title', {}, esc(s.name))));
    for (const hx of s.highlight ?? []) {
      const p = s.points.find((q) => q[0] === hx);
      if (p !== undefined && Number.isFinite(p[1])) parts.push(marker('circle', x.map(p[0]), y.map(p[1]), s.color, 3.5));
    }
  }
  return svg(spec.width, spec.height, spec.title, legendSvg, ...parts);
}
