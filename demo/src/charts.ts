/**
 * The demo's charts, drawn as SVG from the live search's state: the masks θ = |α| per channel,
 * the two parts of each mask's gradient (task loss, cost regulariser), and the history of the
 * surviving channels, cost and accuracy. Each chart stamps `data-step` so a test can see it update.
 *
 * Every chart is drawn at the width of its container (clamped to [MIN_W, MAX_W]) in user units
 * equal to CSS pixels, so text stays at its CSS size from a phone to a desktop; below COMPACT_W
 * the row titles move above the plots instead of taking a left column.
 */

import { el, reset, scale } from './svg.js';
import { COSTS, MASK_THRESHOLD, type CostName, type MaskGroupView, type StepRecord } from './liveSearch.js';

const MIN_W = 280;
const MAX_W = 640;
const COMPACT_W = 520;
/**
 * Top of the mask rows' shared y-scale. Masks start at 1 and the decision is at 0.5, so 0..2 keeps
 * both in the lower half at the same height in every row; the few θ that grow past 2 are cut, with
 * a mark, rather than rescaling the row (which would move the θ = 0.5 line).
 */
const THETA_MAX = 2;
const COLORS = { alive: '#2f6fbf', dead: '#b9c0c8', keep: '#7a4fbf', task: '#2e9d5b', cost: '#d0493b', net: '#222', acc: '#2e9d5b' };

/** Width to draw at: the container's, so one user unit is one CSS pixel. */
function chartWidth(svg: SVGSVGElement): number {
  const w = svg.parentElement?.clientWidth ?? MAX_W;
  return Math.round(Math.min(Math.max(w || MAX_W, MIN_W), MAX_W));
}

/** Row geometry shared by the two per-layer charts. */
interface Rows {
  W: number;
  compact: boolean;
  /** x of the plot's left edge (wide: after the row titles; compact: after the tick labels). */
  left: number;
  right: number;
  /** Height of one row and the plot's top / height inside it. */
  row: number;
  plotTop: number;
  plotH: number;
}

function rows(W: number): Rows {
  const compact = W < COMPACT_W;
  return compact
    ? { W, compact, left: 40, right: W - 6, row: 92, plotTop: 20, plotH: 62 }
    : { W, compact, left: 120, right: W - 10, row: 100, plotTop: 10, plotH: 70 };
}

type LegendItem = [label: string, color: string];

/** Legend items left to right, wrapping onto a new line when the next would not fit. */
function legendLayout(items: LegendItem[], x0: number, W: number): { x: number; line: number; label: string; color: string }[] {
  let x = x0;
  let line = 0;
  return items.map(([label, color]) => {
    const w = 14 + label.length * 6.3;
    if (x > x0 && x + w > W - 4) {
      x = x0;
      line++;
    }
    const at = { x, line, label, color };
    x += w + 12;
    return at;
  });
}

/** Draws the legend laid out by legendLayout, its first line at y = 14. */
function legend(svg: SVGSVGElement, layout: ReturnType<typeof legendLayout>): void {
  for (const { x, line, label, color } of layout) {
    const y = 14 + 16 * line;
    svg.append(el('rect', { x, y: y - 9, width: 10, height: 10, fill: color }));
    svg.append(el('text', { x: x + 14, y, class: 'legend' }, label));
  }
}

function legendHeight(layout: ReturnType<typeof legendLayout>): number {
  return 16 * (Math.max(0, ...layout.map((l) => l.line)) + 1) + 6;
}

function rowLabel(svg: SVGSVGElement, r: Rows, g: MaskGroupView, y0: number): void {
  const alive = g.alive.filter(Boolean).length;
  if (r.compact) {
    svg.append(el('text', { x: 4, y: y0 + 13, class: 'row-title' }, `layer ${g.layers.join(' + ')}`));
    svg.append(el('text', { x: r.right, y: y0 + 13, class: 'row-sub', 'text-anchor': 'end' }, `${alive} / ${g.alive.length} alive`));
  } else {
    svg.append(el('text', { x: 6, y: y0 + 16, class: 'row-title' }, `layer ${g.layers.join(' + ')}`));
    svg.append(el('text', { x: 6, y: y0 + 32, class: 'row-sub' }, `${alive} / ${g.alive.length} alive`));
  }
}

