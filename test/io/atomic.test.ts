/** Tests atomic writes: content, directory creation, and no debris after success or failure. */

import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic, writeFileAtomicAsync, writeJsonAtomic, writeJsonAtomicAsync } from '../../src/io/atomic.js';

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'tsdnas-'));
}

describe('writeFileAtomic', () => {
  it('writes strings as UTF-8 and bytes verbatim, leaving no temp file', () => {
    const dir = tmp();
    writeFileAtomic(join(dir, 'a.txt'), 'héllo\n');
    writeFileAtomic(join(dir, 'b.bin'), Uint8Array.from([0, 255, 7]));
    expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('héllo\n');
    expect(Array.from(readFileSync(join(dir, 'b.bin')))).toEqual([0, 255, 7]);
    expect(readdirSync(dir).sort()).toEqual(['a.txt', 'b.bin']);
  });

  it('writes only the viewed bytes of a subarray', () => {
    const dir = tmp();
    const file = join(dir, 'view.bin');
    writeFileAtomic(file, Uint8Array.from([1, 2, 3, 4]).subarray(1, 3));
    expect(Array.from(readFileSync(file))).toEqual([2, 3]);
  });

  it('creates missing parent directories and replaces an existing file', () => {
    const dir = tmp();
    const file = join(dir, 'x', 'y', 'z.txt');
    writeFileAtomic(file, 'one');
    writeFileAtomic(file, 'two');
    expect(readFileSync(file, 'utf8')).toBe('two');
    expect(readdirSync(join(dir, 'x', 'y'))).toEqual(['z.txt']);
  });

  it('fails cleanly when the parent path is a file', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'blocker'), 'keep');
    const file = join(dir, 'blocker', 'out.txt');
    expect(() => writeFileAtomic(file, 'data')).toThrow(/blocker[/\\]out\.txt: could not .*parent path/);
    expect(readdirSync(dir)).toEqual(['blocker']);
    expect(readFileSync(join(dir, 'blocker'), 'utf8')).toBe('keep');
  });

  it('removes its temp file when the final rename fails', () => {
    const dir = tmp();
    const target = join(dir, 'target');
    mkdirSync(target);
    writeFileSync(join(target, 'inside'), 'keep');
    // Renaming a file over a non-empty directory fails after the data was written.
    expect(() => writeFileAtomic(target, 'data')).toThrow(/target: could not write the file atomically/);
    expect(readdirSync(dir)).toEqual(['target']);
    expect(readFileSync(join(target, 'inside'), 'utf8')).toBe('keep');
  });
});

describe('writeFileAtomicAsync', () => {
  it('writes and replaces files like the sync version', async () => {
    const dir = tmp();
    const file = join(dir, 'deep', 'a.txt');
    await writeFileAtomicAsync(file, 'one');
    await writeFileAtomicAsync(file, Uint8Array.from([0x32]));
    expect(readFileSync(file, 'utf8')).toBe('2');
    expect(readdirSync(join(dir, 'deep'))).toEqual(['a.txt']);
  });

  it('fails cleanly when the parent path is a file', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'blocker'), 'keep');
    await expect(writeFileAtomicAsync(join(dir, 'blocker', 'out.txt'), 'data')).rejects.toThrow(/out\.txt: could not/);
    expect(readdirSync(dir)).toEqual(['blocker']);
  });

  it('removes its temp file when the final rename fails', async () => {
    const dir = tmp();
    const target = join(dir, 'target');
    mkdirSync(target);
    writeFileSync(join(target, 'inside'), 'keep');
    await expect(writeFileAtomicAsync(target, 'data')).rejects.toThrow(/could not write the file atomically/);
    expect(readdirSync(dir)).toEqual(['target']);
  });
});

describe('writeJsonAtomic', () => {
  it('writes pretty JSON with a trailing newline', async () => {
    const dir = tmp();
    writeJsonAtomic(join(dir, 'a.json'), { a: 1, b: [true, null] });
    expect(readFileSync(join(dir, 'a.json'), 'utf8')).toBe('{\n  "a": 1,\n  "b": [\n    true,\n    null\n  ]\n}\n');
    await writeJsonAtomicAsync(join(dir, 'b.json'), 'x');
    expect(readFileSync(join(dir, 'b.json'), 'utf8')).toBe('"x"\n');
  });

  it('refuses unserialisable values before touching an existing file', () => {
    const dir = tmp();
    const file = join(dir, 'config.json');
    writeFileSync(file, 'original');
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(() => writeJsonAtomic(file, cyclic)).toThrow(/config\.json: value cannot be written as JSON/);
    expect(() => writeJsonAtomic(file, undefined)).toThrow(/config\.json: value of type undefined has no JSON form/);
    expect(() => writeJsonAtomic(file, { n: 1n })).toThrow(/value cannot be written as JSON/);
    expect(readFileSync(file, 'utf8')).toBe('original');
    expect(readdirSync(dir)).toEqual(['config.json']);
  });
});
