/**
 * Heat maps of per-layer values over epochs (rows = layers, columns = epochs): viridis cells,
 * grey for layers the quantity does not apply to, row labels cut to fit, the final value of each
 * row written at its right end, a column marker (the epoch the search kept), and a colour bar
 * drawn from small rects (no gradient ids, which would clash between charts on one page).
 */

import { FONT, SMALL, svg, thinLabels } from './chart.js';
import { el, esc, fitText, text, textWidth } from './markup.js';
import { textOn, viridis } from './palette.js';

export interface HeatMapSpec {
  title: string;
  width: number;
  rows: readonly string[];
  cols: readonly number[];
  /** values[row][col]; null = not applicable (drawn grey). */
  values: readonly (readonly (number | null)[])[];
  lo: number;
  hi: number;
  format: (v: number) => string;
  /** Text at the right end of each row (e.g. the final 12/32 channels). */
  rightLabels?: readonly string[];
  xTitle: string;
  /** What one column is, for tooltips ('epoch'). */
  colName: string;
  colorTitle: string;
  /** Colour-bar tick values (default lo, middle, hi). */
  colorTicks?: readonly number[];
  /** Column value to mark with a line (e.g. the kept epoch), with its legend text. */
  mark?: { col: number; label: string };
}

const ROW_H = 18;
const NA = '#d9d9d9';

export function heatMap(spec: HeatMapSpec): string {
  const maxLabel = Math.min(200, Math.max(40, ...spec.rows.map((r) => textWidth(r, SMALL))));
  // A fixed minimum keeps the columns of one point's heat maps aligned.
  const rightW = Math.max(84, ...(spec.rightLabels ?? []).map((r) => textWidth(r, SMALL))) + 12;
  const x0 = 10 + maxLabel + 8;
  const x1 = spec.width - rightW;
  // Header: colour bar (rows 6–30), then the kept-epoch label just above the cells.
  const y0 = spec.mark === undefined ? 40 : 56;
  const y1 = y0 + spec.rows.length * ROW_H;
  const height = y1 + 44;
  const n = Math.max(1, spec.cols.length);
  const cw = (x1 - x0) / n;
  const t = (v: number) => (spec.hi === spec.lo ? 1 : (v - spec.lo) / (spec.hi - spec.lo));
  const parts: string[] = [];
  // Colour bar above the cells, right-aligned.
  const barW = 160;
  const bx0 = x1 - barW;
  const steps = 32;
  for (let i = 0; i < steps; i++) parts.push(el('rect', { x: bx0 + (i * barW) / steps, y: 8, width: barW / steps + 0.5, height: 10, fill: viridis(i / (steps - 1)) }));
  parts.push(el('rect', { x: bx0, y: 8, width: barW, height: 10, fill: 'none', stroke: '#888', 'stroke-width': 0.5 }));
  const ticks = spec.colorTicks ?? [spec.lo, (spec.lo + spec.hi) / 2, spec.hi];
  const tx = ticks.map((v) => bx0 + t(v) * barW);
  const keep = thinLabels(tx, ticks.map((v) => textWidth(spec.format(v), SMALL - 1)), ticks.map(() => false), 4);
  for (const i of keep) parts.push(text(tx[i], 30, spec.format(ticks[i]), { 'font-size': SMALL - 1, 'text-anchor': 'middle' }));
  parts.push(text(bx0 - 8, 17, spec.colorTitle, { 'font-size': SMALL, 'text-anchor': 'end' }));
  const naX = bx0 - 8 - textWidth(spec.colorTitle, SMALL) - 56;
  parts.push(el('rect', { x: naX, y: 8, width: 10, height: 10, fill: NA, stroke: '#aaa', 'stroke-width': 0.5 }));
  parts.push(text(naX + 14, 17, 'n/a', { 'font-size': SMALL }));
  // Numbers in the cells only when every one of them fits, so that rows read evenly.
  const cellText = spec.values.every((row) => row.every((v) => v === null || textWidth(spec.format(v), SMALL - 2) + 4 <= cw));
  spec.rows.forEach((row, r) => {
    const y = y0 + r * ROW_H;
    parts.push(el('g', {}, el('title', {}, esc(row)), text(x0 - 6, y + ROW_H / 2 + SMALL * 0.35, fitText(row, SMALL, maxLabel, 'end'), { 'font-size': SMALL, 'text-anchor': 'end' })));
    const vals = spec.cols.map((_, j) => spec.values[r]?.[j] ?? null);
    // One rect per run of equal values keeps long searches' pages small.
    for (let j0 = 0; j0 < vals.length;) {
      let j1 = j0;
      while (j1 + 1 < vals.length && vals[j1 + 1] === vals[j0]) j1++;
      const v = vals[j0];
      const fill = v === null ? NA : viridis(t(v));
      const cols = j1 === j0 ? `${spec.colName} ${spec.cols[j0]}` : `${spec.colName}s ${spec.cols[j0]}–${spec.cols[j1]}`;
      const tip = `${row}, ${cols}: ${v === null ? 'n/a' : spec.format(v)}`;
      parts.push(el('rect', { x: x0 + j0 * cw, y, width: (j1 - j0 + 1) * cw + 0.3, height: ROW_H - 1, fill }, el('title', {}, esc(tip))));
      j0 = j1 + 1;
    }
    vals.forEach((v, j) => {
      if (v !== null && cellText) {
        parts.push(text(x0 + (j + 0.5) * cw, y + ROW_H / 2 + 3.5, spec.format(v), { 'font-size': SMALL - 2, 'text-anchor': 'middle', fill: textOn(t(v)) }));
      }
    });
    const right = spec.rightLabels?.[r];
    if (right !== undefined) parts.push(text(x1 + 6, y + ROW_H / 2 + SMALL * 0.35, right, { 'font-size': SMALL }));
  });
  const cx = spec.cols.map((_, j) => x0 + (j + 0.5) * cw);
  const keepX = thinLabels(cx, spec.cols.map((c) => textWidth(String(c), SMALL)), spec.cols.map(() => false));
  for (const j of keepX) {
    parts.push(el('line', { x1: cx[j], x2: cx[j], y1: y1, y2: y1 + 4, class: 'tick' }));
    parts.push(text(cx[j], y1 + 6 + SMALL, String(spec.cols[j]), { 'font-size': SMALL, 'text-anchor': 'middle' }));
  }
  parts.push(text((x0 + x1) / 2, height - 6, spec.xTitle, { 'font-size': FONT, 'text-anchor': 'middle', class: 'axis-title' }));
  if (spec.mark !== undefined) {
    const jm = spec.cols.indexOf(spec.mark.col);
    if (jm >= 0) {
      const mx = x0 + (jm + 0.5) * cw;
      // An outline around the kept column leaves its cells' numbers readable.
      parts.push(el('rect', { x: x0 + jm * cw - 1, y: y0 - 2, width: cw + 2, height: y1 - y0 + 3, fill: 'none', stroke: '#e8171f', 'stroke-width': 2 }));
      parts.push(el('path', { d: `M${mx - 5} ${y0 - 11}L${mx + 5} ${y0 - 11}L${mx} ${y0 - 3}Z`, fill: '#e8171f' }));
      const lw = textWidth(spec.mark.label, SMALL);
      const left = mx - 9 - lw >= x0;
      parts.push(text(left ? mx - 9 : mx + 9, y0 - 4, spec.mark.label, { 'font-size': SMALL, 'text-anchor': left ? 'end' : 'start', fill: '#b3141a' }));
    }
  }
  return svg(spec.width, height, spec.title, ...parts);
}
