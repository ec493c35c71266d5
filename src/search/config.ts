/** The search configurations: training options for warm-up and fine-tune, the search loop's options (every method), PIT's own. */

import type { ConfigOf, Schema } from '../util/schema.js';
import { TRAIN_SCHEMA } from '../nn/train/config.js';

/** Costs a search can regularise: model size and operations, and with a hardware target its cycles, latency (ms), energy (mJ), flash and peak RAM (bytes). */
export const COST_CHOICES = ['params', 'macs', 'cycles', 'latency', 'energy', 'flash', 'ram'] as const;

const { epochs: _epochs, patience: _patience, ...TRAINING } = TRAIN_SCHEMA;

/**
 * The options of the search layer's phases, shared by every method's search (PIT's here, mixed
 * precision's MPS_SCHEMA derives from it): training options for warm-up and fine-tune, the
 * phases' epochs, and the mask / logit loop's own.
 */
export const SEARCH_LOOP_SCHEMA = {
  ...TRAINING,
  warmupEpochs: { type: 'number', default: 10, min: 0, integer: true, help: 'epochs training the seed before the search (masks frozen)' },
  searchEpochs: { type: 'number', default: 20, min: 1, integer: true, help: 'search epochs (weights on train, masks on validation)' },
  finetuneEpochs: { type: 'number', default: 10, min: 0, integer: true, help: 'epochs training the exported model' },
  searchPatience: { type: 'number', default: 0, min: 0, integer: true, help: 'stop the search after this many epochs without a better search objective (0 = never); counting starts once the masks can have crossed the threshold (and, for a budget, once it is met)' },
  searchObjective: { type: 'string', default: 'mask-pass', choices: ['mask-pass', 'validation'], help: "the search objective that picks the kept epoch and drives patience: 'mask-pass' = task loss + regulariser averaged over the epoch's mask updates (train-mode BatchNorm, as the masks saw it); 'validation' = eval-mode validation loss after the epoch + regulariser" },
  searchSelect: { type: 'string', default: 'best', choices: ['best', 'last'], help: "masks and weights kept at the end of the search: the epoch with the best objective (for a budget: the best one at or under it), or the last epoch" },
  valOrder: { type: 'string', default: 'fixed', choices: ['fixed', 'shuffled'], help: "order of the validation samples in the mask pass: 'fixed' (the split's order, so every epoch's objective sees the same batches) or 'shuffled' each epoch" },
  minMaskSteps: { type: 'number', default: 8, min: 1, integer: true, help: 'mask updates per search epoch at least: a small validation split is passed over several times per epoch' },
  maskLr: { type: 'number', default: 0, min: 0, help: 'mask learning rate (0 = derived: a mask can cross the 0.5 threshold within a quarter of the search)' },
} as const satisfies Schema;

/** The training options of a search (everything of TRAIN_SCHEMA but epochs and patience, which each phase sets). */
export type SearchTrainingConfig = ConfigOf<typeof TRAINING>;

/** What the search loop (searchMasks) reads: the loop's options and the cost mode (budgetFill: a budget search only). */
export type MaskSearchConfig = ConfigOf<typeof SEARCH_LOOP_SCHEMA> & { discreteCost: boolean; budgetFill?: boolean };

/** PIT's search configuration: the loop's options, then the regulariser, costs and what to search. */
export const SEARCH_SCHEMA = {
  ...SEARCH_LOOP_SCHEMA,
  regularizer: { type: 'string', default: 'plain', choices: ['plain', 'multi-complexity', 'hinge', 'budget'], help: "cost regulariser; 'budget' (what --budgets uses) keeps the cost at or under a target with a self-tuning strength" },
  budgetFill: { type: 'boolean', default: true, help: 'a budget search whose kept masks are well under the budget grows them back towards it (the most important pruned ones first) before export' },
  budgets: { type: 'optional-string', help: "sweep: one model at or under each budget of --cost, comma-separated: a share of the seed's cost (50%,20%,5%,1% — the default when no --lambdas is given) or absolute values in the cost's units (e.g. 20000 params, 64KB flash); search: one budget" },
  cost: { type: 'string', default: 'params', choices: COST_CHOICES, help: 'cost of the plain regulariser (size of the hinge / multi-complexity one); cycles, latency, energy, flash and ram need --target' },
  lambda: { type: 'number', default: 1e-6, min: 0, help: 'regulariser strength λ' },
  lambdas: { type: 'number-list', default: [], allowEmpty: true, min: 0, help: 'λ values of a sweep (comma-separated), instead of budgets, e.g. 1e-7,1e-6,5e-6,2e-5' },
  sizeTarget: { type: 'number', default: 0, min: 0, help: 'size budget s* (multi-complexity) or upper bound (hinge), in the cost units' },
  opsCost: { type: 'string', default: 'macs', choices: COST_CHOICES, help: 'operations cost O of the multi-complexity regulariser (latency or energy with --target)' },
  mu: { type: 'number', default: 0, min: 0, help: 'strength μ of the operations term' },
  mus: { type: 'number-list', default: [0, 1e-7, 1e-6, 5e-6], min: 0, help: 'μ values of a multi-complexity sweep' },
  target: { type: 'optional-string', help: 'hardware target of the costs: gap8, stm32h7, mpic, diana-digital, diana-analog, or a JSON file describing your MCU (docs/hardware.md)' },
  maxFlash: { type: 'optional-string', help: 'flash budget on the target (e.g. 64KB, 1MB, 65536; KB = 1024 B), enforced with a hinge penalty and checked on every found model' },
  maxRam: { type: 'optional-string', help: 'peak-RAM budget on the target (e.g. 32KB), enforced with a hinge penalty and checked on every found model' },
  discreteCost: { type: 'boolean', default: true, help: 'costs from binarised masks (straight-through) rather than continuous θ' },
  searchChannels: { type: 'boolean', default: true, help: 'search output channels' },
  searchReceptiveField: { type: 'boolean', default: true, help: 'search the receptive field of 1-D convs' },
  searchDilation: { type: 'boolean', default: true, help: 'search the dilation of 1-D convs' },
} as const satisfies Schema;

export type SearchConfig = ConfigOf<typeof SEARCH_SCHEMA>;
