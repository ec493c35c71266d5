/**
 * Kill and resume for `tsdnas mps`: SIGKILLed in the warm-up, in a uniform baseline's fine-tune
 * (after which that point is finished and must be loaded untouched), in the precision search
 * (Gumbel sampling: the selectors' noise generator and temperature are part of the state) and in
 * its fine-tune, resumed each time; the quantised checkpoints are byte-identical and the fronts
 * identical (wall-clock seconds aside) to an uninterrupted run. A second writer is refused.
 */

import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it, expect } from 'vitest';
import { Rng } from '../../src/tensor/rng.js';
import { LOCK_FILE } from '../../src/io/run-lock.js';
import { STATE_DIR } from '../../src/io/search-state.js';
import { cli, hasEcg200, stableJson } from './cli.js';
import { runAndKill, type KillPlan } from './kill.js';

const tmp = mkdtempSync(join(tmpdir(), 'tsdnas-mps-resume-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const MPS = ['mps', '--dataset', 'ecg200', '--warmup-epochs', '2', '--search-epochs', '3', '--finetune-epochs', '2', '--baselines', '8',
  '--lambda', '1e-4', '--sampling', 'gumbel', '--batch-size', '16', '--seed', '3', '--backend', 'js'];

describe.skipIf(!hasEcg200)('mps kill and resume (child processes)', () => {
  it('mps SIGKILLed in warm-up, baseline fine-tune, search and search fine-tune, resumed each time: checkpoints and fronts identical', async () => {
    const a = join(tmp, 'a');
    const ra = await cli([...MPS, '--out', a]);
    expect(ra.code, ra.stderr).toBe(0);
    const b = join(tmp, 'b');
    const state = join(b, STATE_DIR);
    const rng = new Rng(13);
    const plans: KillPlan[] = [
      { only: 'warmup', writes: 1, delayMs: rng.int(100) },
      { only: 'point-0.finetune', writes: 1 + rng.int(3), delayMs: rng.int(100) },
      { only: 'point-1.search', writes: 1, delayMs: rng.int(100) },
      { only: 'point-1.finetune', writes: 1, delayMs: rng.int(100) },
    ];
    let kills = 0;
    let point0: { f: string; mtime: number; data: Buffer }[] = [];
    for (const plan of plans) {
      const killed = await runAndKill(kills === 0 ? [...MPS, '--out', b] : ['mps', '--resume', b], state, plan);
      expect(killed, JSON.stringify(plan)).toBe(true);
      kills++;
      rmSync(join(b, LOCK_FILE));
      if (kills === 3) {
        // Point 0 (the uniform baseline) finished before this kill: its files must survive the rest unchanged.
        const p0 = join(b, 'point-0');
        point0 = readdirSync(p0).map((f) => ({ f, mtime: statSync(join(p0, f)).mtimeMs, data: readFileSync(join(p0, f)) }));
        expect(point0.map((x) => x.f).sort()).toEqual(['plan.json', 'quantized.safetensors', 'summary.json']);
      }
    }
    const r = await cli(['mps', '--resume', b]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/point 0 \(uniform w8a8\): finished by the interrupted run/);
    for (const x of point0) {
      expect(statSync(join(b, 'point-0', x.f)).mtimeMs, x.f).toBe(x.mtime);
      expect(readFileSync(join(b, 'point-0', x.f)).equals(x.data), x.f).toBe(true);
    }
    for (const p of ['point-0', 'point-1']) {
      expect(readFileSync(join(b, p, 'quantized.safetensors')).equals(readFileSync(join(a, p, 'quantized.safetensors'))), p).toBe(true);
      expect(stableJson(join(b, p, 'summary.json')), p).toBe(stableJson(join(a, p, 'summary.json')));
    }
    expect(stableJson(join(b, 'front.json'))).toBe(stableJson(join(a, 'front.json')));
    expect(existsSync(state)).toBe(false);
    console.log(`mps resume test: ${kills} SIGKILLs (warm-up, baseline fine-tune, search, search fine-tune), resumed each time; quantized.safetensors byte-identical, fronts identical`);
  }, 300_000);

  it('a second writer is refused', async () => {
    const d = join(tmp, 'locked');
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, LOCK_FILE), JSON.stringify({ pid: process.pid, host: hostname(), started: 'now', command: 'tsdnas mps' }));
    const r = await cli([...MPS, '--out', d]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`is in use by process ${process.pid} .*tsdnas mps.*choose another --out`));
    expect(existsSync(join(d, STATE_DIR))).toBe(false);
  }, 60_000);
});
