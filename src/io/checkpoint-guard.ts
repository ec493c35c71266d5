/**
 * Checks on checkpoint tensors and metadata that keep broken or hostile files out: every value
 * finite (a diverged model must neither be written nor used), and the architecture a file
 * describes validated and sized against what the file actually stores, BEFORE the model is
 * built (a 35 KB file claiming 1e8 channels would otherwise allocate gigabytes first).
 */

import { validateArchitecture, architectureParameters } from '../models/validateArchitecture.js';
import type { ArchNode } from '../nn/serialize.js';
import type { NamedArray } from './safetensors-codec.js';

function describe(v: number): string {
  return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Inf' : '-Inf';
}

/** The first tensor holding a NaN / Inf, with the element and value; null when all are finite. */
export function firstNonFiniteTensor(tensors: Record<string, NamedArray>): { name: string; index: number; value: string } | null {
  for (const [name, t] of Object.entries(tensors)) {
    const d = t.data;
    for (let i = 0; i < d.length; i++) if (!Number.isFinite(d[i])) return { name, index: i, value: describe(d[i]) };
  }
  return null;
}

/** Refuse to write tensors holding a NaN / Inf; `who` names the saver, `path` the file not written. */
export function checkFiniteForSave(tensors: Record<string, NamedArray>, who: string): void {
  const bad = firstNonFiniteTensor(tensors);
  if (bad === null) return;
  throw new Error(`${who}: tensor '${bad.name}' holds ${bad.value} at element ${bad.index}; the model diverged, so it is not saved — lower the learning rate or enable gradient clipping (--clip-grad-norm) and train again`);
}

const DIVERGED_HINT = 'the model it stores diverged and cannot be used — train it again (a diverged run keeps last-good.safetensors)';

/** Refuse to load tensors holding a NaN / Inf, naming the file and tensor; `hint` says what to do. */
export function checkFiniteForLoad(tensors: Record<string, NamedArray>, path: string, hint = DIVERGED_HINT): void {
  const bad = firstNonFiniteTensor(tensors);
  if (bad === null) return;
  throw new Error(`${path}: tensor '${bad.name}' holds ${bad.value} at element ${bad.index}; ${hint}`);
}

/**
 * The checkpoint's architecture validated (sizes bounded) and its parameter count compared with
 * the values the file stores (parameters plus buffers, so never fewer): returns it checked.
 */
export function checkStoredArchitecture(arch: unknown, tensors: Record<string, NamedArray>, path: string, opts: { quantised?: boolean } = {}): ArchNode {
  const checked = validateArchitecture(arch, `${path}: metadata architecture`);
  const params = architectureParameters(checked, `${path}: metadata architecture`);
  let stored = 0;
  for (const t of Object.values(tensors)) stored += t.data.length;
  // A quantised model folds BatchNorm away, so it may store somewhat fewer values than the float
  // architecture has parameters; never fewer than half (weights dominate every layer's count).
  const room = opts.quantised === true ? 2 * stored + 4096 : stored;
  if (params > room) {
    throw new Error(`${path}: the metadata architecture has ${params.toLocaleString('en-US')} parameters but the file stores only ${stored.toLocaleString('en-US')} values; the metadata does not describe these tensors — the file is corrupt or was edited`);
  }
  return checked;
}
