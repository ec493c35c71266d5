/**
 * `tsdnas compare` on hand-made runs (no training): two multi-seed PIT runs and a single-seed
 * one. Through the real command line: the table, the verdict and `--json <file>` (which main.ts
 * must leave to the command instead of taking it as the global event stream); the errors for no
 * common seed, a missing cost axis and a directory that is not a run, each with exit code 2.
 */

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeSeedsFront } from '../../src/io/seeds-front.js';
import { cli } from '../reliability/cli.js';
import { sweepPoints, writeSeedRun, type FixturePoint } from '../search/seedFixtures.js';

const tmp = mkdtempSync(join(tmpdir(), 'tsdnas-compare-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function multi(name: string, seeds: number[], points: (seed: number) => FixturePoint[]): string {
  const out = join(tmp, name);
  writeSeedsFront(out, seeds.map((seed) => ({ seed, dir: writeSeedRun(join(out, `seed-${seed}`), { seed, points: points(seed) }) })));
  return out;
}

// B is A with every test accuracy lower by 2-4 points: A wins every seed by a clear margin.
const a = multi('a', [0, 1, 2], (s) => sweepPoints(0.01 * s));
const b = multi('b', [0, 1, 2], (s) => sweepPoints(0.01 * s).map((p) => ({ ...p, test: p.test - 0.02 - 0.01 * s })));
const single = writeSeedRun(join(tmp, 'single', 'seed-7'), { seed: 7, points: sweepPoints(0) });

describe('tsdnas compare', () => {
  it('prints the per-seed table and verdict, and writes the numbers with --json <file>', async () => {
    const file = join(tmp, 'cmp.json');
    const r = await cli(['compare', a, b, '--json', file]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/A = .*\/a \(sweep, seeds 0, 1, 2\)/);
    expect(r.stdout).toMatch(/cost: params \(log10 axis\); metric: test accuracy/);
    expect(r.stdout).toMatch(/seed +HV A +HV B +A − B +winner/);
    expect(r.stdout).toMatch(/A wins 3, B wins 0 of 3 seeds/);
    expect(r.stdout).toMatch(/verdict: .*Paired t test over the seeds/);
    const j = JSON.parse(readFileSync(file, 'utf8'));
    expect(j.format).toBe('tsdnas.compare/1');
    expect(j.seeds.map((s: { seed: number }) => s.seed)).toEqual([0, 1, 2]);
    expect(j.seeds.every((s: { difference: number }) => s.difference > 0)).toBe(true);
    expect(j.summary).toMatchObject({ n: 3, dof: 2, aWins: 3, bWins: 0 });
    expect(typeof j.verdict).toBe('string');
    expect(r.stdout).toContain(`numbers: ${file}`);
  }, 60_000);

  it('fails naming both runs\' seeds when they share none, a missing axis with the available ones, and a non-run', async () => {
    const none = await cli(['compare', a, single]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/share no seed \(.*\/a: seeds 0, 1, 2; .*seed-7: seeds 7\)/);
    const axis = await cli(['compare', a, b, '--cost', 'size']);
    expect(axis.code).toBe(2);
    expect(axis.stderr).toMatch(/--cost size is not a cost of .*; the cost axes are .*: params, macs/);
    const notRun = await cli(['compare', a, tmp]);
    expect(notRun.code).toBe(2);
    expect(notRun.stderr).toMatch(/holds no front\.json/);
  }, 60_000);
});
