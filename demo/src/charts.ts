/**
 * The demo's charts, drawn as SVG from the live search's state: the masks θ = |α| per channel,
 * the two parts of each mask's gradient (task loss, cost regulariser), and the history of the
 * surviving channels, cost and accuracy. Each chart stamps `data-step` so a test can see it update.
 */

import { el, fmt, reset, scale } from './svg.js';
import { COSTS, MASK_THRESHOLD, type CostName, type MaskGroupView, type StepRecord } from './liveSearch.js';

const W = 620;
const ROW = 92;
const LEFT = 120;
const TOP = 26;
const COLORS = { alive: '#2f6fbf', dead: '#b9c0c8', keep: '#7a4fbf', task: '#2e9d5b', cost: '#d0493b', net: '#222' };

function legend(svg: SVGSVGElement, items: [string, string][], y: number): void {
  let x = LEFT;
  for (const [label, color] of items) {
    svg.append(el('rect', { x, y: y - 9, width: 10, height: 10, fill: color }));
    svg.append(el('text', { x: x + 14, y, class: 'legend' }, label));
    x += 22 + label.length * 6.4;
  }
}

function rowLabel(svg: SVGSVGElement, g: MaskGroupView, y: number): void {
  const alive = g.alive.filter(Boolean).length;
  svg.append(el('text', { x: 6, y: y + 16, class: 'row-title' }, `layer ${g.layers.join(' + ')}`));
  svg.append(el('text', { x: 6, y: y + 32, class: 'row-sub' }, `${alive} / ${g.alive.length} alive`));
}

/** θ = |α| per output channel, the pruning threshold, dead channels grey. */
export function drawMasks(svg: SVGSVGElement, groups: MaskGroupView[], step: number): void {
  const h = TOP + groups.length * ROW + 24;
  reset(svg, W, h);
  legend(svg, [['alive channel', COLORS.alive], [`dead (θ < ${MASK_THRESHOLD})`, COLORS.dead], ['kept by rule', COLORS.keep]], 14);
  groups.forEach((g, gi) => {
    const y0 = TOP + gi * ROW;
    const plotH = ROW - 30;
    const top = Math.max(1.5, ...g.alpha.map(Math.abs));
    const y = scale(0, top, y0 + 8 + plotH, y0 + 8);
    const bw = (W - LEFT - 10) / g.alpha.length;
    rowLabel(svg, g, y0);
    svg.append(el('line', { x1: LEFT, x2: W - 10, y1: y(0), y2: y(0), class: 'axis' }));
    g.alpha.forEach((a, c) => {
      const theta = c === g.keepIndex ? 1 : Math.abs(a);
      const color = c === g.keepIndex ? COLORS.keep : g.alive[c] ? COLORS.alive : COLORS.dead;
      svg.append(el('rect', { x: LEFT + c * bw + 0.5, y: y(theta), width: Math.max(bw - 1, 0.5), height: y(0) - y(theta), fill: color }));
    });
    svg.append(el('line', { x1: LEFT, x2: W - 10, y1: y(MASK_THRESHOLD), y2: y(MASK_THRESHOLD), class: 'threshold' }));
    svg.append(el('text', { x: LEFT - 4, y: y(MASK_THRESHOLD) + 4, class: 'tick', 'text-anchor': 'end' }, `θ = ${MASK_THRESHOLD}`));
    svg.append(el('text', { x: LEFT - 4, y: y(top) + 8, class: 'tick', 'text-anchor': 'end' }, fmt(top)));
  });
  svg.append(el('text', { x: (LEFT + W) / 2, y: h - 6, class: 'axis-label', 'text-anchor': 'middle' }, 'output channel → (bar height: mask θ = |α|)'));
  svg.dataset.step = String(step);
}

/**
 * The push each part gives θ = |α| in gradient descent (−∂/∂θ): task part up or down, cost part always
 * down; the black tick is their sum, the direction α actually moves.
 */
