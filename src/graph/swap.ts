/**
 * Swapping a child module in place: Module.replaceChild plus the parent's own fields that still
 * point at the old child (a custom module that keeps `this.conv = this.registerModule(...)` and
 * calls `this.conv.call(x)` would otherwise keep running the old layer). Every method that
 * converts a model (PIT's searchable layers, MPS's quantised ones, BatchNorm folding) swaps
 * layers this way.
 */

import { patchFields, type Module } from '../nn/module.js';

export { patchFields };

export function swapChild(parent: Module, name: string, next: Module): void {
  const old = new Map(parent.children()).get(name);
  parent.replaceChild(name, next);
  if (old !== undefined) patchFields(parent, old, next);
}

/** Split a dotted module path into its parent's path and its own name. */
export function splitPath(path: string): [string, string] {
  const i = path.lastIndexOf('.');
  return i < 0 ? ['', path] : [path.slice(0, i), path.slice(i + 1)];
}

/** Swap the module at a dotted path for `next`; `modules` maps paths to modules (e.g. a trace's map). */
export function swapAt(modules: ReadonlyMap<string, Module>, path: string, next: Module): void {
  const [pp, name] = splitPath(path);
  swapChild(modules.get(pp) as Module, name, next);
}
