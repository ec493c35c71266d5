/** The mixed-precision search configuration: training options plus the search's own. */

import type { ConfigOf, Schema } from '../../util/schema.js';
import { SEARCH_LOOP_SCHEMA, SEARCH_SCHEMA } from '../../search/config.js';
import { HARDWARE_COST_NAMES } from '../../hw/targets/costs.js';

// The search loop's options (training, phases, the logit loop: SEARCH_LOOP_SCHEMA), some with
// mps's own help; of PIT's options only λ and the memory budgets. An MpsConfig is thus a
// MaskSearchConfig and runs the search layer's loop as it is.
const { warmupEpochs, searchEpochs, finetuneEpochs, searchPatience, maskLr, ...LOOP } = SEARCH_LOOP_SCHEMA;
const { maxFlash, maxRam, lambda, searchChannels, searchReceptiveField, searchDilation } = SEARCH_SCHEMA;

export const MPS_SCHEMA = {
  ...LOOP,
  target: { type: 'optional-string', help: 'hardware target (gap8, stm32h7, mpic, diana-digital, diana-analog, or a JSON file): adds its precision-aware costs' },
  maxFlash,
  maxRam,
  warmupEpochs: { ...warmupEpochs, help: 'float epochs training the seed before the search (ignored with --checkpoint unless > 0)' },
  searchEpochs,
  finetuneEpochs: { ...finetuneEpochs, help: 'quantisation-aware epochs training the exported fixed-precision model' },
  searchPatience,
  maskLr: { ...maskLr, help: 'learning rate of the precision logits (0 = derived from the number of logit updates)' },
  lambda: { ...lambda, help: 'regulariser strength λ of a single search (cost units: bytes for size, bit-operations for bitops)' },
  lambdas: { type: 'number-list', default: [1e-5, 1e-4, 1e-3], min: 0, help: 'λ values of a sweep (comma-separated); a sweep runs when --sweep is set' },
  sweep: { type: 'boolean', default: false, help: 'search every λ of --lambdas (one shared warm-up) and write the fronts' },
  cost: { type: 'string', default: 'size', choices: ['size', 'bitops', ...HARDWARE_COST_NAMES], help: 'cost of the plain regulariser: weight memory in bytes, BitOps, or a --target cost (cycles, latency, energy, flash, ram)' },
  perChannel: { type: 'boolean', default: false, help: 'search one weight precision per output channel' },
  perLayer: { type: 'boolean', default: false, help: 'search one weight precision per layer (both flags: both searches from the same warm-up; neither: per channel)' },
  precisions: { type: 'number-list', default: [2, 4, 8], min: 0, max: 8, help: 'weight candidate bit-widths (0 = prune the channel; per-channel only)' },
  actPrecisions: { type: 'number-list', default: [2, 4, 8], min: 2, max: 8, help: 'activation candidate bit-widths' },
  inputBits: { type: 'number', default: 8, min: 2, max: 8, integer: true, help: 'bits of the signed network-input quantiser' },
  sampling: { type: 'string', default: 'hard', choices: ['softmax', 'gumbel', 'hard'], help: 'how θ is sampled during the search: hard = argmax forward with softmax gradient (trains the network that is kept; see docs/mps.md), softmax, gumbel; evaluation always uses the argmax' },
  t0: { type: 'number', default: 1, min: 1e-6, help: 'initial softmax temperature' },
  annealRate: { type: 'number', default: 0.045, min: 0, help: 'temperature decay per epoch: T ← T·exp(−rate)' },
  discreteCost: { type: 'boolean', default: false, help: 'costs of the argmax assignment (straight-through) rather than the exact expectation' },
  baselines: { type: 'number-list', default: [8, 4, 2], min: 2, max: 8, help: 'uniform weight bit-widths trained as QAT baselines' },
  runBaselines: { type: 'boolean', default: true, help: 'train the uniform baselines (false: searches only, e.g. a second sweep next to an earlier run)' },
  baselineActBits: { type: 'number', default: 8, min: 2, max: 8, integer: true, help: 'activation bits of the uniform baselines' },
  valLimit: { type: 'number', default: 0, min: 0, integer: true, help: 'cap the validation split (0 = all; the logits train on it, so a cap makes large sets affordable)' },
  testLimit: { type: 'number', default: 0, min: 0, integer: true, help: 'evaluate on a stratified subset of the test split (0 = all; for quick runs on large sets, say so when quoting)' },
  joint: { type: 'boolean', default: false, help: 'joint search: PIT channel / receptive-field / dilation masks and the precisions in one search (weights per channel; pruning by the masks, so --precisions must be non-zero); exported to the dense pruned model with its plan' },
  searchChannels: { ...searchChannels, help: 'joint search: search output channels' },
  searchReceptiveField: { ...searchReceptiveField, help: 'joint search: search the receptive field of 1-D convs' },
  searchDilation: { ...searchDilation, help: 'joint search: search the dilation of 1-D convs' },
  checkpoint: { type: 'optional-string', help: 'start from this trained (e.g. PIT-exported) model checkpoint instead of the seed' },
} as const satisfies Schema;

export type MpsConfig = ConfigOf<typeof MPS_SCHEMA>;
