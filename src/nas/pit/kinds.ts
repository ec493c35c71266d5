/**
 * What PIT knows about module types: which modules are layers (traced as one unit), which
 * define their own channel count, which pass their input's channels through (and whether f(0)
 * = 0 there, so a pruned channel stays exactly 0 without re-masking).
 */

import type { Module } from '../../nn/module.js';
import { Conv1d, Conv2d } from '../../nn/layers/conv.js';
import { Linear } from '../../nn/layers/linear.js';
import { BatchNorm } from '../../nn/layers/batchnorm.js';
import {
  AvgPool1d, AvgPool2d, ConstantPad1d, Dropout, Flatten, GlobalAvgPool, Identity, LeakyReLU, MaxPool1d, MaxPool2d,
  ReLU, ReLU6, Sigmoid, Tanh,
} from '../../nn/layers/simple.js';
import { PitConv1d, PitConv2d } from './pitConv.js';
import { PitLinear } from './pitLinear.js';
import { MaskedLayer } from './maskedLayer.js';
import { ChannelMasker } from './channelMask.js';
import { TimeMasker } from './timeMask.js';

/** Parameter-free layers with f(0) = 0 per channel: a pruned (zero) channel stays zero. */
const ZERO_PRESERVING = [ReLU, ReLU6, LeakyReLU, Tanh, Identity, Dropout, MaxPool1d, MaxPool2d, AvgPool1d, AvgPool2d, GlobalAvgPool];

export type ConvLike = Conv1d | Conv2d | PitConv1d | PitConv2d;
export type LinearLike = Linear | PitLinear;

export function isConv(m: Module): m is ConvLike {
  return m instanceof Conv1d || m instanceof Conv2d || m instanceof PitConv1d || m instanceof PitConv2d;
}
export function isLinear(m: Module): m is LinearLike {
  return m instanceof Linear || m instanceof PitLinear;
}
export function isZeroPreserving(m: Module): boolean {
  return ZERO_PRESERVING.some((C) => m instanceof C);
}
export function isMasker(m: Module): boolean {
  return m instanceof ChannelMasker || m instanceof TimeMasker;
}

/** Modules traced as one unit: every known layer, and any module without children. */
export function isLayerModule(m: Module): boolean {
  return isConv(m) || isLinear(m) || m instanceof BatchNorm || m instanceof MaskedLayer || m instanceof Flatten
    || m instanceof ConstantPad1d || m instanceof Sigmoid || isZeroPreserving(m) || m.children().length === 0;
}

export function isDepthwise(m: ConvLike): boolean {
  return m.groups > 1 && m.groups === m.inChannels && m.groups === m.outChannels;
}
