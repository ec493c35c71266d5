/**
 * Layers point down: every import in src/ goes to its own layer or a lower one
 * (test/architecture/layers.ts). The imports that break the rule today are listed one by one as
 * known debt (issue 19 moves them); the list may only shrink — an entry that no longer occurs
 * fails the test, so that it is taken off. A deliberately wrong import is caught and named.
 * Methods (nas, quant, joint) reach each other only through index files, with no known debt.
 */

import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { layerOf, layerViolations, methodViolations, readSources } from './layers.js';

const SRC = fileURLToPath(new URL('../../src', import.meta.url));

/** Upward imports that exist today, "from → to"; each should disappear, none may be added (issue 19 cleared the list). */
const KNOWN_DEBT: readonly string[] = [];

describe('layering', () => {
  const sources = readSources(SRC);
  const found = layerViolations(sources);
  const keys = [...new Set(found.map((v) => `${v.from} → ${v.to}`))];

  it('every file of src/ is in a documented layer', () => {
    const orphans = [...sources.keys()].filter((f) => layerOf(f) === null);
    expect(orphans, 'files in no layer').toEqual([]);
  });

  it('no import points up, except the listed known debt', () => {
    const fresh = found.filter((v) => !KNOWN_DEBT.includes(`${v.from} → ${v.to}`)).map((v) => v.message);
    expect(fresh, 'imports that point to a higher layer').toEqual([]);
  });

  it('the known-debt list holds only imports that still exist (take fixed ones off)', () => {
    expect(KNOWN_DEBT.filter((k) => !keys.includes(k))).toEqual([]);
  });

  it('a deliberately wrong import is caught and named', () => {
    const fake = new Map(sources);
    fake.set('tensor/bad.ts', "import { main } from '../cli/main.js';\nexport const x = main;\n");
    fake.set('nn/alsoBad.ts', "export type { PitModel } from '../nas/pit/model.js';\n");
    fake.set('kernels/lazy.ts', "export async function f() { return import('../report/html.js'); }\n");
    const msgs = layerViolations(fake).map((v) => v.message);
    expect(msgs).toContain('tensor/bad.ts (tensor) imports cli/main.ts (cli), a higher layer');
    expect(msgs).toContain('nn/alsoBad.ts (nn) imports nas/pit/model.ts (methods), a higher layer');
    expect(msgs).toContain('kernels/lazy.ts (kernels) imports report/html.ts (io / report), a higher layer');
  });

  it('no method imports another method\'s internals (only its index files)', () => {
    expect(methodViolations(sources).map((v) => v.message)).toEqual([]);
  });

  it('a deliberately wrong cross-method import is caught and named; index imports and the machinery below are not', () => {
    const fake = new Map(sources);
    fake.set('quant/mps/bad.ts', "import { PitModel } from '../../nas/pit/model.js';\nexport const x = PitModel;\n");
    fake.set('joint/alsoBad.ts', "export type { MpsModel } from '../quant/mps/model.js';\n");
    fake.set('joint/fine.ts', "import { pit } from '../nas/pit/index.js';\nimport { mps } from '../quant/mps/index.js';\nimport { traceModel } from '../graph/trace.js';\nimport type { SearchableModel } from '../search/types.js';\n");
    const v = methodViolations(fake);
    const msgs = v.map((x) => x.message);
    expect(msgs).toContain('quant/mps/bad.ts (method quant) imports nas/pit/model.ts, an internal file of method nas (import its index.ts, or move what both need below the methods)');
    expect(msgs).toContain('joint/alsoBad.ts (method joint) imports quant/mps/model.ts, an internal file of method quant (import its index.ts, or move what both need below the methods)');
    expect(v.filter((x) => x.from === 'joint/fine.ts')).toEqual([]);
    // The new directories are in documented layers (the machinery at 5, methods at 6).
    expect(layerOf('graph/trace.ts')?.rank).toBe(5);
    expect(layerOf('search/protocol.ts')?.rank).toBe(5);
    expect(layerOf('joint/fine.ts')?.name).toBe('methods');
  });
});
