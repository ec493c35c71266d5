/**
 * The report of a multi-seed run (tsdnas.seeds/1): built by reportAfterRun and `tsdnas report`
 * from hand-made per-seed runs, well formed and self-contained apart from its relative links
 * to each seed's report; one chart per cost axis with ±1 sd error bars on the metric (and on the
 * cost where it varies by seed) and every seed's points faintly behind; the split sizes in words;
 * a table per point; and the split-size sentence in single-seed reports too.
 */

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadRun, reportAfterRun, writeReport } from '../../src/report/index.js';
import { splitSentence } from '../../src/report/splits.js';
import { writeSeedsFront } from '../../src/io/seeds-front.js';
import { runReport } from '../../src/cli/commands/report.js';
import { sweepPoints, writeSeedRun } from '../search/seedFixtures.js';
import { markupProblems, overlappingTexts, textBoxes } from './wellFormed.js';
import { textWidth } from '../../src/report/svg/markup.js';

const tmp = mkdtempSync(join(tmpdir(), 'tsdnas-seeds-report-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const svgs = (html: string) => html.match(/<svg[\s\S]*?<\/svg>/g) ?? [];

function multiSeed(name: string, splits?: (seed: number) => { train: number; val: number; test: number }): string {
  const out = join(tmp, name);
  const runs = [0, 1, 2].map((seed) => ({ seed, dir: writeSeedRun(join(out, `seed-${seed}`), { seed, points: sweepPoints(0.01 * seed), summaries: true, splits: splits?.(seed) }) }));
  writeSeedsFront(out, runs);
  // Seed 0's own report exists, the others not yet: the page says so.
  writeReport(runs[0].dir);
  return out;
}

describe('report of a multi-seed run', () => {
  const out = multiSeed('sweep');
  const warnings: string[] = [];
  const path = reportAfterRun(out, (l) => warnings.push(l));
  const html = readFileSync(join(out, 'report.html'), 'utf8');
  const charts = svgs(html);

  it('is written by reportAfterRun as <out>/report.html, well formed', () => {
    expect(warnings).toEqual([]);
    expect(path).toBe(join(out, 'report.html'));
    expect(html).toContain('<h1>tsdnas sweep over 3 seeds: ecg200 / tcn-ecg</h1>');
    expect(markupProblems(html, { html: true })).toEqual([]);
    for (const s of charts) expect(markupProblems(s)).toEqual([]);
    for (const s of charts) expect(overlappingTexts(textBoxes(s, textWidth))).toEqual([]);
  });

  it('needs no network: its only links are relative ones to the seeds\' reports', () => {
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(/i);
    expect(html.match(/href="[^"]*"/g)).toEqual(['href="seed-0/report.html"', 'href="seed-1/report.html"', 'href="seed-2/report.html"']);
    expect(html).toMatch(/seed-1\/report\.html<\/code> \(not written yet/);
    expect(html).not.toMatch(/seed-0\/report\.html<\/code> \(not written yet/);
  });

  it('charts the mean front per cost axis with error bars and every seed\'s points behind', () => {
    expect(charts).toHaveLength(2);
    const [params, macs] = charts as [string, string];
    expect(params).toContain('parameters (count)');
    expect(macs).toContain('MACs per inference');
    // Error bars: on the metric for the 3 points (the seed model scores the same on every seed: no bar), on params for point 1 only (900, 1000, 1100).
    const bars = params.match(/<g class="error-bar"[\s\S]*?<\/g>/g) ?? [];
    expect(bars).toHaveLength(3);
    expect(bars.filter((b) => (b.match(/<line/g) ?? []).length === 6)).toHaveLength(1);
    expect((macs.match(/<g class="error-bar"[\s\S]*?<\/g>/g) ?? []).every((b) => (b.match(/<line/g) ?? []).length === 3)).toBe(true);
    // 3 points × 3 seeds faint points.
    expect(params.match(/<g class="seed-point">/g)).toHaveLength(9);
    expect(params).toMatch(/<title>seed 2, #1 λ=1e-5: params 1,100, test 72\.0%<\/title>/);
    expect(params).toMatch(/#1 λ=1e-5, mean of 3 seeds: params 1,000 ± 100 \(900 – 1,100\), test 71\.0% ± 1\.0 \(range 70\.0% – 72\.0%\) — dominated/);
    expect(params).toContain('±1 sd over seeds');
  });

  it('states the validation and test split sizes near the chart', () => {
    expect(html).toContain('Validation split: 20 series, so one series = 5 points of validation accuracy; test split: 100 series, so 1 point of test accuracy = 1 series (training split: 80).');
    expect(html.indexOf('class="note splits"')).toBeLessThan(html.indexOf('<svg'));
  });

  it('tabulates mean ± sd, min – max and n per point', () => {
    expect(html).toMatch(/<td><span class="swatch"[^>]*><\/span>#0<\/td><td>1e-6<\/td><td>3<\/td><td>89\.0% ± 1\.0<\/td><td>88\.0% – 90\.0%<\/td>/);
    expect(html).toContain('<td>1,000 ± 100 (900 – 1,100)</td>');
    expect(html).toMatch(/<tr class="dominated"><td><span class="swatch"[^>]*><\/span>#1/);
    expect(html).toContain('test accuracy (%) per seed');
  });

  it('is what tsdnas report writes too, and refuses --compare on a multi-seed run', () => {
    runReport([out]);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toBe(html);
    expect(() => writeReport(out, [join(out, 'seed-0')])).toThrow(/is a multi-seed run: compare it seed by seed with tsdnas compare/);
    expect(() => loadRun(out)).toThrow(/is a 'tsdnas\.seeds\/1' file \(a multi-seed run\)/);
  });

  it('says when the split sizes differ between seeds', () => {
    const odd = multiSeed('odd-splits', (seed) => ({ train: 80, val: 20, test: 100 + seed }));
    const page = readFileSync(writeReport(odd), 'utf8');
    expect(page).toContain('The split sizes differ between the seeds (train / validation / test): seed 0: 80 / 20 / 100; seed 1: 80 / 20 / 101; seed 2: 80 / 20 / 102.');
  });
});

describe('split sizes in words', () => {
  it('says how many points of accuracy one sample is', () => {
    expect(splitSentence({ train: 80, val: 20, test: 100 }, 'accuracy', 'ecg200')).toContain('test split: 100 series, so 1 point of test accuracy = 1 series');
    expect(splitSentence({ train: 290, val: 72, test: 362 }, 'accuracy', 'eog')).toContain('test split: 362 series, so one series = 0.28 of a point of test accuracy');
    expect(splitSentence({ train: 9, val: 3, test: 40 }, 'accuracy', 'mine.csv')).toContain('test split: 40 samples, so one sample = 2.5 points of test accuracy');
    expect(splitSentence({ train: 900, val: 100, test: 400 }, 'mae', 'ppg')).toContain('test split: 400 windows (the MAE is their mean)');
  });

  it('appears in a single-seed report whose front.json records the splits', () => {
    const dir = writeSeedRun(join(tmp, 'single'), { seed: 0, points: sweepPoints(0), summaries: true });
    expect(readFileSync(writeReport(dir), 'utf8')).toContain('<p class="note splits">Validation split: 20 series');
    const old = writeSeedRun(join(tmp, 'old'), { seed: 0, points: sweepPoints(0), summaries: true, splits: null });
    expect(readFileSync(writeReport(old), 'utf8')).not.toContain('class="note splits"');
  });
});
