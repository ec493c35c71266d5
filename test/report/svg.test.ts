/**
 * The report's chart module: scales and ticks, label thinning without overlaps, escaping, and
 * well-formed SVG from the line, scatter and heat-map charts.
 */

import { describe, expect, it } from 'vitest';
import { autoScale, formatNumber, linearScale, logScale } from '../../src/report/svg/scale.js';
import { thinLabels } from '../../src/report/svg/chart.js';
import { esc, fitText, textWidth } from '../../src/report/svg/markup.js';
import { lineChart } from '../../src/report/svg/line.js';
import { scatterChart } from '../../src/report/svg/scatter.js';
import { heatMap } from '../../src/report/svg/heatmap.js';
import { markupProblems } from './wellFormed.js';

describe('scales', () => {
  it('linear ticks are 1-2-5 steps covering the data', () => {
    const s = linearScale(0.62, 0.91, [0, 100]);
    const v = s.ticks().map((t) => t.value);
    expect(v[0]).toBeLessThanOrEqual(0.62);
    expect(v[v.length - 1]).toBeGreaterThanOrEqual(0.91);
    expect(s.ticks().map((t) => t.label)).toEqual(['0.60', '0.65', '0.70', '0.75', '0.80', '0.85', '0.90', '0.95']);
  });

  it('a tight linear scale ends at the data and ticks inside it', () => {
    const s = linearScale(0.5, 160.5, [0, 500], 6, true);
    expect(s.domain).toEqual([0.5, 160.5]);
    expect(s.ticks().map((t) => t.value)).toEqual([50, 100, 150]);
  });

  it('counts spanning 100× get a log axis with decade labels', () => {
    const s = autoScale([41, 252, 993, 2747, 7890], [0, 400]);
    expect(s.log).toBe(true);
    expect(s.domain).toEqual([20, 10000]);
    expect(s.ticks().map((t) => t.label)).toEqual(['20', '50', '100', '200', '500', '1,000', '2,000', '5,000', '10k']);
    expect(s.map(1000)).toBeCloseTo(s.map(100) + (s.map(10000) - s.map(100)) / 2, 6);
    expect(autoScale([80, 85, 90], [0, 1]).log).toBe(false);
  });

  it('a log scale rejects non-positive domains', () => {
    expect(() => logScale(0, 10, [0, 1])).toThrow(/positive/);
  });

  it('formats compact numbers', () => {
    expect(formatNumber(238850)).toBe('239k');
    expect(formatNumber(1_500_000)).toBe('1.5M');
    expect(formatNumber(7890)).toBe('7,890');
    expect(formatNumber(0.25, 2)).toBe('0.25');
  });
});

describe('labels', () => {
  it('thinned tick labels never overlap', () => {
    const positions = Array.from({ length: 60 }, (_, i) => 100 + i * 14);
    const sizes = positions.map((_, i) => textWidth(String(i + 1), 11));
    const keep = thinLabels(positions, sizes, positions.map(() => false));
    expect(keep.length).toBeGreaterThan(5);
    for (let n = 1; n < keep.length; n++) {
      const a = keep[n - 1];
      const b = keep[n];
      expect(positions[b] - positions[a]).toBeGreaterThanOrEqual((sizes[a] + sizes[b]) / 2);
    }
  });

  it('log axes keep the powers of ten when thinning', () => {
    const values = [10, 20, 50, 100, 200, 500, 1000];
    const keep = thinLabels(values.map((_, i) => i * 12), values.map(() => 20), values.map((v) => Number.isInteger(Math.log10(v))));
    expect(keep.map((i) => values[i])).toEqual([10, 100, 1000]);
  });

  it('escapes markup and cuts long labels', () => {
    expect(esc(`<a href="x">&'`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&#39;');
    const cut = fitText('features.blocks.12.depthwise.conv', 11, 60, 'end');
    expect(cut.startsWith('…')).toBe(true);
    expect(textWidth(cut, 11)).toBeLessThanOrEqual(60);
  });
});

describe('charts', () => {
  it('a line chart is well-formed SVG with its axis titles and legend', () => {
    const out = lineChart({
      title: 'loss', width: 600, height: 300, xTitle: 'epoch', yTitle: 'loss (nats)',
      series: [{ name: 'a<b', color: '#000', points: [[1, 1], [2, 0.5], [3, 0.25]] }], bands: [{ from: 0.5, to: 2.5, label: 'warm-up' }],
    });
    expect(markupProblems(out)).toEqual([]);
    expect(out).toContain('>epoch<');
    expect(out).toContain('loss (nats)');
    expect(out).toContain('a&lt;b');
    expect(out).not.toContain('a<b');
  });

  it('a scatter chart fades dominated points and marks the seed', () => {
    const out = scatterChart({
      title: 'front', width: 500, height: 350, xTitle: 'parameters (count)', yTitle: 'accuracy (%)', legend: [],
      points: [
        { x: 100, y: 80, color: '#111', mark: 'circle', front: true, label: '#0', tooltip: 'p0' },
        { x: 300, y: 70, color: '#222', mark: 'faded', label: '#1', tooltip: 'p1 dominated' },
        { x: 5000, y: 86, color: '#333', mark: 'diamond', label: 'seed', tooltip: 'seed' },
      ],
    });
    expect(markupProblems(out)).toEqual([]);
    expect(out).toMatch(/<title>p1 dominated<\/title><circle[^>]*fill-opacity="0.25"/);
    expect(out).toMatch(/<title>seed<\/title><path d="M/);
    expect(out).toContain('log scale');
  });

  it('a heat map greys cells without a value and marks the kept column', () => {
    const out = heatMap({
      title: 'masks', width: 700, rows: ['conv', 'head'], cols: [1, 2, 3], values: [[1, 0.5, 0.25], [null, null, null]], lo: 0, hi: 1,
      format: (v) => `${Math.round(v * 100)}`, rightLabels: ['4/16', '–'], xTitle: 'search epoch', colName: 'epoch', colorTitle: 'alive (%)', mark: { col: 2, label: 'kept' },
    });
    expect(markupProblems(out)).toEqual([]);
    expect(out).toContain('fill="#d9d9d9"');
    expect(out).toContain('>kept<');
    expect(out).toContain('>4/16<');
    expect(out).toContain('<title>head, epochs 1–3: n/a</title>');
    expect(out).toContain('<title>conv, epoch 2: 50</title>');
  });
});
