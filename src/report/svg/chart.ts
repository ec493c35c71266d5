/**
 * The parts every chart shares: the plot frame inside the SVG, the axes with tick labels thinned
 * until they no longer overlap, axis titles, a wrapping legend above the plot, and the <svg>
 * wrapper (with a <title> for accessibility).
 */

import type { Scale } from './scale.js';
import { el, esc, fitText, text, textWidth } from './markup.js';

export const FONT = 12;
export const SMALL = 11;

export interface Frame {
  width: number;
  height: number;
  /** The plot area. */
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

export interface LegendItem {
  label: string;
  color: string;
  /** How the swatch is drawn. */
  mark: 'line' | 'dashed' | 'circle' | 'diamond' | 'square' | 'faded' | 'errorbar' | 'dot';
}

const SWATCH = 22;
const ITEM_GAP = 16;

/** Legend rows (label widths wrapped to `width`). */
function legendRows(items: readonly LegendItem[], width: number): LegendItem[][] {
  const rows: LegendItem[][] = [];
  let row: LegendItem[] = [];
  let used = 0;
  for (const it of items) {
    const w = SWATCH + 4 + textWidth(it.label, SMALL) + ITEM_GAP;
    if (row.length > 0 && used + w > width) {
      rows.push(row);
      row = [];
      used = 0;
    }
    row.push(it);
    used += w;
  }
  if (row.length > 0) rows.push(row);
  return rows;
}

export function swatch(mark: LegendItem['mark'], color: string, x: number, y: number): string {
  switch (mark) {
    case 'line': return el('line', { x1: x, y1: y, x2: x + SWATCH - 4, y2: y, stroke: color, 'stroke-width': 2.5 });
    case 'dashed': return el('line', { x1: x, y1: y, x2: x + SWATCH - 4, y2: y, stroke: color, 'stroke-width': 2, 'stroke-dasharray': '5 3' });
    case 'dot': return el('circle', { cx: x + 9, cy: y, r: 3, fill: color, 'fill-opacity': 0.45, stroke: 'none' });
    case 'errorbar': return el('g', { stroke: color, 'stroke-width': 1.3 }, el('line', { x1: x + 9, y1: y - 6, x2: x + 9, y2: y + 6 }), el('line', { x1: x + 5, y1: y - 6, x2: x + 13, y2: y - 6 }), el('line', { x1: x + 5, y1: y + 6, x2: x + 13, y2: y + 6 }));
    default: return marker(mark, x + 9, y, color, 5);
  }
}

/** A point marker: circle, diamond, square, or a faded circle (dominated). */
export function marker(mark: LegendItem['mark'], cx: number, cy: number, color: string, r: number, extra: Record<string, string | number> = {}): string {
  if (mark === 'diamond') {
    const d = r * 1.5;
    return el('path', { d: `M${cx} ${cy - d}L${cx + d} ${cy}L${cx} ${cy + d}L${cx - d} ${cy}Z`, fill: color, stroke: '#111', 'stroke-width': 1, ...extra });
  }
  if (mark === 'square') return el('rect', { x: cx - r, y: cy - r, width: 2 * r, height: 2 * r, fill: color, stroke: '#111', 'stroke-width': 1, ...extra });
  if (mark === 'faded') return el('circle', { cx, cy, r, fill: color, 'fill-opacity': 0.25, stroke: color, 'stroke-opacity': 0.5, 'stroke-width': 1, ...extra });
  return el('circle', { cx, cy, r, fill: color, stroke: '#111', 'stroke-width': 1, ...extra });
}

/**
 * The frame of a chart `width` × `height` with room for a legend above the plot and axis
 * labels left and below; `yLabelWidth` is the widest y tick label.
 */
export function layout(width: number, height: number, legend: readonly LegendItem[], yLabelWidth: number, opts: { rightPad?: number; title?: boolean; extraTop?: number } = {}): { frame: Frame; legend: string } {
  const x0 = Math.ceil(18 + FONT + 8 + yLabelWidth + 8);
  const x1 = width - (opts.rightPad ?? 16);
  const rows = legendRows(legend, x1 - x0);
  const top = (opts.title === true ? 24 : 8) + rows.length * 18 + 6 + (opts.extraTop ?? 0);
  const frame: Frame = { width, height, x0, x1, y0: top, y1: height - (FONT * 2 + 26) };
  const parts: string[] = [];
  rows.forEach((row, r) => {
    let x = x0;
    const y = (opts.title === true ? 24 : 8) + r * 18 + 9;
    for (const it of row) {
      parts.push(swatch(it.mark, it.color, x, y));
      parts.push(text(x + SWATCH + 2, y + 4, it.label, { 'font-size': SMALL }));
      x += SWATCH + 4 + textWidth(it.label, SMALL) + ITEM_GAP;
    }
  });
  return { frame, legend: el('g', { class: 'legend' }, ...parts) };
}

/** Indices of tick labels to draw so that none overlaps (log axes keep the powers of ten first). */
export function thinLabels(positions: readonly number[], sizes: readonly number[], isDecade: readonly boolean[], gap = 6): number[] {
  const fits = (idx: number[]) => idx.every((i, n) => n === 0 || Math.abs(positions[i] - positions[idx[n - 1]]) >= (sizes[i] + sizes[idx[n - 1]]) / 2 + gap);
  const all = positions.map((_, i) => i);
  const bases = [all];
  if (isDecade.some(Boolean) && !isDecade.every(Boolean)) bases.push(all.filter((i) => isDecade[i]));
  for (const base of bases) {
    for (let stride = 1; stride <= base.length; stride++) {
      const idx = base.filter((_, n) => n % stride === 0);
      if (fits(idx)) return idx;
    }
  }
  return [0];
}

const isDecade = (v: number) => Math.abs(Math.log10(v) - Math.round(Math.log10(v))) < 1e-9;

/** The widest tick label of a y scale, in px. */
export function yLabelWidth(y: Scale): number {
  return Math.max(0, ...y.ticks().map((t) => textWidth(t.label, SMALL)));
}

/** Grid lines, ticks, tick labels and axis titles of a plot. */
export function axes(f: Frame, x: Scale, y: Scale, xTitle: string, yTitle: string): string {
  const parts: string[] = [];
  const xt = x.ticks();
  const yt = y.ticks();
  for (const t of yt) parts.push(el('line', { x1: f.x0, x2: f.x1, y1: y.map(t.value), y2: y.map(t.value), class: 'grid' }));
  for (const t of xt) parts.push(el('line', { x1: x.map(t.value), x2: x.map(t.value), y1: f.y0, y2: f.y1, class: 'grid' }));
  parts.push(el('rect', { x: f.x0, y: f.y0, width: f.x1 - f.x0, height: f.y1 - f.y0, class: 'plot-frame' }));
  const xKeep = thinLabels(xt.map((t) => x.map(t.value)), xt.map((t) => textWidth(t.label, SMALL)), xt.map((t) => x.log && isDecade(t.value)));
  for (const t of xt) parts.push(el('line', { x1: x.map(t.value), x2: x.map(t.value), y1: f.y1, y2: f.y1 + 4, class: 'tick' }));
  for (const i of xKeep) parts.push(text(x.map(xt[i].value), f.y1 + 6 + SMALL, xt[i].label, { 'font-size': SMALL, 'text-anchor': 'middle' }));
  const yKeep = thinLabels(yt.map((t) => y.map(t.value)), yt.map(() => SMALL), yt.map((t) => y.log && isDecade(t.value)), 3);
  for (const t of yt) parts.push(el('line', { x1: f.x0 - 4, x2: f.x0, y1: y.map(t.value), y2: y.map(t.value), class: 'tick' }));
  for (const i of yKeep) parts.push(text(f.x0 - 6, y.map(yt[i].value) + SMALL * 0.35, yt[i].label, { 'font-size': SMALL, 'text-anchor': 'end' }));
  const xLog = x.log ? ' — log scale' : '';
  const yLog = y.log ? ' — log scale' : '';
  parts.push(text((f.x0 + f.x1) / 2, f.height - 8, `${xTitle}${xLog}`, { 'font-size': FONT, 'text-anchor': 'middle', class: 'axis-title' }));
  const yc = (f.y0 + f.y1) / 2;
  const yFull = textWidth(`${yTitle}${yLog}`, FONT) <= f.y1 - f.y0 ? `${yTitle}${yLog}` : `${yTitle}${y.log ? ' (log)' : ''}`;
  parts.push(text(14, yc, fitText(yFull, FONT, f.y1 - f.y0), { 'font-size': FONT, 'text-anchor': 'middle', transform: `rotate(-90 14 ${yc})`, class: 'axis-title' }));
  return el('g', { class: 'axes' }, ...parts);
}

/** The outer <svg> element with an accessible title. */
export function svg(width: number, height: number, title: string, ...body: string[]): string {
  return el('svg', { width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'font-family': 'system-ui, sans-serif' },
    el('title', {}, esc(title)), ...body);
}
