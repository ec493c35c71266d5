/**
 * Trailing padding of variable-length series. The UCR/UEA archives (and spreadsheets built
 * like them) write shorter series padded with NaN / '?' up to the longest one; those trailing
 * steps are not data, so a reader keeps each series' own length instead. NaN inside a series
 * (a true missing value) is kept.
 */

/** Steps of a channel-major `channels × length` series before the steps missing in every channel at its end. */
export function unpaddedLength(values: Float32Array, channels: number, length: number): number {
  let n = length;
  for (; n > 0; n--) {
    let allMissing = true;
    for (let c = 0; c < channels && allMissing; c++) allMissing = Number.isNaN(values[c * length + n - 1]);
    if (!allMissing) break;
  }
  return n;
}

/** The first `keep` steps of each channel of a channel-major series (the array itself when nothing is cut). */
export function cropSteps(values: Float32Array, channels: number, length: number, keep: number): Float32Array {
  if (keep === length) return values;
  const out = new Float32Array(channels * keep);
  for (let c = 0; c < channels; c++) out.set(values.subarray(c * length, c * length + keep), c * keep);
  return out;
}
