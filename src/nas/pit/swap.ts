/**
 * Swapping a child module in place: Module.replaceChild plus the parent's own fields that still
 * point at the old child (a custom module that keeps `this.conv = this.registerModule(...)` and
 * calls `this.conv.call(x)` would otherwise keep running the old layer).
 */

import type { Module } from '../../nn/module.js';

/** Replace every own field of `obj` (and entries of own array fields) equal to `old` by `next`. */
export function patchFields(obj: object, old: unknown, next: unknown): void {
  const rec = obj as Record<string, unknown>;
  for (const key of Object.keys(rec)) {
    const v = rec[key];
    if (v === old) rec[key] = next;
    else if (Array.isArray(v) && v.includes(old)) rec[key] = v.map((e) => (e === old ? next : e));
  }
}

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
