/**
 * The multi-seed front (writeSeedsFront, src/search/seeds.ts): statistics per point on
 * hand-made per-seed front.json files (three seeds, numbers chosen so mean / sd are exact), the
 * baseline, the front of the mean points, the split sizes, the tidy CSV, and the errors for runs
 * that are not the same sweep.
 */

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readSeedsFront, writeSeedsFront } from '../../src/io/seeds-front.js';
import { SEEDS_FORMAT, type SeedsFront } from '../../src/search/seeds.js';
import { sweepPoints, writeSeedRun, type FixturePoint } from './seedFixtures.js';

const tmp = mkdtempSync(join(tmpdir(), 'tsdnas-seeds-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A multi-seed directory with seed-<s>/ runs of the sweep points shifted by 0.01 per seed. */
function sweepOver(name: string, seeds: number[], edit: (seed: number, pts: FixturePoint[]) => FixturePoint[] = (_s, p) => p): { out: string; runs: { seed: number; dir: string }[] } {
  const out = join(tmp, name);
  const runs = seeds.map((seed, i) => ({ seed, dir: writeSeedRun(join(out, `seed-${seed}`), { seed, points: edit(seed, sweepPoints(0.01 * i)), baselineTest: 0.84 + 0.01 * i }) }));
  return { out, runs };
}

const close = (a: number | null, b: number) => expect(a).toBeCloseTo(b, 10);

describe('writeSeedsFront on a PIT sweep over three seeds', () => {
  const { out, runs } = sweepOver('sweep', [0, 1, 2]);
  const files = writeSeedsFront(out, runs);
  const agg: SeedsFront = JSON.parse(readFileSync(files.json, 'utf8'));

  it('records the format, command, metric, seeds, relative run dirs and the config without seed and out', () => {
    expect(files).toEqual({ json: join(out, 'front.json'), csv: join(out, 'front.csv') });
    expect(agg.format).toBe(SEEDS_FORMAT);
    expect(agg.command).toBe('sweep');
    expect(agg.metric).toBe('accuracy');
    expect(agg.seeds).toEqual([0, 1, 2]);
    expect(agg.runs).toEqual([{ seed: 0, dir: 'seed-0' }, { seed: 1, dir: 'seed-1' }, { seed: 2, dir: 'seed-2' }]);
    expect(agg.config).not.toHaveProperty('seed');
    expect(agg.config).not.toHaveProperty('out');
    expect(agg.config.dataset).toBe('ecg200');
    expect(agg.configDiffers).toEqual([]);
    expect(agg.costAxes).toEqual([{ axis: 'params', column: 'params' }, { axis: 'macs', column: 'macs' }]);
  });

  it('gives n, mean, sample sd (n − 1), min and max of the test metric, the val metric and every cost', () => {
    const p0 = agg.points[0];
    expect(p0.point).toBe(0);
    expect(p0.strength).toBe(1e-6);
    expect(p0.n).toBe(3);
    close(p0.stats.test_accuracy.mean, 0.89);
    close(p0.stats.test_accuracy.sd, 0.01); // (0.88, 0.89, 0.90): sqrt((1e-4 + 0 + 1e-4) / 2)
    close(p0.stats.test_accuracy.min, 0.88);
    close(p0.stats.test_accuracy.max, 0.9);
    expect(p0.stats.val_accuracy).toEqual({ n: 3, mean: 0.9, sd: 0, min: 0.9, max: 0.9 });
    expect(p0.stats.params).toEqual({ n: 3, mean: 4000, sd: 0, min: 4000, max: 4000 });
    const p1 = agg.points[1];
    close(p1.stats.params.mean, 1000); // 900, 1000, 1100
    close(p1.stats.params.sd, 100);
    expect(p1.stats.macs.mean).toBe(40000);
    expect(p1.seeds.map((s) => s.seed)).toEqual([0, 1, 2]);
    expect(p1.seeds[2].row.params).toBe(1100);
  });

  it('summarises the seed model the same way', () => {
    expect(agg.baseline.label).toBe('seed');
    close(agg.baseline.stats.test_accuracy.mean, 0.85);
    close(agg.baseline.stats.test_accuracy.sd, 0.01);
    expect(agg.baseline.stats.params.mean).toBe(8000);
    expect(agg.baseline.seeds).toHaveLength(3);
  });

  it('marks the front of the mean points per cost axis', () => {
    // Means: #0 4000 params / 89 %, #1 1000 / 71 %, #2 300 / 81 %: #1 is dominated by #2.
    expect(agg.fronts.params).toEqual([0, 2]);
    expect(agg.points.map((p) => p.front.params)).toEqual([true, false, true]);
    expect(agg.fronts.macs).toEqual([0, 2]);
  });

  it('states the split sizes once when every seed had the same', () => {
    expect(agg.splits).toMatchObject({ same: true, train: 80, val: 20, test: 100, unknown: [] });
    expect(agg.splits?.perSeed).toHaveLength(3);
  });

  it('reads back with readSeedsFront', () => {
    expect(readSeedsFront(out).points).toHaveLength(3);
  });

  it('writes a tidy CSV: header once, a row per (point, seed), then mean and sd rows per point', () => {
    const lines = readFileSync(files.csv, 'utf8').trim().split('\n');
    const header = lines[0].split(',');
    expect(header.slice(0, 4)).toEqual(['point', 'seed', 'strength', 'n']);
    expect(header).toContain('test_accuracy');
    expect(header).toContain('front_params');
    expect(lines.filter((l) => l.startsWith('point,'))).toHaveLength(1);
    // (seed model + 3 points) × (3 seeds + mean + sd)
    expect(lines).toHaveLength(1 + 4 * 5);
    const rows = lines.slice(1).map((l) => Object.fromEntries(l.split(',').map((v, i) => [header[i], v])));
    expect(rows.filter((r) => r.point === '1').map((r) => r.seed)).toEqual(['0', '1', '2', 'mean', 'sd']);
    const mean1 = rows.find((r) => r.point === '1' && r.seed === 'mean');
    expect(mean1).toMatchObject({ n: '3', params: '1000', front_params: 'false' });
    expect(rows.find((r) => r.point === '1' && r.seed === 'sd')?.params).toBe('100');
    expect(rows.find((r) => r.point === '0' && r.seed === 'mean')?.test_accuracy).toBe('0.89');
    expect(rows[0].point).toBe('seed');
  });
});

describe('writeSeedsFront on mps / joint runs', () => {
  const mpsPoints = (shift: number): FixturePoint[] => [
    { strength: null, kind: 'uniform', label: 'uniform w8a8', test: 0.86 + shift, costs: { size_bytes: 7800, bitops: 1.5e7 } },
    { strength: 1e-4, kind: 'joint', label: 'joint λ=1e-4', test: 0.84 + shift, costs: { size_bytes: 1500 + 100 * shift * 100, bitops: 3e6 } },
  ];
  const out = join(tmp, 'joint');
  const runs = [0, 1].map((seed) => ({ seed, dir: writeSeedRun(join(out, `seed-${seed}`), { seed, command: 'joint', points: mpsPoints(0.01 * seed) }) }));
  const agg: SeedsFront = JSON.parse(readFileSync(writeSeedsFront(out, runs).json, 'utf8'));

  it('detects the command, the float baseline, size / bitops axes, and keeps kinds and labels', () => {
    expect(agg.command).toBe('joint');
    expect(agg.baseline.label).toBe('float');
    expect(agg.costAxes.map((a) => `${a.axis}:${a.column}`)).toEqual(['size:size_bytes', 'bitops:bitops']);
    expect(agg.points[0]).toMatchObject({ strength: null, kind: 'uniform', label: 'uniform w8a8', n: 2 });
    expect(agg.points[1].stats.size_bytes).toMatchObject({ n: 2, mean: 1550, min: 1500, max: 1600 });
    expect(Object.keys(agg.fronts)).toEqual(['size', 'bitops']);
  });

  it('puts kind and label columns in the CSV', () => {
    const header = readFileSync(join(out, 'front.csv'), 'utf8').split('\n')[0].split(',');
    expect(header.slice(0, 6)).toEqual(['point', 'seed', 'strength', 'kind', 'label', 'n']);
  });
});

describe('writeSeedsFront refuses runs that are not the same sweep', () => {
  it('names both files when the point counts differ', () => {
    const { out, runs } = sweepOver('short', [0, 1], (seed, p) => (seed === 1 ? p.slice(0, 2) : p));
    expect(() => writeSeedsFront(out, runs)).toThrow(/seed-1\/front\.json has 2 points but .*seed-0\/front\.json has 3/);
  });

  it('names the point and both strengths when a strength differs', () => {
    const { out, runs } = sweepOver('lambda', [0, 1], (seed, p) => (seed === 1 ? p.map((q, i) => (i === 2 ? { ...q, strength: 2e-4 } : q)) : p));
    expect(() => writeSeedsFront(out, runs)).toThrow(/point 2 of .*seed-1\/front\.json has strength 0\.0002 but point 2 of .*seed-0\/front\.json has strength 0\.0001/);
  });

  it('refuses runs of different commands or metrics', () => {
    const out = join(tmp, 'mixed');
    const a = writeSeedRun(join(out, 'seed-0'), { seed: 0, points: sweepPoints(0) });
    const b = writeSeedRun(join(out, 'seed-1'), { seed: 1, command: 'mps', points: sweepPoints(0) });
    expect(() => writeSeedsFront(out, [{ seed: 0, dir: a }, { seed: 1, dir: b }])).toThrow(/different commands \(mps vs sweep\)/);
    const c = writeSeedRun(join(out, 'seed-2'), { seed: 2, metric: 'mae', points: sweepPoints(0) });
    expect(() => writeSeedsFront(out, [{ seed: 0, dir: a }, { seed: 2, dir: c }])).toThrow(/different metrics \(mae vs accuracy\)/);
  });

  it('refuses a seed given twice, a seed that is not the run\'s own, and a missing run', () => {
    const { out, runs } = sweepOver('dup', [0, 1]);
    expect(() => writeSeedsFront(out, [runs[0], { seed: 0, dir: runs[0].dir }])).toThrow(/seed 0 is given twice/);
    expect(() => writeSeedsFront(out, [{ seed: 5, dir: runs[0].dir }])).toThrow(/was run with --seed 0, but is given as the run of seed 5/);
    expect(() => writeSeedsFront(out, [runs[0], { seed: 2, dir: join(out, 'seed-2') }])).toThrow(/seed-2' is not a directory/);
    expect(() => writeSeedsFront(out, [])).toThrow(/no runs given/);
  });

  it('records split sizes per seed and says when they differ', () => {
    const out = join(tmp, 'splits');
    const runs = [0, 1].map((seed) => ({ seed, dir: writeSeedRun(join(out, `seed-${seed}`), { seed, points: sweepPoints(0), splits: { train: 80, val: 20 + seed, test: 100 } }) }));
    const agg: SeedsFront = JSON.parse(readFileSync(writeSeedsFront(out, runs).json, 'utf8'));
    expect(agg.splits).toEqual({ same: false, perSeed: [{ seed: 0, train: 80, val: 20, test: 100 }, { seed: 1, train: 80, val: 21, test: 100 }], unknown: [] });
  });
});
