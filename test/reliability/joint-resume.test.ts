/**
 * Kill and resume for `tsdnas joint` (the joint architecture + precision search): SIGKILLed in the
 * warm-up, in the first point's joint search (Gumbel sampling: the selectors' noise generator and
 * temperature are state, besides the masks, logits and both optimisers) and in its quantisation-aware
 * fine-tune, resumed each time; the quantised checkpoints are byte-identical and the fronts
 * identical (wall-clock seconds aside) to an uninterrupted run, and a second uninterrupted run
 * gives the same bytes (determinism).
 */

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it, expect } from 'vitest';
import { Rng } from '../../src/tensor/rng.js';
import { LOCK_FILE } from '../../src/io/run-lock.js';
import { STATE_DIR } from '../../src/io/search-state.js';
import { cli, hasEcg200, stableJson } from './cli.js';
import { runAndKill, type KillPlan } from './kill.js';

const tmp = mkdtempSync(join(tmpdir(), 'tsdnas-joint-resume-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const JOINT = ['joint', '--dataset', 'ecg200', '--warmup-epochs', '2', '--search-epochs', '4', '--finetune-epochs', '2', '--run-baselines', 'false',
  '--sweep', 'true', '--lambdas', '1e-5,1e-4', '--sampling', 'gumbel', '--batch-size', '16', '--seed', '5', '--backend', 'js'];

describe.skipIf(!hasEcg200)('joint search: kill and resume, determinism (child processes)', () => {
  it('SIGKILLed in warm-up, joint search and fine-tune, resumed each time: checkpoints and fronts identical to an uninterrupted run, which repeats bit for bit', async () => {
    const a = join(tmp, 'a');
    const ra = await cli([...JOINT, '--out', a]);
    expect(ra.code, ra.stderr).toBe(0);
    const a2 = join(tmp, 'a2');
    const ra2 = await cli([...JOINT, '--out', a2]);
    expect(ra2.code, ra2.stderr).toBe(0);
    const b = join(tmp, 'b');
    const state = join(b, STATE_DIR);
    const rng = new Rng(29);
    const plans: KillPlan[] = [
      { only: 'warmup', writes: 1, delayMs: rng.int(100) },
      { only: 'point-0.search', writes: 1 + rng.int(2), delayMs: rng.int(100) },
      { only: 'point-0.finetune', writes: 1, delayMs: rng.int(100) },
      { only: 'point-1.search', writes: 1, delayMs: rng.int(100) },
    ];
    let kills = 0;
    for (const plan of plans) {
      const killed = await runAndKill(kills === 0 ? [...JOINT, '--out', b] : ['mps', '--resume', b], state, plan);
      expect(killed, JSON.stringify(plan)).toBe(true);
      kills++;
      rmSync(join(b, LOCK_FILE));
    }
    const r = await cli(['mps', '--resume', b]);
    expect(r.code, r.stderr).toBe(0);
    for (const p of ['point-0', 'point-1']) {
      const qa = readFileSync(join(a, p, 'quantized.safetensors'));
      expect(readFileSync(join(a2, p, 'quantized.safetensors')).equals(qa), `${p} repeat`).toBe(true);
      expect(readFileSync(join(b, p, 'quantized.safetensors')).equals(qa), `${p} resumed`).toBe(true);
      expect(stableJson(join(b, p, 'summary.json')), p).toBe(stableJson(join(a, p, 'summary.json')));
    }
    const front = JSON.parse(readFileSync(join(a, 'front.json'), 'utf8')) as { points: { kind: string }[] };
    expect(front.points.map((p) => p.kind)).toEqual(['joint', 'joint']);
    expect(stableJson(join(b, 'front.json'))).toBe(stableJson(join(a, 'front.json')));
    expect(stableJson(join(a2, 'front.json'))).toBe(stableJson(join(a, 'front.json')));
    expect(existsSync(state)).toBe(false);
    console.log(`joint resume test: ${kills} SIGKILLs (warm-up, joint search, fine-tune, second search), resumed each time; quantized.safetensors byte-identical to an uninterrupted run and to its repeat`);
  }, 300_000);
});
