// The browser entry's import graph: no Node built-in (or any other package) is statically
// reachable from src/browser.ts; the only dynamic imports are gpu.js and two guarded Node-only paths.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const STATIC = /^\s*(?:import|export)\s+(?:type\s+)?(?:[^'"]*?\s+from\s+)?['"]([^'"]+)['"]/gm;
const DYNAMIC = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

function graph(entry: string): { files: Set<string>; external: Map<string, string>; dynamic: Map<string, string> } {
  const files = new Set<string>();
  const external = new Map<string, string>();
  const dynamic = new Map<string, string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const src = readFileSync(file, 'utf8');
    for (const m of src.matchAll(STATIC)) {
      if (/^\s*(import|export)\s+type\b/.test(m[0])) continue; // erased at compile time
      const spec = m[1];
      if (spec.startsWith('.')) visit(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
      else external.set(spec, file);
    }
    for (const m of src.matchAll(DYNAMIC)) dynamic.set(m[1], file);
  };
  visit(resolve(entry));
  return { files, external, dynamic };
}

describe('browser entry', () => {
  it('reaches no Node built-in or package through static imports', () => {
    const g = graph(join('src', 'browser.ts'));
    expect(g.files.size).toBeGreaterThan(50);
    expect([...g.external.entries()]).toEqual([]);
    expect([...g.files].some((f) => f.includes(join('nas', 'pit', 'convert.ts')))).toBe(true);
  });

  it('has only the known dynamic imports: gpu.js on demand, Node-only thread helpers behind guards', () => {
    const g = graph(join('src', 'browser.ts'));
    expect([...g.dynamic.keys()].sort()).toEqual(['gpu.js', 'node:os', 'node:worker_threads']);
    expect(g.dynamic.get('node:worker_threads')).toMatch(/kernels[\\/]wasm[\\/]runtime\.ts$/);
    expect(g.dynamic.get('node:os')).toMatch(/kernels[\\/]select\.ts$/);
  });
});
