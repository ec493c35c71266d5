/**
 * UCR Time Series Archive (2018) `.tsv` reader.
 *
 * One series per line: column 0 is the class label, the rest are the values, tab-separated.
 * Series of varying length are padded by the archive with 'NaN' tokens so that every line has
 * the same number of columns; the parser keeps those NaN and `fitSeriesLength` turns them
 * into a fixed-length, NaN-free array when a model needs one.
 */

export interface UcrSeries {
  /** Raw labels as written in the file (e.g. -1 / 1, or 1..5). */
  labels: Float64Array;
  /** count × length values, row-major; NaN where the archive padded a shorter series. */
  values: Float32Array;
  count: number;
  /** Values per line (the number of columns minus the label). */
  length: number;
}

/** Parses a UCR `.tsv` file held in memory; `source` (usually the file name) names it in errors. */
export function parseUcrTsv(input: Uint8Array | string, source = 'UCR .tsv'): UcrSeries {
  const text = typeof input === 'string' ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('utf8');
  const lines = text.split('\n');
  const labels: number[] = [];
  let values: Float32Array | null = null;
  let length = -1;
  let count = 0;
  for (let li = 0; li < lines.length; li++) {
    const line = lines[li].endsWith('\r') ? lines[li].slice(0, -1) : lines[li];
    if (line.trim() === '') continue;
    const tokens = line.split('\t');
    if (length < 0) {
      if (tokens.length < 2) {
        throw new Error(`${source} line ${li + 1}: expected tab-separated numbers (a label then the values), found ${tokens.length} column${tokens.length === 1 ? '' : 's'}`);
      }
      length = tokens.length - 1;
      // Lines are counted up front so the value array is allocated once.
      let estimate = 0;
      for (const l of lines) if (l.trim() !== '') estimate++;
      values = new Float32Array(estimate * length);
    } else if (tokens.length !== length + 1) {
      throw new Error(`${source} line ${li + 1}: expected ${length + 1} tab-separated numbers (like line 1), found ${tokens.length}`);
    }
    const label = Number(tokens[0]);
    if (tokens[0].trim() === '' || !Number.isFinite(label)) {
      throw new Error(`${source} line ${li + 1}: the label (column 1) must be a finite number, found '${tokens[0]}'`);
    }
    labels.push(label);
    const row = count * length;
    for (let j = 1; j < tokens.length; j++) {
      const t = tokens[j];
      if (t.trim() === '') throw new Error(`${source} line ${li + 1}, column ${j + 1}: empty value (two tabs in a row?)`);
      const v = Number(t);
      if (!Number.isFinite(v) && t.trim().toLowerCase() !== 'nan') {
        throw new Error(`${source} line ${li + 1}, column ${j + 1}: '${t.slice(0, 20)}' is not a finite number ('NaN' marks padding)`);
      }
      values![row + j - 1] = v;
    }
    count++;
  }
  if (count === 0 || values === null) throw new Error(`${source}: no data lines; expected one series per line`);
  return { labels: Float64Array.from(labels), values, count, length };
}

/** Number of values before the trailing NaN padding of each series. */
export function seriesLengths(s: UcrSeries): Int32Array {
  const out = new Int32Array(s.count);
  for (let i = 0; i < s.count; i++) {
    let n = s.length;
    while (n > 0 && Number.isNaN(s.values[i * s.length + n - 1])) n--;
    out[i] = n;
  }
  return out;
}

/**
 * Every series cut or padded to `targetLength`, with the trailing NaN padding replaced.
 *
 * `fill: 'last'` (the default) repeats the last real value: a jump to 0 would look like a
 * sharp edge to a convolution, which it could learn as a feature of the shorter classes.
 * `fill: 'zero'` pads with 0, the mean of a z-normalised UCR series. NaN inside a series
 * (true missing values) are left alone.
 */
export function fitSeriesLength(s: UcrSeries, targetLength: number, fill: 'last' | 'zero' = 'last'): Float32Array {
  if (!Number.isInteger(targetLength) || targetLength <= 0) throw new Error(`fitSeriesLength: targetLength must be a positive integer, got ${targetLength}`);
  const lengths = seriesLengths(s);
  const out = new Float32Array(s.count * targetLength);
  for (let i = 0; i < s.count; i++) {
    const n = Math.min(lengths[i], targetLength);
    const src = i * s.length;
    const dst = i * targetLength;
    out.set(s.values.subarray(src, src + n), dst);
    const pad = fill === 'last' && n > 0 ? s.values[src + n - 1] : 0;
    out.fill(pad, dst + n, dst + targetLength);
  }
  return out;
}
