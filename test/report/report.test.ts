/**
 * The HTML report of a run directory: built from a fixture run, self-contained (no scripts, no
 * external URLs), well formed, with labelled axes, the dominated points marked, names escaped,
 * heat maps of the masks (and bit-widths for mixed-precision runs), and clear errors for a
 * directory that is not a run. Also `tsdnas report` through the CLI entry.
 */

import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadRun, renderReport, writeReport, reportAfterRun } from '../../src/report/index.js';
import { runReport } from '../../src/cli/commands/report.js';
import { writeFixtureRun, writeMpsFixtureRun } from './fixture.js';
import { markupProblems, overlappingTexts, textBoxes } from './wellFormed.js';
import { textWidth } from '../../src/report/svg/markup.js';

const tmp = mkdtempSync(join(tmpdir(), 'tsdnas-report-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let n = 0;
function fixture(opts: Parameters<typeof writeFixtureRun>[1] = {}): string {
  const dir = join(tmp, `run-${n++}`);
  writeFixtureRun(dir, opts);
  return dir;
}

const svgs = (html: string) => html.match(/<svg[\s\S]*?<\/svg>/g) ?? [];

describe('report of a run directory', () => {
  const dir = fixture();
  const path = writeReport(dir);
  const html = readFileSync(path, 'utf8');

  it('is written as report.html in the run directory', () => {
    expect(path).toBe(join(dir, 'report.html'));
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
  });

  it('is well formed, and so is every chart', () => {
    expect(markupProblems(html, { html: true })).toEqual([]);
    expect(svgs(html).length).toBeGreaterThanOrEqual(2 + 3 + 3 * 3);
    for (const s of svgs(html)) expect(markupProblems(s)).toEqual([]);
  });

  it('needs no network: no scripts, links, external URLs or fetched resources', () => {
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(/i);
    expect(html).not.toMatch(/(src|href)=/i);
  });

  it('has no overlapping text in any chart', () => {
    for (const s of svgs(html)) expect(overlappingTexts(textBoxes(s, textWidth))).toEqual([]);
  });

  it('labels the axes with units and draws legends', () => {
    for (const t of ['parameters (count) — log scale', 'MACs per inference — log scale', 'test accuracy (%)', 'epoch (warm-up, then search, then fine-tune)', 'search epoch — output channels alive']) {
      expect(html).toContain(t);
    }
    expect(html).toContain('class="legend"');
    expect(html).toContain('seed (before search)');
  });

  it('fades the dominated point and marks the seed', () => {
    const pareto = svgs(html)[0];
    expect(pareto).toMatch(/point 1 \(λ = 1e-5\)[^<]*dominated<\/title><circle[^>]*fill-opacity="0.25"/);
    expect(pareto).not.toMatch(/point 0 [^<]*dominated/);
    expect(pareto).toMatch(/<title>seed \(before search\)[^<]*<\/title><path/);
    expect(html).toMatch(/<tr class="dominated"><td><span class="swatch"[^>]*><\/span>#1/);
  });

  it('shows every layer in the heat maps and the architecture tables', () => {
    for (const name of ['blocks.0.conv', 'blocks.1.conv', 'head']) expect(html).toContain(name);
    expect(html).toContain('receptive field (samples)');
    expect(html).toContain('kept: epoch 5');
    expect(html).toMatch(/16 → <b>\d+<\/b>/);
  });
});

describe('report contents', () => {
  it('escapes HTML in layer names and configuration values', () => {
    const evil = '<img src=x onerror=alert(1)>';
    const dir = fixture({ layerNames: [evil, 'a&b', '"quoted"'], dataset: '<b>ds</b>' });
    const html = renderReport(loadRun(dir));
    expect(html).not.toContain(evil);
    expect(html).not.toContain('<b>ds</b>');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('a&amp;b');
    expect(markupProblems(html, { html: true })).toEqual([]);
  });

  it('adds a bit-width heat map and column for mixed-precision runs', () => {
    const html = renderReport(loadRun(fixture({ bits: true })));
    expect(html).toContain('weight bit-width per layer and search epoch');
    expect(html).toContain('bits (w / a)');
  });

  it('charts latency and energy when the run had a hardware target', () => {
    const html = renderReport(loadRun(fixture({ hardware: true })));
    expect(html).toContain('latency on the target (ms per inference) — log scale');
    expect(html).toContain('energy on the target (mJ per inference)');
    expect(html).toContain('GreenWaves &lt;GAP8&gt;');
    expect(html).toMatch(/<th>share of MACs<\/th><th>latency \(ms\)<\/th><th>energy \(mJ\)<\/th>/);
    expect(svgs(html).filter((x) => x.includes('— dominated')).length).toBe(4);
  });

  it('reports a mixed-precision (tsdnas mps) run: float model, uniform baselines, bit-widths', () => {
    const dir = join(tmp, `run-${n++}`);
    writeMpsFixtureRun(dir);
    const run = loadRun(dir);
    expect(run.command).toBe('mps');
    expect(run.points[0].costs).toEqual({ size: 7800, bitops: 1.5e7 });
    const html = renderReport(run);
    expect(markupProblems(html, { html: true })).toEqual([]);
    expect(html).toContain('weight memory (bytes)');
    expect(html).toContain('bit operations per inference (BitOps)');
    expect(html).toContain('uniform-precision baseline');
    expect(html).toMatch(/<title>point 0 \(uniform w8a8\)[^<]*<\/title><rect/);
    expect(html).toContain('8 b × 4, 4 b × 10, pruned × 2');
    expect(html).toContain('weight bit-width per layer and search epoch');
    expect(html).toContain('float (unquantised)');
  });

  it('reports a point without its summary from its front row, with a note', () => {
    const run = loadRun(fixture({ dropSummaryOf: 1 }));
    expect(run.notes.join()).toMatch(/point 1: no .*summary\.json/);
    const html = renderReport(run);
    expect(html).toContain('No per-layer data for point #1');
    expect(markupProblems(html, { html: true })).toEqual([]);
  });
});

describe('not a run directory', () => {
  it('names the missing directory, front.json or bad JSON', () => {
    expect(() => loadRun(join(tmp, 'nope'))).toThrow(/'.*nope' is not a directory; give the --out directory/);
    const empty = join(tmp, 'empty');
    mkdirSync(empty);
    expect(() => loadRun(empty)).toThrow(/not a run directory \(no front\.json\)/);
    const bad = join(tmp, 'bad');
    mkdirSync(bad);
    writeFileSync(join(bad, 'front.json'), '{"metric": ');
    expect(() => loadRun(bad)).toThrow(/front\.json' is not valid JSON/);
    writeFileSync(join(bad, 'front.json'), '{"metric": "f1", "points": []}');
    expect(() => loadRun(bad)).toThrow(/'metric' must be 'accuracy' or 'mae'/);
  });

  it('a failed report after a run is a warning, and writes nothing', () => {
    const lines: string[] = [];
    expect(reportAfterRun(join(tmp, 'empty'), (l) => lines.push(l))).toBeNull();
    expect(lines[0]).toMatch(/^warning: the HTML report could not be written .*retry with: tsdnas report/);
    expect(existsSync(join(tmp, 'empty', 'report.html'))).toBe(false);
  });
});

describe('tsdnas report', () => {
  it('rebuilds report.html of a run directory', () => {
    const dir = fixture();
    const log: string[] = [];
    const orig = console.log;
    console.log = (s: string) => log.push(s);
    try {
      runReport([dir]);
    } finally {
      console.log = orig;
    }
    expect(log[0]).toBe(`report: ${join(dir, 'report.html')}`);
    expect(existsSync(join(dir, 'report.html'))).toBe(true);
  });

  it('wants exactly one directory', () => {
    expect(() => runReport([])).toThrow(/give exactly one run directory \(got none\)/);
    expect(() => runReport(['a', 'b'])).toThrow(/got 'a', 'b'/);
  });
});

describe('tsdnas report (child process)', () => {
  it('exits 1 with one clear line for a directory that is not a run', async () => {
    const root = fileURLToPath(new URL('../../', import.meta.url));
    const empty = join(tmp, 'not-a-run');
    mkdirSync(empty, { recursive: true });
    const r = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(process.execPath, ['--import', 'tsx', join(root, 'src', 'cli', 'main.ts'), 'report', empty], { cwd: root, timeout: 60_000 }, (err, _out, stderr) => {
        resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : -1, stderr });
      });
    });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(`tsdnas: report: '${empty}' is not a run directory (no front.json); give the --out directory of a finished search, sweep or mps run`);
  });
});
