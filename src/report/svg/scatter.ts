/**
 * Scatter charts for Pareto fronts: each point has a marker (front points solid, dominated ones
 * faded, the seed a diamond), a hover tooltip, and a short label placed beside it where it does
 * not collide with another label or marker (labels that fit nowhere are left out; the table
 * under the chart names every point). The front is joined by a staircase line; points that name
 * a series (several runs in one chart) get one staircase per series, in the series' colour.
 * A multi-seed run's chart gives its mean points ± error bars (±1 sd over the seeds, on either
 * axis) and every seed's own points faintly behind them.
 */

import { autoScale } from './scale.js';
import { axes, layout, marker, svg, yLabelWidth, SMALL, type LegendItem } from './chart.js';
import { el, esc, round, text, textWidth } from './markup.js';

export interface ScatterPoint {
  x: number;
  y: number;
  color: string;
  mark: LegendItem['mark'];
  label?: string;
  tooltip: string;
  /** On the front: joined by the staircase. */
  front?: boolean;
  /** The series (run) of the point: front points of one series are joined by their own staircase. */
  series?: string;
  /** Half-lengths of error bars in data units (e.g. 1 sd over seeds); 0 or absent draws none on that axis. */
  xErr?: number;
  yErr?: number;
  /** A background point (one seed's own result behind a mean): small, translucent, unlabelled, on no staircase. */
  faint?: boolean;
}

export interface ScatterSpec {
  title: string;
  width: number;
  height: number;
  xTitle: string;
  yTitle: string;
  points: readonly ScatterPoint[];
  legend: readonly LegendItem[];
  frontColor?: string;
  /** Staircase colour per series (else frontColor). */
  frontColors?: Readonly<Record<string, string>>;
}

interface Box { x0: number; y0: number; x1: number; y1: number }

const overlaps = (a: Box, b: Box) => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;

