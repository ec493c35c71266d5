/**
 * The demo page: wires the controls to a LiveSearch, runs steps in short slices between frames
 * so the page stays responsive, and redraws the charts and the architecture table.
 *
 * URL parameters preset the controls (lambda, cost, maskLr, warmup, backend) and `stopAt=N`
 * pauses after N steps; `autorun=1` starts at once. The test drives the page through the controls.
 */

import * as subset from 'virtual:mnist-subset';
import { kernelStats, type LayerSummary } from '../../src/browser.js';
import { useBrowserBackend, type BrowserBackendPreference } from '../../src/platform/browserBackend.js';
import { subsetSplits } from './digits.js';
import { COSTS, DEFAULT_OPTIONS, LiveSearch, type CostName, type LiveOptions } from './liveSearch.js';
import { drawGradients, drawHistory, drawMasks } from './charts.js';
import { fmt } from './svg.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const ui = {
  lambda: $<HTMLInputElement>('lambda'), lambdaRange: $<HTMLInputElement>('lambda-range'), cost: $<HTMLSelectElement>('cost'),
  maskLr: $<HTMLInputElement>('mask-lr'), warmup: $<HTMLInputElement>('warmup'), backend: $<HTMLSelectElement>('backend'),
  run: $<HTMLButtonElement>('run'), step: $<HTMLButtonElement>('step'), reset: $<HTMLButtonElement>('reset'),
  status: $('status'), backendInfo: $('backend-info'), arch: $<HTMLTableElement>('arch'),
  masks: document.getElementById('masks-chart') as unknown as SVGSVGElement,
  grads: document.getElementById('grads-chart') as unknown as SVGSVGElement,
  history: document.getElementById('history-chart') as unknown as SVGSVGElement,
};

const params = new URLSearchParams(location.search);
for (const [key, input] of [['lambda', ui.lambda], ['cost', ui.cost], ['maskLr', ui.maskLr], ['warmup', ui.warmup], ['backend', ui.backend]] as const) {
  const v = params.get(key);
  if (v !== null) input.value = v;
}
ui.lambdaRange.value = String(Math.log10(Math.max(Number(ui.lambda.value), 1e-3)));
const stopAt = Number(params.get('stopAt') ?? 0);

const { train, val } = subsetSplits(subset);
$('data-source').textContent = `Data: ${train.length} training + ${val.length} validation digits, ${subset.source}, cut at build time; rows as 28 time steps × 28 channels.`;

let live: LiveSearch;
let running = false;
let backendLine = '';
let lastStepMs = 0;

function number(input: HTMLInputElement, fallback: number): number {
  const v = Number(input.value);
  return Number.isFinite(v) && v >= 0 ? v : fallback;
}

function options(): LiveOptions {
  return {
    ...DEFAULT_OPTIONS, lambda: number(ui.lambda, DEFAULT_OPTIONS.lambda), cost: ui.cost.value as CostName,
    maskLr: number(ui.maskLr, DEFAULT_OPTIONS.maskLr), warmupSteps: Math.round(number(ui.warmup, DEFAULT_OPTIONS.warmupSteps)),
  };
}

function archTable(rows: LayerSummary[]): void {
  const seed = live.seedCosts;
  const now = live.history[live.history.length - 1]?.costs ?? seed;
  const latency = (c: 'latency@gap8' | 'latency@stm32h7') =>
    `${COSTS[c].label.replace('latency on ', '')} ${now[c].toFixed(3)} ms (seed ${seed[c].toFixed(3)} ms)`;
  const total = rows.reduce((a, r) => ({ params: a.params + r.params, macs: a.macs + r.macs }), { params: 0, macs: 0 });
  const body = rows.map((r) => `<tr><td>${r.name}</td><td>${r.kind}</td><td>${r.coutAlive} / ${r.cout}</td><td>${r.cinAlive} / ${r.cin}</td>` +
    `<td>${r.kAlive}</td><td>${fmt(r.params)}</td><td>${fmt(r.macs)}</td></tr>`).join('');
  ui.arch.innerHTML = `<thead><tr><th>layer</th><th>kind</th><th>out channels</th><th>in channels</th><th>kernel</th><th>params</th><th>MACs</th></tr></thead>` +
    `<tbody>${body}</tbody><tfoot><tr><td colspan="5">total (${(100 * total.params / seed.params).toFixed(1)} % of the seed's params, ` +
    `${(100 * total.macs / seed.macs).toFixed(1)} % of its MACs)</td><td>${fmt(total.params)}</td><td>${fmt(total.macs)}</td></tr>` +
    `<tr><td colspan="7">predicted latency per inference: ${latency('latency@gap8')}, ${latency('latency@stm32h7')}</td></tr></tfoot>`;
}

