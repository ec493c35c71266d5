/** The training configuration: every option with its default, range and help text. */

import type { Schema, ConfigOf } from '../../util/schema.js';
import { LOSS_NAMES } from '../losses.js';

export const TRAIN_SCHEMA = {
  epochs: { type: 'number', default: 10, min: 0, integer: true, help: 'passes over the training split' },
  batchSize: { type: 'number', default: 64, min: 1, integer: true, help: 'samples per mini-batch' },
  lr: { type: 'number', default: 1e-3, min: 0, help: 'learning rate' },
  weightDecay: { type: 'number', default: 1e-4, min: 0, help: 'weight decay (L2 for adam/sgd, decoupled for adamw)' },
  optimizer: { type: 'string', default: 'adam', choices: ['adam', 'adamw', 'sgd'], help: 'optimiser' },
  momentum: { type: 'number', default: 0.9, min: 0, max: 1, help: 'SGD momentum' },
  scheduler: { type: 'string', default: 'cosine', choices: ['none', 'cosine', 'step'], help: 'learning-rate schedule (per epoch)' },
  stepSize: { type: 'number', default: 10, min: 1, integer: true, help: 'epochs between decays for the step schedule' },
  gamma: { type: 'number', default: 0.1, min: 0, max: 1, help: 'decay factor of the step schedule' },
  loss: { type: 'optional-string', choices: LOSS_NAMES, help: 'loss (default: cross-entropy for classification, logcosh for regression)' },
  labelSmoothing: { type: 'number', default: 0, min: 0, max: 1, help: 'label smoothing of the cross-entropy' },
  huberDelta: { type: 'number', default: 1, min: 0, help: 'delta of the huber loss (in standardised target units)' },
  clipGradNorm: { type: 'number', default: 0, min: 0, help: 'clip the global gradient norm to this value (0 = off)' },
  patience: { type: 'number', default: 0, min: 0, integer: true, help: "stop after this many epochs without validation improvement (0 = never): of the metric, or of the loss with select 'best-loss'" },
  augScale: { type: 'number', default: 0, min: 0, max: 1, help: 'augmentation: random amplitude scaling ±this fraction (0 = off)' },
  augNoise: { type: 'number', default: 0, min: 0, help: 'augmentation: std of additive Gaussian noise (0 = off)' },
  augShift: { type: 'number', default: 0, min: 0, integer: true, help: 'augmentation: random shift of up to this many time steps (0 = off)' },
  select: { type: 'string', default: 'best', choices: ['best', 'best-loss', 'last'], help: "weights kept at the end: best = the epoch of best validation metric (ties: lower loss), best-loss = the first epoch of lowest validation loss (as PLiNIO's scripts), last = the last epoch" },
  seed: { type: 'number', default: 0, integer: true, min: 0, help: 'seed of initialisation, shuffling, dropout and the validation split (a dataset description with "splits" fixes that split instead)' },
} as const satisfies Schema;

export type TrainConfig = ConfigOf<typeof TRAIN_SCHEMA>;
