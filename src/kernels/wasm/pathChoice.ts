/**
 * How the wasm backend picks a convolution path per shape: by a fixed rule (the default), or by
 * timing every path that can run the shape once and keeping the fastest ('measure'), cached per
 * process and exportable, so that a run can be repeated with the same choices (and so the same
 * bits) by loading them back.
 *
 * Why both: the rule's thresholds were measured on a few networks and this machine; measuring fits
 * the machine and the shapes at hand. But the paths sum in different orders, so a timed choice can
 * differ between runs (noise decides close calls) and with it the last bits of the results — the
 * rule keeps every run reproducible, a saved choice file keeps a measured setup reproducible.
 *
 * TSDNAS_CONV_PATHS=measure in the environment starts a process in 'measure' mode.
 */

import type { ConvGeom } from '../contracts.js';

export type ConvPath = 'im2col' | 'direct' | 'winograd';
export type ConvPathPolicy = 'rule' | 'measure';

const PATHS: readonly ConvPath[] = ['im2col', 'direct', 'winograd'];
const envPolicy = typeof process !== 'undefined' ? process.env?.TSDNAS_CONV_PATHS : undefined;
let policy: ConvPathPolicy = envPolicy === 'measure' ? 'measure' : 'rule';
const choices = new Map<string, ConvPath>();
/** Milliseconds per path of each measured shape (forward + dX + dW), for reports. */
const timings = new Map<string, Partial<Record<ConvPath, number>>>();

/** The key of a shape: every field of the geometry, batch included (the split over threads depends on it). */
export function convGeomKey(g: ConvGeom): string {
  return [g.n, g.cin, g.h, g.w, g.cout, g.kh, g.kw, g.sh, g.sw, g.dh, g.dw, g.padTop, g.padBottom, g.padLeft, g.padRight, g.groups].join(',');
}

/** 'rule' (default: fixed per-shape rule, reproducible) or 'measure' (time each path once per shape). */
export function setWasmConvPathPolicy(p: ConvPathPolicy): void {
  if (p !== 'rule' && p !== 'measure') throw new Error(`setWasmConvPathPolicy: policy must be 'rule' or 'measure', got ${JSON.stringify(p)}`);
  policy = p;
}

export function wasmConvPathPolicy(): ConvPathPolicy {
  return policy;
}

/** The choices made (or loaded) so far, shape key → path: save them to repeat a run with the same paths. */
export function wasmConvPathChoices(): Record<string, ConvPath> {
  return Object.fromEntries(choices);
}

/** The measured times (ms per forward + dX + dW) behind each choice. */
export function wasmConvPathTimings(): Record<string, Partial<Record<ConvPath, number>>> {
  return Object.fromEntries(timings);
}

/**
 * Use saved choices (from wasmConvPathChoices) in 'measure' mode instead of timing those shapes
 * again. Refuses a malformed record whole, naming the entry.
 */
export function loadWasmConvPathChoices(rec: Record<string, unknown>): void {
  if (rec === null || typeof rec !== 'object' || Array.isArray(rec)) throw new Error('loadWasmConvPathChoices: expected an object of shape key → path');
  const parsed: [string, ConvPath][] = [];
  for (const [k, v] of Object.entries(rec)) {
    const parts = k.split(',');
    if (parts.length !== 16 || !parts.every((p) => /^\d+$/.test(p))) throw new Error(`loadWasmConvPathChoices: '${k}' is not a shape key (16 comma-separated integers, see convGeomKey)`);
    if (!PATHS.includes(v as ConvPath)) throw new Error(`loadWasmConvPathChoices: '${k}' → ${JSON.stringify(v)}; a path is one of ${PATHS.join(', ')}`);
    parsed.push([k, v as ConvPath]);
  }
  for (const [k, v] of parsed) choices.set(k, v);
}

/** Forget every choice (tests). */
export function clearWasmConvPathChoices(): void {
  choices.clear();
  timings.clear();
}

export function chosenPath(g: ConvGeom): ConvPath | undefined {
  return choices.get(convGeomKey(g));
}

export function recordChoice(g: ConvGeom, path: ConvPath, ms: Partial<Record<ConvPath, number>>): void {
  choices.set(convGeomKey(g), path);
  timings.set(convGeomKey(g), ms);
}
