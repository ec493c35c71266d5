/** Options shared by the searchable layers: which masks a layer gets. */

import type { ChannelMaskSource } from './channelMask.js';
import { ChannelMasker } from './channelMask.js';
import type { TimeMasker } from './timeMask.js';

export interface PitLayerOptions {
  /**
   * Output-channel mask: 'own' (default) creates a fresh α, a source shares an existing one
   * (layers meeting in a residual add), null keeps every channel.
   */
  outMask?: ChannelMaskSource | 'own' | null;
}

export interface PitConv1dOptions extends PitLayerOptions {
  /** Search the receptive field (β); default true when the stride is 1. */
  receptiveField?: boolean;
  /** Search the dilation (γ); default true when the stride is 1. */
  dilation?: boolean;
  /** An existing time masker to use instead (overrides receptiveField / dilation). */
  timeMask?: TimeMasker | null;
}

export function resolveOutMask(o: ChannelMaskSource | 'own' | null | undefined, cout: number): ChannelMaskSource | null {
  if (o === undefined || o === 'own') return new ChannelMasker(cout);
  if (o !== null && o.size !== cout) throw new Error(`PIT layer: the shared channel mask has ${o.size} channels but the layer has ${cout} outputs`);
  return o;
}
