/** The search configuration: training options for warm-up and fine-tune plus the search's own. */

import type { ConfigOf, Schema } from '../../util/schema.js';
import { TRAIN_SCHEMA } from '../../nn/train/config.js';

/** Costs a search can regularise: model size and operations, and with a hardware target its cycles, latency (ms), energy (mJ), flash and peak RAM (bytes). */
export const COST_CHOICES = ['params', 'macs', 'cycles', 'latency', 'energy', 'flash', 'ram'] as const;

const { epochs: _epochs, patience: _patience, ...TRAINING } = TRAIN_SCHEMA;

export const SEARCH_SCHEMA = {
  ...TRAINING,
  warmupEpochs: { type: 'number', default: 10, min: 0, integer: true, help: 'epochs training the seed before the search (masks frozen)' },
  searchEpochs: { type: 'number', default: 20, min: 1, integer: true, help: 'search epochs (weights on train, masks on validation)' },
  finetuneEpochs: { type: 'number', default: 10, min: 0, integer: true, help: 'epochs training the exported model' },
  searchPatience: { type: 'number', default: 0, min: 0, integer: true, help: 'stop the search after this many epochs without a better validation objective (0 = never)' },
  maskLr: { type: 'number', default: 0, min: 0, help: 'mask learning rate (0 = derived from the number of mask updates)' },
  regularizer: { type: 'string', default: 'plain', choices: ['plain', 'multi-complexity', 'hinge'], help: 'cost regulariser' },
  cost: { type: 'string', default: 'params', choices: COST_CHOICES, help: 'cost of the plain regulariser (size of the hinge / multi-complexity one); cycles, latency, energy, flash and ram need --target' },
  lambda: { type: 'number', default: 1e-6, min: 0, help: 'regulariser strength λ' },
  lambdas: { type: 'number-list', default: [1e-7, 1e-6, 5e-6, 2e-5], min: 0, help: 'λ values of a sweep (comma-separated)' },
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