export function scatterChart(spec: ScatterSpec): string {
  const pts = spec.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  // The axes cover the error bars too; a bar end at or below 0 is left out so a log axis stays log (the bar is cut at the frame).
  const xs = pts.flatMap((p) => [p.x, ...spread(p.x, p.xErr).filter((v) => v > 0 || p.x <= 0)]);
  const ys = pts.flatMap((p) => [p.y, ...spread(p.y, p.yErr)]);
  const probeY = autoScale(ys, [spec.height, 0]);
  const { frame: f, legend } = layout(spec.width, spec.height, spec.legend, yLabelWidth(probeY), { rightPad: 24 });
  // A margin inside the plot so that markers at the extremes are not cut by the frame.
  const padX = (f.x1 - f.x0) * 0.04;
  const padY = (f.y1 - f.y0) * 0.06;
  const x = autoScale(xs, [f.x0 + padX, f.x1 - padX]);
  const y = autoScale(ys, [f.y1 - padY, f.y0 + padY]);
  const parts: string[] = [axes(f, x, y, spec.xTitle, spec.yTitle)];
  // One staircase per series (points without a series form one group, as for a single run).
  const groups = new Map<string | undefined, ScatterPoint[]>();
  for (const p of pts) if (p.front === true && p.faint !== true) groups.set(p.series, [...(groups.get(p.series) ?? []), p]);
  for (const [series, group] of groups) {
    const front = group.sort((a, b) => a.x - b.x);
    if (front.length < 2) continue;
    // Staircase: the best metric reachable at a cost holds until the next front point.
    let d = '';
    front.forEach((p, i) => {
      const px = x.map(p.x);
      const py = y.map(p.y);
      d += i === 0 ? `M${round(px)} ${round(py)}` : `H${round(px)}V${round(py)}`;
    });
    const stroke = (series === undefined ? undefined : spec.frontColors?.[series]) ?? spec.frontColor ?? '#0072B2';
    const attrs = { d, fill: 'none', stroke, 'stroke-width': 1.5, 'stroke-dasharray': '4 3', opacity: 0.8 };
    parts.push(series === undefined ? el('path', attrs) : el('path', { ...attrs, class: 'front' }, el('title', {}, esc(`front of ${series}`))));
  }
  // Seeds' own points go behind everything else.
  for (const p of pts) {
    if (p.faint === true) parts.push(el('g', { class: 'seed-point' }, el('title', {}, esc(p.tooltip)), el('circle', { cx: x.map(p.x), cy: y.map(p.y), r: 3, fill: p.color, 'fill-opacity': 0.3, stroke: 'none' })));
  }
  const clampX = (v: number) => Math.min(f.x1, Math.max(f.x0, v));
  const clampY = (v: number) => Math.min(f.y1, Math.max(f.y0, v));
  for (const p of pts) {
    if (p.faint === true) continue;
    const px = x.map(p.x);
    const py = y.map(p.y);
    const bars: string[] = [];
    const style = { stroke: p.color, 'stroke-width': 1.3 };
    if (p.yErr !== undefined && p.yErr > 0) {
      const [y0, y1] = [clampY(y.map(p.y - p.yErr)), clampY(y.map(p.y + p.yErr))];
      bars.push(el('line', { x1: px, x2: px, y1: y0, y2: y1, ...style }), el('line', { x1: px - 4, x2: px + 4, y1: y0, y2: y0, ...style }), el('line', { x1: px - 4, x2: px + 4, y1: y1, y2: y1, ...style }));
    }
    if (p.xErr !== undefined && p.xErr > 0) {
      const [x0, x1] = [clampX(x.map(p.x - p.xErr)), clampX(x.map(p.x + p.xErr))];
      bars.push(el('line', { x1: x0, x2: x1, y1: py, y2: py, ...style }), el('line', { x1: x0, x2: x0, y1: py - 4, y2: py + 4, ...style }), el('line', { x1, x2: x1, y1: py - 4, y2: py + 4, ...style }));
    }
    if (bars.length > 0) parts.push(el('g', { class: 'error-bar', opacity: p.mark === 'faded' ? 0.45 : 0.85 }, ...bars));
  }
  const shown = pts.filter((p) => p.faint !== true);
  const taken: Box[] = shown.map((p) => ({ x0: x.map(p.x) - 6, x1: x.map(p.x) + 6, y0: y.map(p.y) - 6, y1: y.map(p.y) + 6 }));
  // Faded points first, so front points and the seed are drawn on top.
  const order = [...shown].sort((a, b) => (a.mark === 'faded' ? 0 : 1) - (b.mark === 'faded' ? 0 : 1));
  for (const p of order) {
    parts.push(el('g', { class: 'point' }, el('title', {}, esc(p.tooltip)), marker(p.mark, x.map(p.x), y.map(p.y), p.color, 5.5)));
  }
  for (const p of order) {
    if (p.label === undefined) continue;
    const px = x.map(p.x);
    const py = y.map(p.y);
    const w = textWidth(p.label, SMALL);
    const h = SMALL;
    const candidates: Box[] = [
      { x0: px + 8, y0: py - h - 4, x1: px + 8 + w, y1: py - 4 },
      { x0: px + 8, y0: py + 4, x1: px + 8 + w, y1: py + 4 + h },
      { x0: px - 8 - w, y0: py - h - 4, x1: px - 8, y1: py - 4 },
      { x0: px - 8 - w, y0: py + 4, x1: px - 8, y1: py + 4 + h },
      { x0: px - w / 2, y0: py - h - 10, x1: px + w / 2, y1: py - 10 },
      { x0: px - w / 2, y0: py + 10, x1: px + w / 2, y1: py + 10 + h },
    ];
    const inside = (b: Box) => b.x0 >= f.x0 + 2 && b.x1 <= f.x1 - 2 && b.y0 >= f.y0 + 2 && b.y1 <= f.y1 - 2;
    const spot = candidates.find((b) => inside(b) && !taken.some((t) => overlaps(t, b)));
    if (spot === undefined) continue;
    taken.push(spot);
    parts.push(text(spot.x0, spot.y1 - 2, p.label, { 'font-size': SMALL, class: p.mark === 'faded' ? 'label-faded' : 'label' }));
  }
  return svg(spec.width, spec.height, spec.title, legend, ...parts);
}

/** The two ends of an error bar, or none. */
function spread(v: number, err: number | undefined): number[] {
  return err !== undefined && err > 0 && Number.isFinite(err) ? [v - err, v + err] : [];
}
