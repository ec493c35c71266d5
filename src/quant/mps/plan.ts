/** Reading a quantisation plan exported by the search. */

import type { QuantPlan } from '../plan.js';

/** Count of output channels at each weight bit-width, e.g. { w0: 3, w4: 10, w8: 3 }. */
export function bitHistogram(plan: QuantPlan): Record<string, number> {
  const out: Record<string, number> = {};
  for (const l of Object.values(plan.layers)) for (const b of l.wBits) out[`w${b}`] = (out[`w${b}`] ?? 0) + 1;
  return out;
}
