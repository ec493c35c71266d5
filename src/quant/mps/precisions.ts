/**
 * Candidate precision sets of a mixed-precision search: the quantisation layer's checks plus the
 * search's own (0 bits only per channel, not alone), and the initial logits p / max(p)
 * (docs/design.md#mixed-precision-search), so that a search starts with a mild preference for the widest precision.
 */

import { checkCandidates } from '../plan.js';

/** A sorted copy of a candidate set after checking it; `what` names the option at fault. */
export function checkPrecisions(list: readonly number[], kind: 'weight' | 'activation', what: string): number[] {
  checkCandidates(what, list, kind);
  if (list.every((p) => p === 0)) throw new Error(`${what}: 0 bits alone would prune every channel; add a non-zero precision`);
  return [...list].sort((a, b) => a - b);
}

/** The initial logit of each candidate: p / max(p). */
export function initialLogits(precisions: readonly number[]): number[] {
  const top = Math.max(...precisions);
  return precisions.map((p) => p / top);
}
