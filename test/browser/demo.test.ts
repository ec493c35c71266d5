// End-to-end: build the demo with Vite, serve it, drive it in Debian's Chromium (playwright-core):
// the default run must prune a channel within PRUNE_BOUND steps, the charts must keep their fixes
// (one θ scale for every mask row, accuracy on its own axis, alive line drawn last), and the page
// must fit a 375 px phone without horizontal scrolling. Screenshots at 375 and 1280 px go to a
// temporary directory (paths logged), and to /work/shots when /work exists, for a person to look at.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { build } from 'vite';
import { chromium, type Browser, type Page } from 'playwright-core';
import { demoConfig } from '../../demo/viteConfig.js';
import { serveStatic } from '../../demo/staticServer.js';

const CHROMIUM = process.env.TSDNAS_CHROMIUM ?? '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const IN_CI = process.env.CI === 'true';
const OUT = resolve('test-output/browser');
const DIST = join(OUT, 'demo-dist');

if (!HAVE_CHROMIUM && !IN_CI) {
  console.warn(`test/browser/demo.test.ts skipped: no Chromium at ${CHROMIUM}. Install it with 'sudo apt-get install chromium' (Debian/Ubuntu) or set TSDNAS_CHROMIUM to a Chromium binary; under CI=true this test fails instead of skipping.`);
}

/** Steps the default run must prune within: it prunes at step 25 (seed 0); the slack covers backends' rounding. */
const PRUNE_BOUND = 40;
/** The run's step budget in the test: enough for several channels to die, short on a loaded machine (10 steps / s). */
const STEPS = 50;
const SHOTS_COPY = '/work/shots';

async function aliveCount(page: Page): Promise<number> {
  return Number(await page.locator('#alive-count').textContent());
}

/** Full-page screenshot, its path logged; copied to SHOTS_COPY when that directory's parent exists. */
async function shot(page: Page, path: string): Promise<void> {
  await page.screenshot({ path, fullPage: true });
  let copy = '';
  if (existsSync(join(SHOTS_COPY, '..'))) {
    mkdirSync(SHOTS_COPY, { recursive: true });
    copy = join(SHOTS_COPY, basename(path));
    copyFileSync(path, copy);
  }
  console.log(`[browser test] screenshot ${path}${copy ? ` (copy: ${copy})` : ''}`);
}

/** The chart fixes of issue 21, checked on the drawn SVG. */
async function checkCharts(page: Page): Promise<void> {
  // Every mask row: the θ = 0.5 line the same height above its row's baseline.
  const masks = await page.locator('#masks-chart').evaluate((svg) => ({
    thresholds: [...svg.querySelectorAll('line.threshold')].map((l) => Number(l.getAttribute('y1'))),
    bases: [...svg.querySelectorAll('line.axis')].map((l) => Number(l.getAttribute('y1'))),
  }));
  expect(masks.thresholds).toHaveLength(3);
  const heights = masks.thresholds.map((y, i) => masks.bases[i] - y);
  for (const h of heights) expect(h).toBeCloseTo(heights[0], 6);
  // Gradient ticks: readable numbers, none of the former ±1e-12.
  const ticks = await page.locator('#grads-chart text.tick').allTextContents();
  expect(ticks.length).toBeGreaterThan(0);
  for (const t of ticks) {
    const v = Math.abs(Number(t.replace('−', '-')));
    expect(Number.isFinite(v), t).toBe(true);
    if (v !== 0) expect(v, t).toBeGreaterThanOrEqual(1e-6);
  }
  // History: accuracy on its own labelled panel; the alive line drawn after (over) the cost line.
  const history = await page.locator('#history-chart').evaluate((svg) => ({
    titles: [...svg.querySelectorAll('text.panel-title')].map((t) => t.textContent),
    order: [...svg.querySelectorAll('path')].map((p) => p.getAttribute('class')),
  }));
  expect(history.titles).toEqual(['alive channels and cost, % of the seed', 'validation-batch accuracy, %']);
  expect(history.order).toEqual(['cost-line', 'alive-line', 'acc-line']);
}

