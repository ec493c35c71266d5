/**
 * The one shape every reader of a user's files produces: a table of series, before any
 * preprocessing. Readers only parse (and say exactly which file and row is wrong); cropping,
 * padding, label mapping, normalisation and splitting happen afterwards, in one place
 * (src/data/user/assemble.ts), the same for every format.
 */

export interface SeriesTable {
  /** What was read (a path, or a name given by the caller); every error names it. */
  source: string;
  /** Channels of every sample (the same for all rows). */
  channels: number;
  /**
   * One entry per sample: `channels × lengths[i]` values, channel-major (channel 0's values,
   * then channel 1's …). NaN marks a missing value inside a series.
   */
  series: Float32Array[];
  /** Time steps of each sample (variable-length data keeps its own lengths here). */
  lengths: number[];
  /**
   * The label or target of each sample as written in the file (text; numbers as their text),
   * or null when the source has none (data to predict on).
   */
  labels: string[] | null;
  /** Group of each sample (subject, recording, speaker), for group-wise splits; null when unknown. */
  groups: string[] | null;
  /** Where each sample came from, for error messages ("file.csv row 12", "rec 101 beat 533"). */
  rowNames?: string[];
  /** Channel names when the format has them. */
  channelNames?: string[];
  /** Sampling rate in Hz when the format says it. */
  rate?: number;
  /** Label values the file declares (ARFF / .ts headers), in their declared order. */
  declaredClasses?: string[];
  /** What the file says its labels are, when it says (.ts `@targetlabel` → regression). */
  taskHint?: 'classification' | 'regression';
}

/** Checks the invariants of a table a reader built; a reader bug is reported with the source. */
export function checkTable(t: SeriesTable): SeriesTable {
  const n = t.series.length;
  if (t.lengths.length !== n) throw new Error(`${t.source}: ${n} series but ${t.lengths.length} lengths (reader bug)`);
  if (t.labels !== null && t.labels.length !== n) throw new Error(`${t.source}: ${n} series but ${t.labels.length} labels`);
  if (t.groups !== null && t.groups.length !== n) throw new Error(`${t.source}: ${n} series but ${t.groups.length} group ids`);
  if (!Number.isInteger(t.channels) || t.channels < 1) throw new Error(`${t.source}: ${t.channels} channels; need at least 1`);
  for (let i = 0; i < n; i++) {
    if (t.series[i].length !== t.channels * t.lengths[i]) {
      throw new Error(`${t.source}: ${rowName(t, i)} holds ${t.series[i].length} values, not ${t.channels} channels × ${t.lengths[i]} steps (reader bug)`);
    }
  }
  return t;
}

/** How errors name sample `i`: the reader's own name for it, else "series i+1". */
export function rowName(t: Pick<SeriesTable, 'rowNames'>, i: number): string {
  return t.rowNames?.[i] ?? `series ${i + 1}`;
}

/** Byte or text input of the pure parsers (files are read by the Node wrappers in read.ts). */
export type Input = Uint8Array | string;

export function asText(input: Input): string {
  if (typeof input === 'string') return input;
  return new TextDecoder('utf-8').decode(input);
}

/**
 * Largest number of values a reader allocates for one file (4 GiB of float32). A header that
 * claims more is refused before any allocation, with the figure it claimed.
 */
export const MAX_VALUES = 1 << 30;
