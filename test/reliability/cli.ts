/** Running `tsdnas` as a child process for the reliability tests (exit code, stdout, stderr). */

import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveDataDir } from '../../src/data/dataDir.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = join(ROOT, 'src', 'cli', 'main.ts');

export interface Run { code: number; stdout: string; stderr: string }

export function cli(args: string[], timeout = 120_000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: ROOT, env: { ...process.env, TSDNAS_DEBUG: '' }, timeout }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

export const hasEcg200 = (() => {
  try {
    return existsSync(join(resolveDataDir(), 'ucr', 'ECG200'));
  } catch {
    return false;
  }
})();

/** A JSON output without what legitimately differs between runs: wall-clock seconds and the run directory. */
export function stableJson(path: string): string {
  const strip = (v: unknown): unknown => Array.isArray(v) ? v.map(strip)
    : v !== null && typeof v === 'object' ? Object.fromEntries(Object.entries(v).filter(([k]) => !/seconds/i.test(k) && k !== 'out').map(([k, x]) => [k, strip(x)])) : v;
  return JSON.stringify(strip(JSON.parse(readFileSync(path, 'utf8'))));
}
