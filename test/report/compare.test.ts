/**
 * The comparison of runs in the report (`tsdnas report <run> --compare <run>,…`): two synthetic
 * mps-style runs with known fronts; the section lists both series, draws one front staircase per
 * run, and its domination table and verdict match a hand-worked case; a --compare directory that
 * is not a run fails naming it, before anything is written.
 */

import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadRun, renderReport, writeReport } from '../../src/report/index.js';
import { runNames } from '../../src/report/build.js';
import { pairVerdicts, sharedCostAxes } from '../../src/report/sections/compare.js';
import { runReport } from '../../src/cli/commands/report.js';
import { markupProblems, overlappingTexts, textBoxes } from './wellFormed.js';
import { textWidth } from '../../src/report/svg/markup.js';

const tmp = mkdtempSync(join(tmpdir(), 'tsdnas-compare-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Pt { size: number; test: number; bitops?: number }

/** An mps-style run directory (float model, size / bitops costs); fronts left for the report to compute. */
function writeRun(dir: string, kind: string, pts: Pt[]): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'front.json'), JSON.stringify({
    metric: 'accuracy', config: { dataset: 'ecg200', model: 'tcn-ecg', cost: 'size', precisions: [0, 2, 4, 8] }, seconds: 10,
    float: { valMetric: 0.9, testMetric: 0.9, warmupHistory: [] },
    points: pts.map((p, i) => ({ point: i, kind, label: `${kind} ${i}`, strength: 1e-5 * (i + 1), size_bytes: p.size, ...(p.bitops === undefined ? {} : { bitops: p.bitops }), val_accuracy: p.test, test_accuracy: p.test, seconds: 1 })),
    comparison: [],
  }));
  pts.forEach((p, i) => {
    mkdirSync(join(dir, `point-${i}`), { recursive: true });
    writeFileSync(join(dir, `point-${i}`, 'summary.json'), JSON.stringify({ kind, label: `${kind} ${i}`, valMetric: p.test, testMetric: p.test, searchHistory: [], finetuneHistory: [], layers: [] }));
  });
  return dir;
}

// joint's front: all but the 2500-byte point; chained's front: all three points.
// joint front vs chained: none dominated (3 of 3 free). chained vs joint: 1500 B / 80% is matched by
// joint's 1000 B / 80% (weakly), 3000 B / 88% by joint's 3000 B / 90%; only 4000 B / 92% is free.
const JOINT: Pt[] = [{ size: 1000, test: 0.8 }, { size: 2000, test: 0.85 }, { size: 3000, test: 0.9 }, { size: 2500, test: 0.7 }].map((p) => ({ ...p, bitops: p.size * 100 }));
const CHAINED: Pt[] = [{ size: 1500, test: 0.8 }, { size: 3000, test: 0.88 }, { size: 4000, test: 0.92 }].map((p) => ({ ...p, bitops: p.size * 100 }));

const joint = writeRun(join(tmp, 'joint'), 'joint', JOINT);
const chained = writeRun(join(tmp, 'chained'), 'chained', CHAINED);

const svgs = (html: string) => html.match(/<svg[\s\S]*?<\/svg>/g) ?? [];
const staircases = (svg: string) => (svg.match(/<path[^>]*stroke-dasharray="4 3"[^>]*>/g) ?? []).length;

