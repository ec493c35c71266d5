/**
 * Which channels of each integer-model node are exactly zero whatever the input, so that the
 * layers reading them need not store their weights (the search's expected size assumes they do
 * not, quant/mps/zeroWriters.ts). A pruned (0-bit) channel has zero weights and a zero bias code,
 * so its accumulator, and its requantised code, is 0. Zero stays zero through requantisation
 * (floor(0·m / 2^s) = 0 and every quantiser's range contains 0), pooling, zero padding and
 * flatten; an add is zero only where both operands are. A grouped / depthwise conv's channel is
 * also zero when its whole input group is zero and its bias code is 0.
 */

/** The known-zero channels of a node's output; after a flatten each channel is `features / channels` consecutive features. */
export interface ZeroChannels {
  channels: number;
  zero: ReadonlySet<number>;
  flattened: boolean;
}

export const noZeros = (channels: number): ZeroChannels => ({ channels, zero: new Set(), flattened: false });

/** Both operands of an add: zero only where both are. */
export function addZeros(a: ZeroChannels, b: ZeroChannels): ZeroChannels {
  return { ...a, zero: new Set([...a.zero].filter((c) => b.zero.has(c))) };
}

/**
 * The input indices (channels of a conv, features of a linear layer) a layer keeps, ascending,
 * or null when it keeps all. Grouped convs keep all (their weights are per group of inputs).
 */
export function keptInputs(z: ZeroChannels, weightInputs: number, groups: number): number[] | null {
  if (z.zero.size === 0 || groups !== 1) return null;
  const repeat = weightInputs / z.channels;
  // A layout this analysis does not know (not channels, nor channel-major features): keep every input.
  if (!Number.isInteger(repeat) || (repeat !== 1 && !z.flattened)) return null;
  const keep: number[] = [];
  for (let c = 0; c < z.channels; c++) if (!z.zero.has(c)) for (let r = 0; r < repeat; r++) keep.push(c * repeat + r);
  return keep;
}

/** The zero output channels of a layer: the pruned ones, and grouped channels whose whole input group is zero and whose bias code is 0. */
export function layerZeros(bits: readonly number[], bias: Int32Array, input: ZeroChannels, groups: number): ZeroChannels {
  const cout = bits.length;
  const zero = new Set<number>();
  const cinG = input.channels / groups;
  const coutG = cout / groups;
  for (let c = 0; c < cout; c++) {
    if (bits[c] === 0) zero.add(c);
    else if (groups > 1 && !input.flattened && bias[c] === 0) {
      const g0 = Math.floor(c / coutG) * cinG;
      let all = true;
      for (let i = g0; i < g0 + cinG && all; i++) all = input.zero.has(i);
      if (all) zero.add(c);
    }
  }
  return { channels: cout, zero, flattened: false };
}
