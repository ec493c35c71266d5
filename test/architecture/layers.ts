/**
 * The documented layers of src/ (docs/design.md, "Code layers") as a rank per directory, and a
 * checker over the import graph: an import may point to its own layer or a lower one, never up.
 * A second rule keeps the methods apart: a file of one method (nas, quant, joint) may import
 * another method only through that method's index file, so what methods share lives below
 * them (the graph layer) and not in one method's internals.
 * The checkers take the sources as a map so a test can feed them a deliberately wrong import.
 */

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** Lowest first; a path belongs to the first (longest listed first where nested) prefix it matches. */
export const LAYERS: readonly (readonly [prefix: string, rank: number, name: string])[] = [
  ['util', 0, 'tensor'], ['tensor', 0, 'tensor'],
  ['platform', 1, 'kernels'], ['kernels', 1, 'kernels'],
  ['autograd', 2, 'autograd'],
  ['nn', 3, 'nn'],
  ['models', 3, 'nn'],
  ['data', 4, 'data / hw'], ['hw', 4, 'data / hw'],
  ['graph', 5, 'graph and search machinery'], ['search', 5, 'graph and search machinery'],
  ['nas', 6, 'methods'], ['quant', 6, 'methods'], ['joint', 6, 'methods'],
  ['io', 7, 'io / report'], ['report', 7, 'io / report'],
  ['api', 8, 'library API'],
  ['cli', 9, 'cli'],
  ['index.ts', 10, 'entry points'], ['browser.ts', 10, 'entry points'],
];

/** The search methods: top-level directories of the 'methods' layer, each one method. */
export const METHODS: readonly string[] = ['nas', 'quant', 'joint'];

export function layerOf(rel: string): { rank: number; name: string; prefix: string } | null {
  for (const [prefix, rank, name] of LAYERS) if (rel === prefix || rel.startsWith(`${prefix}/`)) return { rank, name, prefix };
  return null;
}

/** Every `.ts` file under src (generated code excluded), path relative to src → source text. */
export function readSources(src: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) {
        if (e !== 'generated' && e !== 'assembly') walk(p);
      } else if (p.endsWith('.ts')) out.set(relative(src, p), readFileSync(p, 'utf8'));
    }
  };
  walk(src);
  return out;
}

const IMPORT = /^\s*(?:import|export)\s+(?:type\s+)?(?:[^'"]*?\s+from\s+)?['"](\.[^'"]+)['"]|\bimport\(\s*['"](\.[^'"]+)['"]\s*\)/gm;

export interface LayerViolation {
  from: string;
  to: string;
  /** "from (layer) imports to (layer)" */
  message: string;
}

/** Every relative import of every file, resolved to a path under src (`.js` read as `.ts`). */
function importsOf(sources: ReadonlyMap<string, string>): { from: string; to: string }[] {
  const out: { from: string; to: string }[] = [];
  for (const [file, text] of sources) {
    for (const m of text.matchAll(IMPORT)) out.push({ from: file, to: relative('/', resolve('/', dirname(file), m[1] ?? m[2])).replace(/\.js$/, '.ts') });
  }
  return out;
}

/** The method a file belongs to (its top-level directory in the methods layer), or null. */
export function methodOf(rel: string): string | null {
  const l = layerOf(rel);
  const top = rel.split('/')[0];
  return l !== null && l.name === 'methods' && METHODS.includes(top) ? top : null;
}

/** Imports from one method into another method's files other than its index files. */
export function methodViolations(sources: ReadonlyMap<string, string>): LayerViolation[] {
  const out: LayerViolation[] = [];
  for (const { from, to } of importsOf(sources)) {
    const a = methodOf(from);
    const b = methodOf(to);
    if (a === null || b === null || a === b || to.endsWith('/index.ts')) continue;
    out.push({ from, to, message: `${from} (method ${a}) imports ${to}, an internal file of method ${b} (import its index.ts, or move what both need below the methods)` });
  }
  return out;
}

/** Imports (static, type-only and dynamic, relative paths) that point to a higher layer, or a file in no layer. */
export function layerViolations(sources: ReadonlyMap<string, string>): LayerViolation[] {
  const out: LayerViolation[] = [];
  for (const { from: file, to } of importsOf(sources)) {
    const a = layerOf(file);
    const b = layerOf(to);
    if (a === null || b === null) {
      out.push({ from: file, to, message: `${a === null ? file : to} is in no documented layer (add it to test/architecture/layers.ts and docs/design.md)` });
    } else if (b.rank > a.rank) {
      out.push({ from: file, to, message: `${file} (${a.name}) imports ${to} (${b.name}), a higher layer` });
    }
  }
  return out;
}