describe('report --compare', () => {
  const path = writeReport(joint, [chained]);
  const html = readFileSync(path, 'utf8');
  const section = html.slice(html.indexOf('<h2>Compared with other runs</h2>'));
  const charts = svgs(section.slice(0, section.indexOf('<h2>', 5) < 0 ? undefined : section.indexOf('<h2>', 5)));

  it('adds the section after the Pareto section, well formed', () => {
    expect(html.indexOf('<h2>Pareto front</h2>')).toBeGreaterThan(0);
    expect(html.indexOf('<h2>Compared with other runs</h2>')).toBeGreaterThan(html.indexOf('<h2>Pareto front</h2>'));
    expect(markupProblems(html, { html: true })).toEqual([]);
    for (const s of charts) {
      expect(markupProblems(s)).toEqual([]);
      expect(overlappingTexts(textBoxes(s, textWidth))).toEqual([]);
    }
  });

  it('charts every shared cost with both runs as series, one staircase each', () => {
    expect(sharedCostAxes([loadRun(joint), loadRun(chained)])).toEqual(['size', 'bitops']);
    expect(charts.length).toBe(2);
    for (const s of charts) {
      expect(s).toContain('joint (front)');
      expect(s).toContain('chained (front)');
      expect(staircases(s)).toBe(2);
      expect(s).toContain('<title>front of joint</title>');
      expect(s).toContain('<title>front of chained</title>');
    }
  });

  it('says which front points the other run dominates, with the right verdict', () => {
    const line = 'joint: 3 of 3 front points not dominated by chained; chained: 1 of 3 not dominated by joint';
    expect(section).toContain(`weight bytes: ${line}`);
    expect(section).toContain(`BitOps: ${line}`);
    const v = pairVerdicts([{ name: 'joint', run: loadRun(joint) }, { name: 'chained', run: loadRun(chained) }], 'size');
    expect(v.map((x) => [x.aFree, x.aTotal, x.bFree, x.bTotal])).toEqual([[3, 3, 1, 3]]);
    // The dominated joint point (2500 B, 70%) is not a front point, so it is not in the table.
    const tables = section.match(/<table[\s\S]*?<\/table>/g) ?? [];
    expect(tables.length).toBe(2);
    const bySize = tables[0] ?? '';
    expect(bySize).not.toContain('#3 joint 3');
    expect((bySize.match(/<tr/g) ?? []).length).toBe(1 + 3 + 3);
    expect(bySize).toContain('yes: #0 joint 0 (1,000, 80.0%)');
    expect(bySize).toContain('yes: #2 joint 2 (3,000, 90.0%)');
    expect((bySize.match(/<tr class="dominated">/g) ?? []).length).toBe(2);
  });

  it('leaves the report as it was without --compare, whose fronts keep one staircase', () => {
    const plain = renderReport(loadRun(joint));
    expect(plain).not.toContain('Compared with other runs');
    const pareto = svgs(plain)[0] ?? '';
    expect(staircases(pareto)).toBe(1);
    expect(pareto).not.toContain('class="front"');
  });

  it('charts only the costs every run has', () => {
    const noBitops = writeRun(join(tmp, 'no-bitops'), 'chained', CHAINED.map(({ size, test }) => ({ size, test })));
    expect(sharedCostAxes([loadRun(joint), loadRun(noBitops)])).toEqual(['size']);
    const html2 = renderReport(loadRun(joint), [{ name: 'no-bitops', run: loadRun(noBitops) }]);
    expect(svgs(html2.slice(html2.indexOf('Compared with other runs'))).filter((s) => s.includes('no-bitops (front)')).length).toBe(1);
  });

  it('names runs by directory, disambiguating equal basenames', () => {
    expect(runNames(['/a/seed-0/joint', '/a/seed-1/joint', '/a/chained'])).toEqual(['seed-0/joint', 'seed-1/joint', 'chained']);
  });
});

describe('tsdnas report --compare', () => {
  it('writes the comparison through the CLI', () => {
    const dir = writeRun(join(tmp, 'cli-main'), 'joint', JOINT);
    const log: string[] = [];
    const orig = console.log;
    console.log = (s: string) => log.push(s);
    try {
      runReport([dir, '--compare', chained]);
    } finally {
      console.log = orig;
    }
    expect(log[0]).toBe(`report: ${join(dir, 'report.html')}`);
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain('Compared with other runs');
  });

  it('fails naming a --compare directory that is not a run, before writing anything', () => {
    const dir = writeRun(join(tmp, 'cli-bad'), 'joint', JOINT);
    const empty = join(tmp, 'not-a-run');
    mkdirSync(empty, { recursive: true });
    expect(() => runReport([dir, '--compare', `${chained},${empty}`])).toThrow(`report: --compare '${empty}': '${empty}' is not a run directory (no front.json)`);
    const missing = join(tmp, 'missing');
    expect(() => runReport([dir, '--compare', missing])).toThrow(`--compare '${missing}': '${missing}' is not a directory`);
    expect(() => runReport([dir, '--compare', `${chained},`])).toThrow(/empty entry/);
    const mae = writeRun(join(tmp, 'mae-run'), 'chained', CHAINED);
    const front = JSON.parse(readFileSync(join(mae, 'front.json'), 'utf8')) as { metric: string; points: Record<string, unknown>[] };
    writeFileSync(join(mae, 'front.json'), JSON.stringify({ ...front, metric: 'mae', points: front.points.map((r) => ({ ...r, test_mae: r.test_accuracy })) }));
    expect(() => runReport([dir, '--compare', mae])).toThrow(`report: --compare '${mae}': its runs are scored by mae`);
    expect(existsSync(join(dir, 'report.html'))).toBe(false);
  });
});
