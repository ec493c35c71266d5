/**
 * PIT's layer kinds (src/graph/kinds.ts): the plan and options PIT's searchable kinds take, and
 * the kinds pit() builds from plain layers. Each PIT class defines its kind where the class is
 * defined (`static readonly moduleKind`), so the graph layer knows a PIT layer as soon as one
 * exists, whatever was imported first (the class files import only types from here).
 */

import type { Module } from '../../nn/module.js';
import type { SearchableModuleKind } from '../../graph/kinds.js';
import type { ChannelMaskSource } from './channelMask.js';
import type { LayerPlan } from './export.js';
import { PitConv1d, PitConv2d } from './pitConv.js';
import { PitLinear } from './pitLinear.js';

/** What a PIT layer exports to: its layer plan (conv / linear) or the channels a re-masked layer keeps (null: all). */
export interface PitDensePlan {
  layer: LayerPlan | null;
  channels: number[] | null;
}

/** How pit() builds a searchable layer from a plain one. */
export interface PitFromPlainOptions {
  outMask: ChannelMaskSource | null;
  receptiveField: boolean;
  dilation: boolean;
}

export type PitModuleKind<M extends Module> = SearchableModuleKind<M, PitDensePlan, PitFromPlainOptions>;

/** The searchable layers pit() builds from plain ones (each kind's fromPlain says which plain layers it takes). */
export function pitLayerKinds(): readonly PitModuleKind<Module>[] {
  return [PitConv1d.moduleKind, PitConv2d.moduleKind, PitLinear.moduleKind];
}
