/**
 * Injects I/O failures mid-write (disk full, failed fsync, failed rename) to prove that the
 * temp file is removed and a pre-existing target keeps its old content.
 */

import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';

const failures = vi.hoisted(() => ({ step: '', tempNames: [] as string[] }));

function injected(step: string): Error {
  return Object.assign(new Error(`injected ${step} failure`), { code: step === 'writeSync' ? 'ENOSPC' : 'EIO' });
}

vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  const wrap = <A extends unknown[], R>(step: string, fn: (...args: A) => R) =>
    (...args: A): R => {
      if (failures.step === step) throw injected(step);
      return fn(...args);
    };
  return {
    ...real,
    openSync: (...args: Parameters<typeof real.openSync>) => {
      failures.tempNames.push(String(args[0]));
      return real.openSync(...args);
    },
    writeSync: wrap('writeSync', real.writeSync as (...a: unknown[]) => number),
    fsyncSync: wrap('fsyncSync', real.fsyncSync),
    renameSync: wrap('renameSync', real.renameSync),
  };
});

vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...real,
    rename: async (...args: Parameters<typeof real.rename>) => {
      if (failures.step === 'rename') throw injected('rename');
      return real.rename(...args);
    },
  };
});

const { writeFileAtomic, writeFileAtomicAsync } = await import('../../src/io/atomic.js');

afterEach(() => {
  failures.step = '';
  failures.tempNames = [];
});

describe('atomic write under injected failures', () => {
  for (const step of ['writeSync', 'fsyncSync', 'renameSync']) {
    it(`keeps the old file and removes the temp file when ${step} fails`, () => {
      const dir = mkdtempSync(join(tmpdir(), 'tsdnas-'));
      const file = join(dir, 'ckpt.bin');
      writeFileSync(file, 'old content');
      failures.step = step;
      expect(() => writeFileAtomic(file, 'new content')).toThrow(new RegExp(`ckpt\\.bin: could not write the file atomically \\(injected ${step} failure\\)`));
      expect(readFileSync(file, 'utf8')).toBe('old content');
      expect(readdirSync(dir)).toEqual(['ckpt.bin']);
    });
  }

  it('explains a full disk', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsdnas-'));
    failures.step = 'writeSync';
    expect(() => writeFileAtomic(join(dir, 'f'), 'x')).toThrow(/the disk is full; free some space and retry/);
  });

  it('keeps the old file when the async rename fails', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsdnas-'));
    const file = join(dir, 'ckpt.bin');
    writeFileSync(file, 'old content');
    failures.step = 'rename';
    await expect(writeFileAtomicAsync(file, 'new content')).rejects.toThrow(/injected rename failure/);
    expect(readFileSync(file, 'utf8')).toBe('old content');
    expect(readdirSync(dir)).toEqual(['ckpt.bin']);
  });

  it('names temp files path.pid.counter.tmp and skips stale ones instead of clobbering them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsdnas-'));
    const file = join(dir, 'out.txt');
    writeFileAtomic(file, 'first');
    const first = failures.tempNames.filter((n) => n.endsWith('.tmp')).at(-1)!;
    const match = /^(.*)\.(\d+)\.(\d+)\.tmp$/.exec(first);
    expect(match?.[1]).toBe(file);
    expect(Number(match?.[2])).toBe(process.pid);
    const next = Number(match?.[3]) + 1;
    const stale = [next, next + 1].map((n) => `${file}.${process.pid}.${n}.tmp`);
    for (const name of stale) writeFileSync(name, 'stale');
    writeFileAtomic(file, 'second');
    expect(readFileSync(file, 'utf8')).toBe('second');
    for (const name of stale) expect(readFileSync(name, 'utf8')).toBe('stale');
    expect(readdirSync(dir).filter((n) => !n.endsWith('.tmp'))).toEqual(['out.txt']);
    expect(readdirSync(dir)).toHaveLength(3);
  });
});
