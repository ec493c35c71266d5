// End-to-end: build the demo with Vite, serve it, drive it in Debian's Chromium (playwright-core),
// run search steps under a large λ and check that the charts update and channels die.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { join, resolve } from 'node:path';
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

async function aliveCount(page: Page): Promise<number> {
  return Number(await page.locator('#alive-count').textContent());
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

  it('runs a PIT search: charts update and channels die under a large λ', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
    await page.goto(`${base}/index.html?warmup=5&maskLr=0.08&stopAt=40`);
    await page.waitForSelector('body[data-ready="1"]', { timeout: 20_000 });
    const backend = await page.locator('body').getAttribute('data-backend');
    expect(['wasm', 'js']).toContain(backend);
    await expect.poll(() => page.locator('#backend-info').textContent()).toMatch(new RegExp(`^backend: ${backend}`));

    const before = await aliveCount(page);
    expect(before).toBe(128);
    expect(await page.locator('#masks-chart').getAttribute('data-step')).toBe('0');
    await page.fill('#lambda', '2');
    await page.click('#run');
    await page.waitForSelector('body[data-stopped]', { timeout: 40_000 });

    expect(await page.locator('#step-count').textContent()).toBe('40');
    for (const id of ['masks-chart', 'grads-chart', 'history-chart']) {
      expect(await page.locator(`#${id}`).getAttribute('data-step')).toBe('40');
    }
    const bars = await page.locator('#masks-chart rect').count();
    expect(bars).toBeGreaterThanOrEqual(128);
    expect(await page.locator('#history-chart path').count()).toBe(3);
    const after = await aliveCount(page);
    expect(after).toBeLessThan(before);
    expect(await page.locator('#arch tbody tr').count()).toBe(4);
    await page.screenshot({ path: join(OUT, 'demo.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('gpu.js in the page: the mode that ran is named, or each refused mode with its reason', async () => {
    const page = await browser.newPage();
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    await page.goto(`${base}/index.html?backend=gpujs&warmup=0`);
    await page.waitForSelector('body[data-ready="1"]', { timeout: 30_000 });
    const backend = (await page.locator('body').getAttribute('data-backend')) ?? '';
    const info = (await page.locator('#backend-info').textContent()) ?? '';
    if (backend.startsWith('gpujs/')) {
      expect(info).toContain(`gpu.js mode ${backend.slice('gpujs/'.length)}`);
      await page.click('#step');
      await expect.poll(() => page.locator('#step-count').textContent()).toBe('1');
    } else {
      expect(backend).toBe('js');
      for (const mode of ['webgl2', 'webgl', 'webasm']) expect(info).toContain(`gpujs/${mode}:`);
    }
    expect(info).toMatch(/WebGPU: /);
    console.log(`[browser test] gpujs preference ran: ${backend} — ${info}`);
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);
});
