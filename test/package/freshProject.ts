/**
 * A fresh npm project that installs the packed tsdnas tarball offline, for test/package.
 *
 * `npm install <tarball> --offline` needs the registry documents (packuments) of every dependency
 * in the npm cache, and `npm ci` (how CI installs) caches only the tarballs. So the project gets a
 * package-lock.json whose entries for tsdnas's dependencies are copied from our own lock (same
 * package.json dependencies, same versions and integrities), and `npm ci --offline` installs it:
 * npm's real install path, scripts and warnings included, served from the tarball cache alone.
 */

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

export interface NpmResult { status: number | null; stdout: string; stderr: string }

/** Runs npm in `cwd` without the caller's npm_* environment (a test may run under `npm test`). */
export function runNpm(cwd: string, args: string[], timeoutMs = 180_000): NpmResult {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k)) env[k] = v;
  const r = spawnSync(npm, args, { cwd, encoding: 'utf8', timeout: timeoutMs, env });
  return { status: r.status, stdout: r.stdout ?? '', stderr: `${r.stderr ?? ''}${r.error ? `\n${r.error.message}` : ''}` };
}

/** The `npm warn …` lines of npm's output. */
export function npmWarnings(out: string): string[] {
  return out.split('\n').filter((l) => /^npm (warn|WARN)/.test(l));
}

interface LockEntry { [field: string]: unknown; dependencies?: Record<string, string>; optionalDependencies?: Record<string, string>; peerDependencies?: Record<string, string>; peerDependenciesMeta?: Record<string, { optional?: boolean }> }
interface Lock { packages: Record<string, LockEntry> }

/** Where node would find `name` from the package at lock path `from` ('' is the root). */
function resolveIn(lock: Lock, from: string, name: string): string | null {
  let dir = from;
  for (;;) {
    const candidate = `${dir === '' ? '' : `${dir}/`}node_modules/${name}`;
    if (lock.packages[candidate] !== undefined) return candidate;
    if (dir === '') return null;
    const cut = dir.lastIndexOf('/node_modules/');
    dir = cut < 0 ? '' : dir.slice(0, cut);
  }
}

/**
 * The lock entries of everything `deps` pulls in (dependencies, optional dependencies and
 * required peers, transitively), resolved from the root of `lock`, with the dev flags dropped
 * and `optional` set where a package is reached through optional edges only.
 */
export function lockClosure(lock: Lock, deps: Record<string, string>, optionalDeps: Record<string, string> = {}): Record<string, LockEntry> {
  const required = new Map<string, boolean>();
  const queue: [string, boolean][] = [];
  const visit = (from: string, name: string, req: boolean): void => {
    const path = resolveIn(lock, from, name);
    if (path === null) {
      if (req) throw new Error(`our package-lock.json has no entry for ${name} (needed from '${from || 'the root'}'): run npm install`);
      return;
    }
    const was = required.get(path);
    if (was === true || (was === false && !req)) return;
    required.set(path, req);
    queue.push([path, req]);
  };
  for (const n of Object.keys(deps)) visit('', n, true);
  for (const n of Object.keys(optionalDeps)) visit('', n, false);
  while (queue.length > 0) {
    const [path, req] = queue.shift()!;
    const e = lock.packages[path];
    for (const n of Object.keys(e.dependencies ?? {})) visit(path, n, req);
    for (const n of Object.keys(e.optionalDependencies ?? {})) visit(path, n, false);
    for (const n of Object.keys(e.peerDependencies ?? {})) if (e.peerDependenciesMeta?.[n]?.optional !== true) visit(path, n, req);
  }
  const out: Record<string, LockEntry> = {};
  for (const [path, req] of [...required].sort(([a], [b]) => a.localeCompare(b))) {
    const { dev: _d, devOptional: _o, optional: _p, peer: _q, ...rest } = lock.packages[path];
    out[path] = req ? rest : { ...rest, optional: true };
  }
  return out;
}

/**
 * Writes package.json and package-lock.json of a project at `project` that depends on the
 * tarball (and on `extra`, names with their version ranges, resolved from our lock too).
 */
export function writeLockedProject(project: string, root: string, tarball: string, extra: Record<string, string> = {}): void {
  const ours = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as Lock;
  const meta = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as LockEntry & { version: string; license: string; bin: unknown; engines: unknown };
  const spec = `file:${relative(project, tarball)}`;
  const dependencies = { tsdnas: spec, ...extra };
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'tsdnas-user', version: '1.0.0', private: true, type: 'module', dependencies }, null, 2));
  const integrity = `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`;
  const packages: Record<string, LockEntry> = {
    '': { name: 'tsdnas-user', version: '1.0.0', dependencies },
    'node_modules/tsdnas': {
      version: meta.version, resolved: spec, integrity, license: meta.license,
      dependencies: meta.dependencies, bin: meta.bin, engines: meta.engines,
      peerDependencies: meta.peerDependencies, peerDependenciesMeta: meta.peerDependenciesMeta,
    },
    ...lockClosure(ours, { ...meta.dependencies, ...extra }),
  };
  writeFileSync(join(project, 'package-lock.json'), JSON.stringify({ name: 'tsdnas-user', version: '1.0.0', lockfileVersion: 3, requires: true, packages }, null, 2));
}