function tick(svg: SVGSVGElement, x: number, y: number, text: string): void {
  svg.append(el('text', { x, y, class: 'tick', 'text-anchor': 'end' }, text));
}

/** A short readable number for a tick: 0.05, 0.0002, 3e-7 (never a string of zeros). */
function tickText(v: number): string {
  return String(Number(v.toPrecision(2)));
}

/** The smallest of 1, 2, 5 × 10^k that is ≥ v (v > 0). */
function niceCeil(v: number): number {
  const e = 10 ** Math.floor(Math.log10(v));
  const f = v / e;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * e;
}

/** A small triangle at y marking a bar cut at the edge of its scale, pointing up (dir −1) or down (+1). */
function cutMark(svg: SVGSVGElement, x: number, w: number, y: number, dir: 1 | -1): void {
  svg.append(el('path', { d: `M${x},${y + dir}l${w / 2},${5 * dir}l${w / 2},${-5 * dir}z`, fill: COLORS.net }));
}

/** θ = |α| per output channel on one y-scale for every row, the pruning threshold, dead channels grey. */
export function drawMasks(svg: SVGSVGElement, groups: MaskGroupView[], step: number): void {
  const r = rows(chartWidth(svg));
  const leg = legendLayout([['alive channel', COLORS.alive], [`dead (θ < ${MASK_THRESHOLD})`, COLORS.dead], ['kept by rule', COLORS.keep]], r.compact ? 4 : r.left, r.W);
  const top = legendHeight(leg);
  const h = top + groups.length * r.row + 22;
  reset(svg, r.W, h);
  legend(svg, leg);
  groups.forEach((g, gi) => {
    const y0 = top + gi * r.row;
    const base = y0 + r.plotTop + r.plotH;
    const y = scale(0, THETA_MAX, base, y0 + r.plotTop);
    const bw = (r.right - r.left) / g.alpha.length;
    rowLabel(svg, r, g, y0);
    svg.append(el('line', { x1: r.left, x2: r.right, y1: y(1), y2: y(1), class: 'grid' }));
    g.alpha.forEach((a, c) => {
      const theta = c === g.keepIndex ? 1 : Math.abs(a);
      const state = c === g.keepIndex ? 'kept by rule' : g.alive[c] ? 'alive' : 'dead';
      const color = c === g.keepIndex ? COLORS.keep : g.alive[c] ? COLORS.alive : COLORS.dead;
      // A stub of 1.5 px keeps a channel at θ ≈ 0 visible as a slot in the row.
      const shown = Math.max(Math.min(theta, THETA_MAX), 1.5 / (y(0) - y(1)));
      const bar = el('rect', { x: r.left + c * bw + 0.5, y: y(shown), width: Math.max(bw - 1, 0.5), height: base - y(shown), fill: color });
      bar.append(el('title', {}, `channel ${c}: θ = ${theta.toFixed(3)} (${state})`));
      svg.append(bar);
      if (theta > THETA_MAX) cutMark(svg, r.left + c * bw + 0.5, Math.max(bw - 1, 2), y(THETA_MAX), -1);
    });
    svg.append(el('line', { x1: r.left, x2: r.right, y1: base, y2: base, class: 'axis' }));
    svg.append(el('line', { x1: r.left, x2: r.right, y1: y(MASK_THRESHOLD), y2: y(MASK_THRESHOLD), class: 'threshold' }));
    tick(svg, r.left - 4, y(MASK_THRESHOLD) + 4, r.compact ? String(MASK_THRESHOLD) : `θ = ${MASK_THRESHOLD}`);
    tick(svg, r.left - 4, y(1) + 4, '1');
    tick(svg, r.left - 4, y(THETA_MAX) + 8, String(THETA_MAX));
  });
  svg.append(el('text', { x: (r.left + r.right) / 2, y: h - 6, class: 'axis-label', 'text-anchor': 'middle' },
    r.compact ? 'channel → (bar: θ = |α|; ▲ = above 2)' : 'output channel → (bar height: mask θ = |α|; ▲ = above 2, cut)'));
  svg.dataset.step = String(step);
}

