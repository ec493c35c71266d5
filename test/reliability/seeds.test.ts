/**
 * `tsdnas sweep --seeds a,b`: one complete single-seed run per seed in <out>/seed-<s>/, each the
 * same as a separate `--seed s` sweep, and the aggregate front over them; a multi-seed run
 * SIGKILLed mid-way resumes (one stale lock, the top directory's) to the same result.
 */

import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, hasEcg200, stableJson } from './cli.js';
import { runAndSignal } from './kill.js';
import { LOCK_FILE } from '../../src/io/run-lock.js';

const SWEEP = ['sweep', '--dataset', 'ecg200', '--backend', 'wasm', '--warmup-epochs', '3', '--search-epochs', '4', '--finetune-epochs', '2', '--lambdas', '1e-6,1e-4,1e-3', '--quiet'];

/** A front.json without its config (the seed runs' configs differ from a lone run's in out / force only) and wall-clock fields. */
function frontWithoutConfig(path: string): string {
  const j = JSON.parse(stableJson(path)) as Record<string, unknown>;
  delete j.config;
  return JSON.stringify(j);
}

describe.skipIf(!hasEcg200)('tsdnas sweep --seeds', () => {
  it('writes one run per seed (each equal to a lone --seed run) and the aggregate front; a SIGKILLed multi-seed run resumes to the same front', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'tsdnas-seeds-'));
    try {
      const multi = join(tmp, 'multi');
      const r = await cli([...SWEEP, '--seeds', '0,1', '--jobs', '2', '--out', multi]);
      expect(r.code, r.stderr).toBe(0);
      expect(readdirSync(multi).sort()).toEqual(['front.csv', 'front.json', 'report.html', 'run.log', 'seed-0', 'seed-1']);
      const front = JSON.parse(readFileSync(join(multi, 'front.json'), 'utf8')) as { format: string; seeds: number[]; points: { n: number }[] };
      expect(front.format).toBe('tsdnas.seeds/1');
      expect(front.seeds).toEqual([0, 1]);
      expect(front.points.map((p) => p.n)).toEqual([2, 2, 2]);
      expect(r.stdout).toMatch(/over seeds 0, 1 \(mean ± sample sd\); validation 20 and test 100 samples per seed/);
      for (const s of [0, 1]) {
        expect(existsSync(join(multi, `seed-${s}`, 'state')), 'a finished seed keeps no state').toBe(false);
        expect(existsSync(join(multi, `seed-${s}`, 'report.html'))).toBe(true);
      }

      const lone = join(tmp, 'lone-1');
      const l = await cli([...SWEEP, '--seed', '1', '--out', lone]);
      expect(l.code, l.stderr).toBe(0);
      expect(frontWithoutConfig(join(multi, 'seed-1', 'front.json'))).toBe(frontWithoutConfig(join(lone, 'front.json')));
      for (const i of [0, 1, 2]) expect(readFileSync(join(multi, 'seed-1', `point-${i}`, 'model.safetensors')).equals(readFileSync(join(lone, `point-${i}`, 'model.safetensors')))).toBe(true);

      const killed = join(tmp, 'killed');
      const k = await runAndSignal([...SWEEP, '--seeds', '0,1', '--jobs', '2', '--out', killed], join(killed, 'seed-0', 'state'), { writes: 1, only: '.done', delayMs: 100 }, 'SIGKILL');
      expect(k.sent).toBe(true);
      await new Promise((res) => setTimeout(res, 1500));
      expect(existsSync(join(killed, 'seed-0', LOCK_FILE)), 'seed directories are covered by the run lock').toBe(false);
      rmSync(join(killed, LOCK_FILE));
      const resumed = await cli(['sweep', '--resume', killed, '--quiet']);
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(stableJson(join(killed, 'front.json'))).toBe(stableJson(join(multi, 'front.json')));

      const both = await cli([...SWEEP, '--seed', '1', '--seeds', '0,1', '--out', join(tmp, 'bad')]);
      expect(both.code).toBe(2);
      expect(both.stderr).toMatch(/either --seed or --seeds/);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }, 240_000);
});
