/**
 * The demo page: wires the controls to a LiveSearch, runs steps in short slices between frames
 * so the page stays responsive, and redraws the charts and the architecture table.
 *
 * URL parameters preset the controls (lambda, cost, maskLr, warmup, backend, steps = the step
 * budget, alias stopAt; speed = steps per second, 0 for as fast as the machine goes); `autorun=1`
 * starts at once. The body stamps `data-first-pruned` (the step at which the alive count first fell)
 * and `data-stopped` (the step a run stopped at its budget). The test drives the page through these.
 */

import * as subset from 'virtual:mnist-subset';
import { kernelStats, type LayerSummary } from '../../src/browser.js';
import { useBrowserBackend, type BrowserBackendPreference } from '../../src/platform/browserBackend.js';
import { subsetSplits } from './digits.js';
import { COSTS, DEFAULT_OPTIONS, LiveSearch, type CostName, type LiveOptions } from './liveSearch.js';
import { drawGradients, drawHistory, drawMasks } from './charts.js';

/**
 * The run's own defaults. Pace: on the wasm backend a step takes about 15 ms, so unpaced the whole
 * search would flash past in 3 s; at 10 steps a second the warm-up takes 1 s, the first channel dies
 * after about 2.5 s and one can watch the masks fall. A machine slower than that simply runs unpaced.
 * Budget: after 200 steps (16 passes over the 400 training digits) the weights have fitted the
 * training digits and the masks mostly drift on batch noise, so the run pauses there with a network
 * at about 10 % of the seed's parameters; Run continues past it.
 */
const DEFAULT_RUN = { steps: 200, stepsPerSecond: 10 };
import { fmt } from './svg.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const ui = {
  lambda: $<HTMLInputElement>('lambda'), lambdaRange: $<HTMLInputElement>('lambda-range'), cost: $<HTMLSelectElement>('cost'),
  maskLr: $<HTMLInputElement>('mask-lr'), warmup: $<HTMLInputElement>('warmup'), backend: $<HTMLSelectElement>('backend'),
  steps: $<HTMLInputElement>('steps'), speed: $<HTMLSelectElement>('speed'),
  run: $<HTMLButtonElement>('run'), step: $<HTMLButtonElement>('step'), reset: $<HTMLButtonElement>('reset'),
  status: $('status'), backendInfo: $('backend-info'), arch: $<HTMLTableElement>('arch'),
  masks: document.getElementById('masks-chart') as unknown as SVGSVGElement,
  grads: document.getElementById('grads-chart') as unknown as SVGSVGElement,
  history: document.getElementById('history-chart') as unknown as SVGSVGElement,
};

// The controls start at DEFAULT_OPTIONS / DEFAULT_RUN (one source of truth), then the URL's presets.
ui.lambda.value = String(DEFAULT_OPTIONS.lambda);
ui.cost.value = DEFAULT_OPTIONS.cost;
ui.maskLr.value = String(DEFAULT_OPTIONS.maskLr);
ui.warmup.value = String(DEFAULT_OPTIONS.warmupSteps);
ui.steps.value = String(DEFAULT_RUN.steps);
ui.speed.value = String(DEFAULT_RUN.stepsPerSecond);
const params = new URLSearchParams(location.search);
if (params.has('stopAt') && !params.has('steps')) params.set('steps', params.get('stopAt') ?? '');
for (const [key, input] of [['lambda', ui.lambda], ['cost', ui.cost], ['maskLr', ui.maskLr], ['warmup', ui.warmup], ['backend', ui.backend],
  ['steps', ui.steps], ['speed', ui.speed]] as const) {
  const v = params.get(key);
  if (v !== null) input.value = v;
}
ui.lambdaRange.value = String(Math.log10(Math.max(Number(ui.lambda.value), 1e-3)));

const { train, val } = subsetSplits(subset);
$('data-source').textContent = `Data: ${train.length} training + ${val.length} validation digits, ${subset.source}, cut at build time; rows as 28 time steps × 28 channels.`;

let live: LiveSearch;
let running = false;
/** The step a run stops at: the budget, or none once a run has been continued past it. */
let stopAt = Infinity;
let backendLine = '';
let lastStepMs = 0;
let firstPruned: number | undefined;

