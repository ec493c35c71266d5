/**
 * Same seed and config → identical results across processes: `tsdnas train` run twice as child
 * processes (per backend) must write byte-identical checkpoints and the same loss / metric
 * history and test figures; a different seed must not.
 */

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it, expect } from 'vitest';
import { cli, hasEcg200 } from './cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'tsdnas-det-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Outcome { checkpoint: Buffer; numbers: unknown }

let n = 0;
async function train(backend: string, seed: number): Promise<Outcome> {
  const out = join(tmp, `run-${++n}`);
  const r = await cli(['train', '--dataset', 'ecg200', '--epochs', '2', '--limit', '40', '--batch-size', '8', '--aug-noise', '0.05',
    '--seed', String(seed), '--backend', backend, '--out', out]);
  expect(r.code, r.stderr).toBe(0);
  const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  // Everything but wall-clock time.
  const history = s.history.map(({ seconds: _s, ...rest }: { seconds: number }) => rest);
  return { checkpoint: readFileSync(join(out, 'model.safetensors')), numbers: { history, test: s.test, bestEpoch: s.bestEpoch } };
}

describe('determinism across processes', () => {
  for (const backend of ['js', 'auto']) {
    it.skipIf(!hasEcg200)(`backend ${backend}: two processes, same seed → identical checkpoint bytes and figures; another seed differs`, async () => {
      const [a, b] = await Promise.all([train(backend, 5), train(backend, 5)]);
      expect(b.numbers).toEqual(a.numbers);
      expect(b.checkpoint.equals(a.checkpoint)).toBe(true);
      const c = await train(backend, 6);
      expect(c.checkpoint.equals(a.checkpoint)).toBe(false);
    }, 120_000);
  }
});
