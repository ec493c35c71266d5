/** Hardware-aware search from the CLI: target costs in the front (ms, mJ, bytes), budget checks, usage errors. */

import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSearchCommand } from '../../src/cli/commands/search.js';
import { parseBytes } from '../../src/search/constraints.js';
import { hasBenchmarkData } from '../benchmarkData.js';

const haveData = hasBenchmarkData('ucr/ECG200', 'test/hw/searchCli.test.ts', 'the ECG200 sweep with --target');

function quiet<T>(fn: () => T): { value: T; out: string } {
  const log = console.log;
  const err = process.stderr.write.bind(process.stderr);
  let out = '';
  console.log = (...a: unknown[]) => { out += a.join(' ') + '\n'; };
  process.stderr.write = ((s: string) => { out += s; return true; }) as typeof process.stderr.write;
  try {
    return { value: fn(), out };
  } finally {
    console.log = log;
    process.stderr.write = err;
  }
}

const RUN = ['--backend', 'js', '--warmup-epochs', '2', '--search-epochs', '3', '--finetune-epochs', '1', '--batch-size', '16', '--mask-lr', '0.1'];
const SHORT = ['--dataset', 'ecg200', ...RUN];
/** For the usage errors: mnist ships with the project, so they are checked on a clone without the benchmark data too. */
const USAGE = ['--dataset', 'mnist', ...RUN];

describe('memory budgets', () => {
  it('sizes parse with KB = 1024 B and bad sizes name the option', () => {
    expect(parseBytes('64KB', '--max-flash')).toBe(65536);
    expect(parseBytes('1.5MB', '--max-flash')).toBe(1.5 * 1024 * 1024);
    expect(parseBytes('4096', '--max-ram')).toBe(4096);
    expect(() => parseBytes('64 kbytes', '--max-ram')).toThrow(/--max-ram 64 kbytes: not a size/);
  });

  it('hardware costs and budgets without --target are usage errors naming the flag', () => {
    expect(() => runSearchCommand([...USAGE, '--cost', 'latency'], false)).toThrow(/--cost latency needs a hardware target: add --target gap8/);
    expect(() => runSearchCommand([...USAGE, '--max-flash', '64KB'], false)).toThrow(/--max-flash needs a hardware target/);
    expect(() => runSearchCommand([...USAGE, '--target', 'gap9'], false)).toThrow(/--target: unknown target 'gap9'/);
    expect(() => runSearchCommand([...USAGE, '--target', 'gap8', '--max-ram', 'lots'], false)).toThrow(/--max-ram lots: not a size/);
  });
});

describe.skipIf(!haveData)('tsdnas sweep --target', () => {
  it('writes latency / energy / memory per point, the latency and energy fronts, and checks every point against its budgets', () => {
    const out = mkdtempSync(join(tmpdir(), 'tsdnas-hw-sweep-'));
    const { out: text } = quiet(() => runSearchCommand([...SHORT, '--target', 'gap8', '--cost', 'latency', '--max-flash', '64KB', '--max-ram', '1KB', '--lambdas', '0.1,10', '--out', out], true));
    const front = JSON.parse(readFileSync(join(out, 'front.json'), 'utf8'));
    expect(front.target.name).toBe('gap8');
    expect(front.budgets).toEqual([{ cost: 'flash', bytes: 65536, option: '--max-flash 64KB' }, { cost: 'ram', bytes: 1024, option: '--max-ram 1KB' }]);
    expect(front.points).toHaveLength(2);
    for (const p of front.points) {
      expect(p.latency_ms).toBeCloseTo((p.cycles / 100e6) * 1e3, 4);
      expect(p.energy_mJ).toBeCloseTo(p.latency_ms * 0.051, 5);
      expect(p.budgets_ok).toBe(p.flash_B <= 65536 && p.ram_B <= 1024);
    }
    expect(front.frontLatency.length).toBeGreaterThan(0);
    const header = readFileSync(join(out, 'front.csv'), 'utf8').split('\n')[0];
    expect(header).toContain('latency_ms,energy_mJ,flash_B,ram_B,budgets_ok');
    expect(header).toContain('front_latency,front_energy');
    // The seed's 3.8 KB of RAM cannot fit 1 KB in three search epochs: the violation is reported, not hidden.
    expect(text).toMatch(/on gap8 \(100 MHz, 51\.00 mW\)/);
    expect(text).toMatch(/memory budgets: flash .* ≤ 64\.0 KB ok, ram .* > 1\.0 KB VIOLATED/);
    expect(text).toMatch(/WARNING: \d found model\(s\) exceed the memory budget/);
  });
});
