/**
 * End to end: a tiny real `tsdnas sweep` (child process) ends with report.html, and the search
 * recorded every layer's mask state per epoch, so the report has its heat maps and tables.
 * Skipped when the ECG200 files are not in the data directory.
 */

import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveDataDir } from '../../src/data/dataDir.js';
import { markupProblems, overlappingTexts, textBoxes } from './wellFormed.js';
import { textWidth } from '../../src/report/svg/markup.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'tsdnas-report-sweep-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const hasEcg200 = (() => {
  try {
    return existsSync(join(resolveDataDir(), 'ucr', 'ECG200'));
  } catch {
    return false;
  }
})();

describe.skipIf(!hasEcg200)('sweep → report.html', () => {
  it('a two-point sweep writes a report with fronts, curves, heat maps and tables', async () => {
    const out = join(tmp, 'sweep');
    const args = ['--import', 'tsx', join(ROOT, 'src', 'cli', 'main.ts'), 'sweep', '--dataset', 'ecg200', '--backend', 'js',
      '--warmup-epochs', '2', '--search-epochs', '3', '--finetune-epochs', '1', '--lambdas', '1e-5,1e-3', '--out', out];
    const r = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, args, { cwd: ROOT, timeout: 120_000 }, (err, stdout, stderr) => resolve({ code: err === null ? 0 : Number(err.code ?? -1), stdout, stderr }));
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`report: ${join(out, 'report.html')}`);
    const summary = JSON.parse(readFileSync(join(out, 'point-0', 'summary.json'), 'utf8')) as { searchHistory: { layers?: { name: string; coutAlive: number }[] }[]; layerCosts?: unknown[]; costs: Record<string, number> };
    expect(summary.searchHistory).toHaveLength(3);
    expect(summary.searchHistory.every((e) => Array.isArray(e.layers) && e.layers.length > 0)).toBe(true);
    // Per-layer costs of the exported model add up to its totals.
    const layerCosts = summary.layerCosts as { costs: Record<string, number> }[];
    expect(layerCosts.length).toBeGreaterThan(0);
    for (const c of ['params', 'macs']) expect(layerCosts.reduce((a, l) => a + l.costs[c], 0)).toBeCloseTo(summary.costs[c], 6);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(markupProblems(html, { html: true })).toEqual([]);
    for (const svg of html.match(/<svg[\s\S]*?<\/svg>/g) ?? []) expect(overlappingTexts(textBoxes(svg, textWidth))).toEqual([]);
    expect(html).toContain('parameters (count)');
    // Three epochs may prune nothing: then the report names the unchanged quantities instead of drawing them.
    expect(html).toMatch(/search epoch — output channels alive|Unchanged by the search in every layer \(not drawn\): output channels alive/);
    expect(html).toContain('<table class="arch">');
  }, 150_000);
});