function render(): void {
  const groups = live.masks();
  const h = live.history;
  const last = h[h.length - 1];
  drawMasks(ui.masks, groups, live.steps);
  drawGradients(ui.grads, groups, live.steps);
  drawHistory(ui.history, h, live.seedCosts[live.opts.cost], live.opts.cost, live.opts.warmupSteps);
  archTable(live.architecture());
  const alive = groups.reduce((a, g) => a + g.alive.filter(Boolean).length, 0);
  const total = groups.reduce((a, g) => a + g.alive.length, 0);
  ui.status.innerHTML = `step <span id="step-count">${live.steps}</span> (${last?.phase ?? 'not started'}) · alive channels ` +
    `<span id="alive-count">${alive}</span> / ${total} · train loss ${last ? last.trainLoss.toFixed(3) : '–'} · ` +
    `val-batch loss ${last ? last.valLoss.toFixed(3) : '–'} · ${lastStepMs.toFixed(0)} ms / step`;
  ui.backendInfo.textContent = backendLine;
}

function describeStats(): string {
  const s = kernelStats();
  const n = [...Object.values(s.fallbacks), ...Object.values(s.fallbackReasons)].reduce((a, b) => a + b, 0);
  return n > 0 ? ` · ${n} kernel calls served by js (ops the backend does not implement, or too small to pay off)` : '';
}

async function restart(): Promise<void> {
  running = false;
  ui.run.textContent = 'Run';
  const choice = await useBrowserBackend(ui.backend.value as BrowserBackendPreference);
  const mode = choice.gpujsMode !== undefined ? ` (gpu.js mode ${choice.gpujsMode})` : '';
  const refused = choice.refused.map((r) => `${r.option}: ${r.reason}`).join('; ');
  backendLine = `backend: ${choice.backend}${mode}, 1 thread${refused ? ` · not used — ${refused}` : ''} · WebGPU: ${choice.webgpu}`;
  document.body.dataset.backend = choice.backend + (choice.gpujsMode ? `/${choice.gpujsMode}` : '');
  live = new LiveSearch(train, val, options());
  render();
  document.body.dataset.ready = '1';
}

function loop(): void {
  if (!running) return;
  const t0 = performance.now();
  let n = 0;
  // Step for about 60 ms, then let the browser paint.
  do {
    live.step();
    n++;
  } while (performance.now() - t0 < 60 && !(stopAt > 0 && live.steps >= stopAt));
  lastStepMs = (performance.now() - t0) / n;
  backendLine = backendLine.replace(/ · \d+ kernel calls served by js .*$/, '') + describeStats();
  render();
  if (stopAt > 0 && live.steps >= stopAt) {
    running = false;
    ui.run.textContent = 'Run';
    document.body.dataset.stopped = String(live.steps);
    return;
  }
  setTimeout(loop, 0);
}

ui.run.addEventListener('click', () => {
  running = !running;
  ui.run.textContent = running ? 'Pause' : 'Run';
  if (running) loop();
});
ui.step.addEventListener('click', () => {
  const t0 = performance.now();
  live.step();
  lastStepMs = performance.now() - t0;
  render();
});
ui.reset.addEventListener('click', () => void restart());
ui.backend.addEventListener('change', () => void restart());
ui.warmup.addEventListener('change', () => void restart());
const onLambda = (v: number) => live.update({ lambda: v });
ui.lambda.addEventListener('input', () => {
  const v = number(ui.lambda, live.opts.lambda);
  ui.lambdaRange.value = String(Math.log10(Math.max(v, 1e-3)));
  onLambda(v);
});
ui.lambdaRange.addEventListener('input', () => {
  const v = Number((10 ** Number(ui.lambdaRange.value)).toPrecision(2));
  ui.lambda.value = String(v);
  onLambda(v);
});
ui.cost.addEventListener('change', () => {
  live.update({ cost: ui.cost.value as CostName });
  render();
});
ui.maskLr.addEventListener('input', () => live.update({ maskLr: number(ui.maskLr, live.opts.maskLr) }));

void restart().then(() => {
  if (params.get('autorun') === '1') ui.run.click();
});