function number(input: { value: string }, fallback: number): number {
  // An empty field (or a select without the URL's value) means "not set", not 0.
  const v = input.value.trim() === '' ? NaN : Number(input.value);
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
  // The layer's kind shares the name's cell: six columns fit a phone's width.
  const body = rows.map((r) => `<tr><td>${r.name} <span class="kind">${r.kind}</span></td><td>${r.coutAlive} / ${r.cout}</td><td>${r.cinAlive} / ${r.cin}</td>` +
    `<td>${r.kAlive}</td><td>${fmt(r.params)}</td><td>${fmt(r.macs)}</td></tr>`).join('');
  ui.arch.innerHTML = `<thead><tr><th>layer</th><th>out channels</th><th>in channels</th><th>kernel</th><th>params</th><th>MACs</th></tr></thead>` +
    `<tbody>${body}</tbody><tfoot><tr><td colspan="4">total (${(100 * total.params / seed.params).toFixed(1)} % of the seed's params, ` +
    `${(100 * total.macs / seed.macs).toFixed(1)} % of its MACs)</td><td>${fmt(total.params)}</td><td>${fmt(total.macs)}</td></tr>` +
    `<tr><td colspan="6">predicted latency per inference: ${latency('latency@gap8')}, ${latency('latency@stm32h7')}</td></tr></tfoot>`;
}

function budget(): number {
  return Math.round(number(ui.steps, DEFAULT_RUN.steps));
}

function render(): void {
  const groups = live.masks();
  const h = live.history;
  const last = h[h.length - 1];
  // Several steps can run between two renders, so the first death is looked up in the history.
  firstPruned ??= h.find((r) => r.alive < r.channels)?.step;
  if (firstPruned !== undefined) document.body.dataset.firstPruned = String(firstPruned);
  drawMasks(ui.masks, groups, live.steps);
  drawGradients(ui.grads, groups, live.steps);
  drawHistory(ui.history, {
    history: h, seedCost: live.seedCosts[live.opts.cost], cost: live.opts.cost, warmup: live.opts.warmupSteps,
    span: Math.max(budget(), h.length), firstPruned,
  });
  archTable(live.architecture());
  const alive = groups.reduce((a, g) => a + g.alive.filter(Boolean).length, 0);
  const total = groups.reduce((a, g) => a + g.alive.length, 0);
  const stopped = !running && live.steps > 0 && live.steps === stopAt ? ` · paused at the ${stopAt}-step budget (Run continues)` : '';
  ui.status.innerHTML = `step <span id="step-count">${live.steps}</span> (${last?.phase ?? 'not started'}) · alive channels ` +
    `<span id="alive-count">${alive}</span> / ${total}${firstPruned !== undefined ? ` (first died at step ${firstPruned})` : ''} · ` +
    `train loss ${last ? last.trainLoss.toFixed(3) : '–'} · val-batch loss ${last ? last.valLoss.toFixed(3) : '–'} · ` +
    `${lastStepMs.toFixed(0)} ms / step${stopped}`;
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
  firstPruned = undefined;
  stopAt = Infinity;
  delete document.body.dataset.firstPruned;
  delete document.body.dataset.stopped;
  render();
  document.body.dataset.ready = '1';
}

function loop(): void {
  if (!running) return;
  const pace = number(ui.speed, DEFAULT_RUN.stepsPerSecond);
  const t0 = performance.now();
  let n = 0;
  let ms = 0;
  // Paced: one step per frame, then wait out the rest of its 1 / pace s. Unpaced: step for
  // about 60 ms, then let the browser paint.
  do {
    const s0 = performance.now();
    live.step();
    ms += performance.now() - s0;
    n++;
  } while (pace === 0 && performance.now() - t0 < 60 && live.steps < stopAt);
  lastStepMs = ms / n;
  backendLine = backendLine.replace(/ · \d+ kernel calls served by js .*$/, '') + describeStats();
  if (live.steps >= stopAt) {
    running = false;
    ui.run.textContent = 'Run';
    document.body.dataset.stopped = String(live.steps);
  }
  render();
  if (running) setTimeout(loop, pace === 0 ? 0 : Math.max(0, 1000 / pace - (performance.now() - t0)));
}

ui.run.addEventListener('click', () => {
  running = !running;
  ui.run.textContent = running ? 'Pause' : 'Run';
  if (!running) return;
  // The first run stops at the budget; a run started at or past it goes on until paused.
  stopAt = live.steps < budget() ? budget() : Infinity;
  delete document.body.dataset.stopped;
  loop();
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
ui.steps.addEventListener('change', () => {
  if (running) stopAt = live.steps < budget() ? budget() : Infinity;
  render();
});
// The charts are drawn at their container's width: redraw when it changes (rotation, resizing).
let resizeTimer = 0;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = window.setTimeout(() => { if (live) render(); }, 100);
});

void restart().then(() => {
  if (params.get('autorun') === '1') ui.run.click();
});