describe.skipIf(!HAVE_CHROMIUM && !IN_CI)('demo page in Chromium', () => {
  let server: Server;
  let browser: Browser;
  let base: string;
  const errors: string[] = [];

  beforeAll(async () => {
    if (!HAVE_CHROMIUM) throw new Error(`CI=true but no Chromium at ${CHROMIUM}; .ci/run installs it with apt-get install chromium`);
    mkdirSync(OUT, { recursive: true });
    await build(demoConfig(DIST));
    ({ server, url: base } = await serveStatic(DIST));
    browser = await chromium.launch({
      executablePath: CHROMIUM, headless: true,
      args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-default-apps', '--disable-sync', '--no-first-run'],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((ok) => (server ? server.close(ok) : ok(null)));
  });

  it('the default run prunes within 40 steps; the page fits 375 px and 1280 px (screenshots)', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
    // Only the step budget differs from the page's defaults (λ, cost, mask learning rate, warm-up, pace).
    await page.goto(`${base}/index.html?steps=${STEPS}`);
    await page.waitForSelector('body[data-ready="1"]', { timeout: 20_000 });
    const backend = await page.locator('body').getAttribute('data-backend');
    expect(['wasm', 'js']).toContain(backend);
    await expect.poll(() => page.locator('#backend-info').textContent()).toMatch(new RegExp(`^backend: ${backend}`));

    const before = await aliveCount(page);
    expect(before).toBe(128);
    expect(await page.locator('#masks-chart').getAttribute('data-step')).toBe('0');
    // Before the first step the gradient chart has no data: it says so instead of drawing ±1e-12 axes.
    expect(await page.locator('#grads-chart text.empty').count()).toBe(3);
    expect(await page.locator('#grads-chart text.tick').count()).toBe(0);

    const t0 = Date.now();
    await page.click('#run');
    // Until a channel has died or the bound has passed (page-side code as a string: this file has no DOM types).
    await page.waitForFunction(`document.body.dataset.firstPruned !== undefined ||
      Number(document.getElementById('step-count')?.textContent) > ${PRUNE_BOUND}`, undefined, { timeout: 90_000 });
    const first = Number(await page.locator('body').getAttribute('data-first-pruned'));
    const stepAtSeen = Number(await page.locator('#step-count').textContent());
    console.log(`[browser test] default run (${backend}): first channel pruned at step ${first}, seen at step ${stepAtSeen} after ${Date.now() - t0} ms`);
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThanOrEqual(PRUNE_BOUND);

    await page.waitForSelector('body[data-stopped]', { timeout: 90_000 });
    expect(await page.locator('#step-count').textContent()).toBe(String(STEPS));
    for (const id of ['masks-chart', 'grads-chart', 'history-chart']) {
      expect(await page.locator(`#${id}`).getAttribute('data-step')).toBe(String(STEPS));
    }
    expect(await aliveCount(page)).toBeLessThan(before);
    expect(await page.locator('#masks-chart rect').count()).toBeGreaterThanOrEqual(128);
    expect(await page.locator('#arch tbody tr').count()).toBe(4);
    await checkCharts(page);
    const shots = mkdtempSync(join(tmpdir(), 'tsdnas-demo-shots-'));
    await shot(page, join(shots, 'demo-1280.png'));

    await page.setViewportSize({ width: 375, height: 800 });
    // The charts redraw at their container's width after a resize.
    await expect.poll(async () => Number(await page.locator('#masks-chart').getAttribute('width'))).toBeLessThan(375);
    const scrollWidth = await page.evaluate<number>('document.documentElement.scrollWidth');
    console.log(`[browser test] at 375 px: document scrollWidth ${scrollWidth}`);
    expect(scrollWidth).toBeLessThanOrEqual(375);
    await checkCharts(page);
    await shot(page, join(shots, 'demo-375.png'));
    expect(errors).toEqual([]);
    await page.close();
  }, 180_000);

  it('gpu.js in the page: the mode that ran is named, or each refused mode with its reason', async () => {
    const page = await browser.newPage();
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    await page.goto(`${base}/index.html?backend=gpujs&warmup=0`);
    await page.waitForSelector('body[data-ready="1"]', { timeout: 30_000 });
    const backend = (await page.locator('body').getAttribute('data-backend')) ?? '';
    const info = (await page.locator('#backend-info').textContent()) ?? '';
    if (backend.startsWith('gpujs/')) {
      expect(info).toContain(`gpu.js mode ${backend.slice('gpujs/'.length)}`);
      // The page builds its gpu.js kernels on the main thread after it is ready (each shape compiles
      // its own), so the click can wait for it: seconds on a quiet machine, tens on a loaded one.
      const t0 = Date.now();
      await page.click('#step', { timeout: 90_000 });
      console.log(`[browser test] gpujs: the Step click was handled after ${Date.now() - t0} ms`);
      // The first gpu.js step compiles its kernels (seconds on a loaded machine): poll beyond vitest's 1 s default.
      await expect.poll(() => page.locator('#step-count').textContent(), { timeout: 40_000, interval: 250 }).toBe('1');
    } else {
      expect(backend).toBe('js');
      for (const mode of ['webgl2', 'webgl', 'webasm']) expect(info).toContain(`gpujs/${mode}:`);
    }
    expect(info).toMatch(/WebGPU: /);
    console.log(`[browser test] gpujs preference ran: ${backend} — ${info}`);
    expect(errors).toEqual([]);
    await page.close();
  }, 180_000);
});