export function drawGradients(svg: SVGSVGElement, groups: MaskGroupView[], step: number): void {
  const h = TOP + groups.length * ROW + 24;
  reset(svg, W, h);
  legend(svg, [['task-loss push', COLORS.task], ['cost push', COLORS.cost], ['sum (net move)', COLORS.net]], 14);
  groups.forEach((g, gi) => {
    const y0 = TOP + gi * ROW;
    const plotH = ROW - 30;
    const task = g.taskGrad.map((v) => -v);
    const cost = g.costGrad.map((v) => -v);
    const m = Math.max(1e-12, ...task.map(Math.abs), ...cost.map(Math.abs), ...task.map((t, i) => Math.abs(t + cost[i])));
    const y = scale(-m, m, y0 + 8 + plotH, y0 + 8);
    const bw = (W - LEFT - 10) / g.alpha.length;
    rowLabel(svg, g, y0);
    g.alpha.forEach((_, c) => {
      const x = LEFT + c * bw;
      const half = Math.max(bw / 2 - 0.5, 0.5);
      const bar = (v: number, dx: number, color: string) =>
        svg.append(el('rect', { x: x + dx, y: Math.min(y(v), y(0)), width: half, height: Math.abs(y(v) - y(0)), fill: color, opacity: g.alive[c] ? 1 : 0.45 }));
      bar(task[c], 0, COLORS.task);
      bar(cost[c], half, COLORS.cost);
      svg.append(el('line', { x1: x, x2: x + bw - 1, y1: y(task[c] + cost[c]), y2: y(task[c] + cost[c]), stroke: COLORS.net, 'stroke-width': 1.5 }));
    });
    svg.append(el('line', { x1: LEFT, x2: W - 10, y1: y(0), y2: y(0), class: 'axis' }));
    svg.append(el('text', { x: LEFT - 4, y: y(m) + 8, class: 'tick', 'text-anchor': 'end' }, `+${fmt(m)}`));
    svg.append(el('text', { x: LEFT - 4, y: y(-m), class: 'tick', 'text-anchor': 'end' }, `−${fmt(m)}`));
  });
  svg.append(el('text', { x: (LEFT + W) / 2, y: h - 6, class: 'axis-label', 'text-anchor': 'middle' }, 'output channel → (bars: −∂/∂θ per term, smoothed; down = towards pruning)'));
  svg.dataset.step = String(step);
}

/** Surviving channels and cost (% of the seed) and the validation-batch accuracy, per step. */
export function drawHistory(svg: SVGSVGElement, history: StepRecord[], seedCost: number, cost: CostName, warmup: number): void {
  const H = 230;
  const left = 48;
  const right = W - 48;
  reset(svg, W, H);
  legend(svg, [['alive channels', COLORS.alive], [COSTS[cost].label, COLORS.cost], ['val accuracy (smoothed)', COLORS.task]], 14);
  const n = Math.max(history.length, 2);
  const x = scale(1, n, left, right);
  const y = scale(0, 100, H - 36, 28);
  svg.append(el('text', { x: 4, y: 14, class: 'tick' }, '% of seed'));
  for (const v of [0, 25, 50, 75, 100]) {
    svg.append(el('line', { x1: left, x2: right, y1: y(v), y2: y(v), class: v === 0 ? 'axis' : 'grid' }));
    svg.append(el('text', { x: left - 6, y: y(v) + 4, class: 'tick', 'text-anchor': 'end' }, `${v}%`));
  }
  if (warmup > 0 && warmup < n) {
    svg.append(el('line', { x1: x(warmup), x2: x(warmup), y1: y(0), y2: y(100), class: 'threshold' }));
    svg.append(el('text', { x: x(warmup) + 4, y: y(100) + 10, class: 'tick' }, 'search starts'));
  }
  const line = (vals: number[], color: string) => {
    if (vals.length === 0) return;
    const d = vals.map((v, i) => `${i === 0 ? 'M' : 'L'}${x(i + 1).toFixed(1)},${y(v).toFixed(1)}`).join('');
    svg.append(el('path', { d, fill: 'none', stroke: color, 'stroke-width': 2 }));
  };
  let ema = 0;
  line(history.map((r) => (100 * r.alive) / r.channels), COLORS.alive);
  line(history.map((r) => (100 * r.costs[cost]) / seedCost), COLORS.cost);
  line(history.map((r, i) => (ema = i === 0 ? r.valAccuracy : 0.9 * ema + 0.1 * r.valAccuracy) * 100), COLORS.task);
  svg.append(el('text', { x: (left + right) / 2, y: H - 8, class: 'axis-label', 'text-anchor': 'middle' }, `search step (1 step = 1 weight batch + 1 mask batch), ${history.length} so far`));
  svg.dataset.step = String(history.length);
}
