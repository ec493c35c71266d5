/**
 * Time the built demo per backend in headless Chromium (not a test: speed lives outside the
 * test suite). Run `npm run build:demo` first, then `npx tsx demo/speed.ts [steps]`.
 */

import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { DEMO_ROOT } from './viteConfig.js';
import { serveStatic } from './staticServer.js';

const steps = Number(process.argv[2] ?? 30);
const { server, url } = await serveStatic(join(DEMO_ROOT, 'dist'));
const browser = await chromium.launch({
  executablePath: process.env.TSDNAS_CHROMIUM ?? '/usr/bin/chromium', headless: true,
  args: ['--no-sandbox', '--disable-background-networking'],
});
try {
  for (const backend of ['wasm', 'js', 'gpujs']) {
    const page = await browser.newPage();
    // speed=0: unpaced (the page's default pace of 10 steps / s would be measured instead).
    await page.goto(`${url}/index.html?backend=${backend}&warmup=0&steps=${steps}&speed=0`);
    await page.waitForSelector('body[data-ready="1"]');
    const t0 = Date.now();
    await page.click('#run');
    await page.waitForSelector('body[data-stopped]', { timeout: 600_000 });
    const ms = (Date.now() - t0) / steps;
    console.log(`${await page.locator('body').getAttribute('data-backend')}: ${ms.toFixed(0)} ms/step over ${steps} steps (rendering included)`);
    console.log(`  ${await page.locator('#backend-info').textContent()}`);
    await page.close();
  }
} finally {
  await browser.close();
  server.close();
}