/**
 * The push each part gives θ = |α| in gradient descent (−∂/∂θ): task part up or down, cost part always
 * down; the black tick is their sum, the direction α actually moves. Each row has its own symmetric
 * range, rounded up to 1, 2 or 5 × 10^k, since the layers' pushes differ by orders of magnitude.
 * The range covers the cost push and 90 % of the task pushes, not the largest: a few channels
 * (often dead ones the task wants back) get pushes ten times the median, and scaling to them would
 * flatten every other bar, the cost push first; those few are cut with a mark. Before the first
 * step there is no gradient and the rows say so instead of drawing an axis.
 */
export function drawGradients(svg: SVGSVGElement, groups: MaskGroupView[], step: number): void {
  const r = rows(chartWidth(svg));
  const leg = legendLayout([['task-loss push', COLORS.task], ['cost push', COLORS.cost], ['sum (net move)', COLORS.net]], r.compact ? 4 : r.left, r.W);
  const top = legendHeight(leg);
  const h = top + groups.length * r.row + 22;
  reset(svg, r.W, h);
  legend(svg, leg);
  groups.forEach((g, gi) => {
    const y0 = top + gi * r.row;
    rowLabel(svg, r, g, y0);
    const task = g.taskGrad.map((v) => -v);
    const cost = g.costGrad.map((v) => -v);
    const net = task.map((t, i) => t + cost[i]);
    const mags = [...task, ...net].map(Math.abs).sort((a, b) => a - b);
    const peak = Math.max(mags[Math.floor(0.9 * (mags.length - 1))] ?? 0, ...cost.map(Math.abs));
    if (!(peak > 0)) {
      svg.append(el('text', { x: (r.left + r.right) / 2, y: y0 + r.plotTop + r.plotH / 2 + 4, class: 'empty', 'text-anchor': 'middle' },
        'no gradient yet: press Step or Run'));
      return;
    }
    const m = niceCeil(peak);
    const y = scale(-m, m, y0 + r.plotTop + r.plotH, y0 + r.plotTop);
    const clip = (v: number) => Math.max(-m, Math.min(m, v));
    const bw = (r.right - r.left) / g.alpha.length;
    g.alpha.forEach((_, c) => {
      const x = r.left + c * bw;
      const half = Math.max(bw / 2 - 0.5, 0.5);
      const bar = (v: number, dx: number, color: string) => {
        svg.append(el('rect', { x: x + dx, y: Math.min(y(clip(v)), y(0)), width: half, height: Math.abs(y(clip(v)) - y(0)), fill: color, opacity: g.alive[c] ? 1 : 0.45 }));
        if (Math.abs(v) > m) cutMark(svg, x + dx, Math.max(half, 2), y(clip(v)), v > 0 ? -1 : 1);
      };
      bar(task[c], 0, COLORS.task);
      bar(cost[c], half, COLORS.cost);
      svg.append(el('line', { x1: x, x2: x + Math.max(bw - 1, 1), y1: y(clip(net[c])), y2: y(clip(net[c])), stroke: COLORS.net, 'stroke-width': 1.5 }));
    });
    svg.append(el('line', { x1: r.left, x2: r.right, y1: y(0), y2: y(0), class: 'axis' }));
    tick(svg, r.left - 4, y(m) + 8, `+${tickText(m)}`);
    tick(svg, r.left - 4, y(0) + 4, '0');
    tick(svg, r.left - 4, y(-m), `−${tickText(m)}`);
  });
  svg.append(el('text', { x: (r.left + r.right) / 2, y: h - 6, class: 'axis-label', 'text-anchor': 'middle' },
    r.compact ? 'channel → (−∂/∂θ per term; down = prune; ▲▼ cut)' : 'output channel → (bars: −∂/∂θ per term, smoothed; down = towards pruning; ▲▼ = cut)'));
  svg.dataset.step = String(step);
}

export interface HistoryView {
  history: StepRecord[];
  seedCost: number;
  cost: CostName;
  warmup: number;
  /** Steps the x-axis spans (the run's step budget, or more once the run has gone past it). */
  span: number;
  /** Step at which the alive count first fell below the seed's, if it has. */
  firstPruned?: number;
}

/**
 * Two panels on one step axis: above, the surviving channels and the chosen cost as % of the seed;
 * below, on its own 0–100 % axis, the validation-batch accuracy. The cost line is drawn first,
 * wide and pale, and the alive line over it, so both stay visible where they coincide (during the
 * warm-up both are 100 %).
 */
