/**
 * Standardisation (zero mean, unit variance) of plain arrays, globally or per channel.
 *
 * Statistics are computed in float64 and applied in place; a constant input gets std 1 instead
 * of a division by zero, so a dead sensor channel stays finite.
 */

export interface Stats {
  mean: number;
  std: number;
}

export function meanStd(x: ArrayLike<number>, start = 0, end = x.length, stride = 1): Stats {
  let sum = 0;
  let n = 0;
  for (let i = start; i < end; i += stride, n++) sum += x[i];
  const mean = n > 0 ? sum / n : 0;
  let ss = 0;
  for (let i = start; i < end; i += stride) ss += (x[i] - mean) ** 2;
  const std = n > 0 ? Math.sqrt(ss / n) : 0;
  return { mean, std: std > 1e-12 ? std : 1 };
}

/** (x - mean) / std in place. */
export function standardizeInPlace(x: Float32Array | Float64Array, s: Stats, start = 0, end = x.length): void {
  const inv = 1 / s.std;
  for (let i = start; i < end; i++) x[i] = (x[i] - s.mean) * inv;
}

/**
 * Per-channel statistics of `count` samples laid out [count][channels][length] (NCL), using
 * only the samples listed in `indices` (all when omitted) — e.g. the training split.
 */
export function channelStats(x: Float32Array, channels: number, length: number, indices?: ArrayLike<number>): Stats[] {
  const sampleSize = channels * length;
  const count = indices ? indices.length : x.length / sampleSize;
  const stats: Stats[] = [];
  for (let c = 0; c < channels; c++) {
    let sum = 0;
    for (let s = 0; s < count; s++) {
      const base = (indices ? indices[s] : s) * sampleSize + c * length;
      for (let t = 0; t < length; t++) sum += x[base + t];
    }
    const n = count * length;
    const mean = n > 0 ? sum / n : 0;
    let ss = 0;
    for (let s = 0; s < count; s++) {
      const base = (indices ? indices[s] : s) * sampleSize + c * length;
      for (let t = 0; t < length; t++) ss += (x[base + t] - mean) ** 2;
    }
    const std = n > 0 ? Math.sqrt(ss / n) : 0;
    stats.push({ mean, std: std > 1e-12 ? std : 1 });
  }
  return stats;
}

/** Applies per-channel statistics to every sample of an NCL array, in place. */
export function applyChannelStats(x: Float32Array, channels: number, length: number, stats: Stats[]): void {
  const sampleSize = channels * length;
  for (let base = 0; base < x.length; base += sampleSize) {
    for (let c = 0; c < channels; c++) standardizeInPlace(x, stats[c], base + c * length, base + (c + 1) * length);
  }
}
