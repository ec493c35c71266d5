/**
 * Checking one param group's hyper-parameters against an optimiser's schema: at construction,
 * before every step (schedulers and users reassign them) and when a state dict is loaded.
 */

import type { BaseHyper, OptimizerSpec } from './types.js';
import { checkOption } from './validate.js';

/** "param group 1 ('head'): ", or "" when the optimiser was given a plain parameter list. */
export function groupWhere(index: number, name: string | undefined, plainList: boolean): string {
  if (plainList) return '';
  return name !== undefined ? `param group ${index} ('${name}'): ` : `param group ${index}: `;
}

/** The schema's options read from `source` (missing ones from `fallback`), checked, as fresh values. */
export function resolveHyper<H extends BaseHyper>(
  spec: OptimizerSpec<H>,
  owner: string,
  where: string,
  source: Readonly<Record<string, unknown>>,
  fallback?: Readonly<H>,
): H {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(spec.schema) as (keyof H & string)[]) {
    let v = source[key];
    if (v === undefined) {
      if (fallback === undefined) throw new Error(`${owner}: ${where}option '${key}' is missing`);
      v = fallback[key];
    }
    out[key] = checkOption(owner, `${where}${key}`, v, spec.schema[key]);
  }
  const h = out as H;
  spec.check?.(h, `${owner}: ${where}`);
  return h;
}