export function drawHistory(svg: SVGSVGElement, v: HistoryView): void {
  const W = chartWidth(svg);
  const compact = W < COMPACT_W;
  const left = 42;
  const right = W - 12;
  const leg = legendLayout([['alive channels', COLORS.alive], [COSTS[v.cost].label, COLORS.cost], ['val accuracy (smoothed)', COLORS.acc]], compact ? 4 : left, W);
  const lt = legendHeight(leg);
  const topA = lt + 16;
  const botA = topA + (compact ? 120 : 140);
  const topB = botA + 26;
  const botB = topB + 64;
  const H = botB + 42;
  reset(svg, W, H);
  legend(svg, leg);
  const h = v.history;
  const span = Math.max(v.span, h.length, 2);
  const x = scale(0, span, left, right);
  const ya = scale(0, 100, botA, topA);
  const yb = scale(0, 100, botB, topB);

  svg.append(el('text', { x: 4, y: topA - 6, class: 'panel-title' }, 'alive channels and cost, % of the seed'));
  for (const p of [0, 25, 50, 75, 100]) {
    svg.append(el('line', { x1: left, x2: right, y1: ya(p), y2: ya(p), class: p === 0 ? 'axis' : 'grid' }));
    tick(svg, left - 5, ya(p) + 4, `${p}%`);
  }
  svg.append(el('text', { x: 4, y: topB - 6, class: 'panel-title' }, 'validation-batch accuracy, %'));
  for (const p of [0, 50, 100]) {
    svg.append(el('line', { x1: left, x2: right, y1: yb(p), y2: yb(p), class: p === 0 ? 'axis' : 'grid' }));
    tick(svg, left - 5, yb(p) + 4, `${p}%`);
  }
  const stepTick = niceCeil(span / (compact ? 4 : 6));
  for (let s = 0; s <= span; s += stepTick) {
    svg.append(el('line', { x1: x(s), x2: x(s), y1: botB, y2: botB + 4, class: 'axis' }));
    svg.append(el('text', { x: x(s), y: botB + 15, class: 'tick', 'text-anchor': 'middle' }, String(s)));
  }
  if (v.warmup > 0 && v.warmup < span) {
    for (const [y1, y2] of [[ya(0), ya(100)], [yb(0), yb(100)]]) svg.append(el('line', { x1: x(v.warmup), x2: x(v.warmup), y1, y2, class: 'threshold' }));
    // At the foot of the accuracy panel: the accuracy line starts near 40 % and climbs, so that corner stays free.
    svg.append(el('text', { x: x(v.warmup) + 4, y: yb(0) - 5, class: 'tick' }, 'search starts'));
  }
  if (v.firstPruned !== undefined) {
    svg.append(el('line', { x1: x(v.firstPruned), x2: x(v.firstPruned), y1: ya(0), y2: ya(100), class: 'first-pruned' }));
    svg.append(el('text', { x: x(v.firstPruned) + 4, y: ya(0) - 5, class: 'tick' }, `first channel dies (step ${v.firstPruned})`));
  }
  const line = (vals: number[], y: (p: number) => number, attrs: Record<string, string | number>) => {
    if (vals.length === 0) return;
    const d = vals.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(i + 1).toFixed(1)},${y(p).toFixed(1)}`).join('');
    svg.append(el('path', { d, fill: 'none', 'stroke-linejoin': 'round', ...attrs }));
  };
  let ema = 0;
  line(h.map((rec) => (100 * rec.costs[v.cost]) / v.seedCost), ya, { stroke: COLORS.cost, 'stroke-width': 5, 'stroke-opacity': 0.45, class: 'cost-line' });
  line(h.map((rec) => (100 * rec.alive) / rec.channels), ya, { stroke: COLORS.alive, 'stroke-width': 2, class: 'alive-line' });
  line(h.map((rec, i) => (ema = i === 0 ? rec.valAccuracy : 0.9 * ema + 0.1 * rec.valAccuracy) * 100), yb, { stroke: COLORS.acc, 'stroke-width': 2, class: 'acc-line' });
  svg.append(el('text', { x: (left + right) / 2, y: H - 8, class: 'axis-label', 'text-anchor': 'middle' },
    compact ? `search step, ${h.length} so far` : `search step (1 step = 1 weight batch + 1 mask batch), ${h.length} so far`));
  svg.dataset.step = String(h.length);
}
