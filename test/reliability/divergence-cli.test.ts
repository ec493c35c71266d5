/** `tsdnas train` with an exploding config: exit 1, one line naming the step, last-good weights and a summary saved. */

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it, expect } from 'vitest';
import { loadModelCheckpoint } from '../../src/io/checkpoint.js';
import { cli, hasEcg200 } from './cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'tsdnas-div-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('tsdnas train divergence (child process)', () => {
  it.skipIf(!hasEcg200)('SGD at lr 1e6 stops, names where, and keeps the last good weights', async () => {
    const out = join(tmp, 'run');
    const r = await cli(['train', '--dataset', 'ecg200', '--optimizer', 'sgd', '--lr', '1e6', '--momentum', '0.99', '--scheduler', 'none',
      '--epochs', '20', '--batch-size', '8', '--limit', '40', '--out', out]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/tsdnas: training diverged at (epoch \d+, batch \d+\/\d+|the end of epoch \d+): .*saved the weights of epoch \d+ to .*last-good\.safetensors/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(out, 'model.safetensors'))).toBe(false);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.status).toBe('diverged');
    expect(typeof summary.layer).toBe('string');
    const { model } = loadModelCheckpoint(join(out, 'last-good.safetensors'));
    for (const t of model.stateDict().values()) expect(t.values().every((v) => Number.isFinite(v))).toBe(true);
  });
});
