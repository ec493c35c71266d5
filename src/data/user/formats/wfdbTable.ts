/**
 * WFDB records → the shared SeriesTable, in one of two ways:
 * - 'beats': one sample per beat annotation, the window `before`…`after` seconds around it,
 *   labelled with the beat's symbol (MIT-BIH arrhythmia classification);
 * - 'windows': fixed windows every `stride` seconds, labelled with the most frequent beat
 *   symbol inside, or else the rhythm (aux text of the last '+' annotation) in force at the
 *   window's centre ('windowLabel: rhythm' asks for the rhythm first).
 * The group of every sample is its record, so a split by group never puts beats of one patient
 * on both sides. Windows that do not fit inside the record are left out.
 */

import { checkTable, MAX_VALUES, type SeriesTable } from '../table.js';
import type { WfdbAnnotations } from './wfdbAnnotations.js';
import type { WfdbHeader } from './wfdbHeader.js';

export interface WfdbRecord {
  name: string;
  header: WfdbHeader;
  /** One array per header signal, physical units (parseWfdbSignals). */
  signals: Float32Array[];
  annotations: WfdbAnnotations | null;
}

export interface WfdbWindowOptions {
  mode: 'beats' | 'windows';
  /** Signals to keep, by index (0-based) or description ('MLII'); default all. */
  channels?: (number | string)[];
  /** Beats mode: seconds before / after the annotation (default 0.25 / 0.45). */
  before?: number;
  after?: number;
  /** Windows mode: window length and step, in seconds (stride defaults to the window). */
  window?: number;
  stride?: number;
  /** Beat symbols that are kept (beats mode) or counted (windows mode). */
  symbols?: string[];
  /** Windows mode: label by the majority beat (default) or by the rhythm in force first. */
  windowLabel?: 'beat' | 'rhythm';
}

/** The beat (QRS) symbols of the AAMI classes. */
export const BEAT_SYMBOLS = ['N', 'L', 'R', 'e', 'j', 'A', 'a', 'J', 'S', 'V', 'E', 'F', '/', 'f', 'Q'];

interface Cut { rec: WfdbRecord; chans: number[]; start: number; label: string | null; name: string }

export function wfdbTable(records: WfdbRecord[], opts: WfdbWindowOptions): SeriesTable {
  if (records.length === 0) throw new Error('wfdbTable: no records given');
  const source = records.length === 1 ? `record ${records[0].name}` : `records ${records[0].name}…${records[records.length - 1].name}`;
  const fs = records[0].header.fs;
  for (const r of records) {
    if (r.header.fs !== fs) throw new Error(`${source}: record ${r.name} is sampled at ${r.header.fs} Hz but record ${records[0].name} at ${fs} Hz; resample them to one rate first`);
    if (r.signals.length !== r.header.signals.length) throw new Error(`${source}: record ${r.name} has ${r.signals.length} signal arrays for ${r.header.signals.length} header signals`);
    if (r.signals.some((s) => s.length !== r.signals[0].length)) throw new Error(`${source}: record ${r.name}: its signals differ in length`);
  }
  const labelled = records.filter((r) => r.annotations !== null);
  if (labelled.length > 0 && labelled.length < records.length) {
    const missing = records.find((r) => r.annotations === null)!;
    throw new Error(`${source}: record ${missing.name} has no annotations but others do; give every record its annotation file or none`);
  }
  if (opts.mode === 'beats' && labelled.length === 0) throw new Error(`${source}: beats mode needs annotation files (.atr); none were given`);
  const chanSel = records.map((r) => selectChannels(r, opts.channels, source));
  const C = chanSel[0].length;
  chanSel.forEach((c, i) => {
    if (c.length !== C) throw new Error(`${source}: record ${records[i].name} has ${c.length} signals but record ${records[0].name} has ${C}; choose the channels with 'channels'`);
  });
  const symbols = new Set(opts.symbols ?? BEAT_SYMBOLS);

  let L = 0;
  const cuts: Cut[] = [];
  // Checked as the windows are listed, so a tiny stride cannot build millions of them first.
  const add = (c: Cut): void => {
    if ((cuts.length + 1) * C * L > MAX_VALUES) throw new Error(`${source}: more than ${cuts.length} windows × ${C} channels × ${L} samples is over ${MAX_VALUES} values; use fewer records, shorter windows or a longer stride`);
    cuts.push(c);
  };
  if (opts.mode === 'beats') {
    const before = seconds(opts.before ?? 0.25, 'before', source, true);
    const after = seconds(opts.after ?? 0.45, 'after', source, true);
    const b = Math.round(before * fs);
    L = b + Math.round(after * fs);
    if (L < 1) throw new Error(`${source}: before + after gives windows of ${L} samples at ${fs} Hz; make them longer`);
    records.forEach((rec, r) => {
      const a = rec.annotations!;
      const n = rec.signals[0]?.length ?? 0;
      for (let k = 0; k < a.sample.length; k++) {
        const s = a.sample[k];
        if (!symbols.has(a.symbol[k]) || s - b < 0 || s - b + L > n) continue;
        add({ rec, chans: chanSel[r], start: s - b, label: a.symbol[k], name: `rec ${rec.name} beat ${k} (sample ${s})` });
      }
    });
  } else if (opts.mode === 'windows') {
    if (opts.window === undefined) throw new Error(`${source}: windows mode needs 'window' (seconds)`);
    L = Math.round(seconds(opts.window, 'window', source, false) * fs);
    const S = Math.round(seconds(opts.stride ?? opts.window, 'stride', source, false) * fs);
    if (L < 1 || S < 1) throw new Error(`${source}: window ${opts.window} s / stride ${opts.stride ?? opts.window} s is under one sample at ${fs} Hz`);
    records.forEach((rec, r) => {
      const n = rec.signals[0]?.length ?? 0;
      for (let start = 0, w = 0; start + L <= n; start += S, w++) {
        const label = rec.annotations ? windowLabel(rec.annotations, start, L, symbols, opts.windowLabel ?? 'beat') : null;
        if (rec.annotations && label === null) continue; // labels are all-or-none in a table
        add({ rec, chans: chanSel[r], start, label, name: `rec ${rec.name} window ${w} (samples ${start}–${start + L - 1})` });
      }
    });
  } else {
    throw new Error(`${source}: mode must be 'beats' or 'windows', got '${String((opts as { mode: unknown }).mode)}'`);
  }
  const series = cuts.map((c) => {
    const x = new Float32Array(C * L);
    c.chans.forEach((ch, j) => x.set(c.rec.signals[ch].subarray(c.start, c.start + L), j * L));
    return x;
  });
  const first = records[0];
  return checkTable({
    source,
    channels: C,
    series,
    lengths: new Array<number>(cuts.length).fill(L),
    labels: labelled.length > 0 ? cuts.map((c) => c.label!) : null,
    groups: cuts.map((c) => c.rec.name),
    rowNames: cuts.map((c) => c.name),
    channelNames: chanSel[0].map((i) => first.header.signals[i].description || `signal ${i}`),
    rate: fs,
  });
}

function selectChannels(rec: WfdbRecord, wanted: (number | string)[] | undefined, source: string): number[] {
  const sigs = rec.header.signals;
  if (wanted === undefined) {
    if (sigs.length === 0) throw new Error(`${source}: record ${rec.name} has no signals`);
    return sigs.map((_, i) => i);
  }
  if (wanted.length === 0) throw new Error(`${source}: 'channels' is empty; name at least one signal`);
  return wanted.map((w) => {
    const i = typeof w === 'number' ? w : sigs.findIndex((s) => s.description === w);
    if (!Number.isInteger(i) || i < 0 || i >= sigs.length) {
      throw new Error(`${source}: record ${rec.name} has no signal ${JSON.stringify(w)}; it has ${sigs.map((s, j) => `${j} ${s.description || '(unnamed)'}`).join(', ')}`);
    }
    return i;
  });
}

function seconds(v: number, name: string, source: string, zeroOk: boolean): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (!zeroOk && v === 0)) throw new Error(`${source}: '${name}' must be a ${zeroOk ? 'non-negative' : 'positive'} number of seconds, got ${v}`);
  return v;
}

/** The majority beat symbol in [start, start+L) (ties: the first seen), or the rhythm in force at the centre. */
function windowLabel(a: WfdbAnnotations, start: number, L: number, symbols: Set<string>, prefer: 'beat' | 'rhythm'): string | null {
  const counts = new Map<string, number>();
  let rhythm: string | null = null;
  const centre = start + Math.floor(L / 2);
  for (let k = 0; k < a.sample.length && a.sample[k] < start + L; k++) {
    const s = a.sample[k];
    if (a.symbol[k] === '+' && a.aux[k] && s <= centre) rhythm = a.aux[k];
    if (s >= start && symbols.has(a.symbol[k])) counts.set(a.symbol[k], (counts.get(a.symbol[k]) ?? 0) + 1);
  }
  let beat: string | null = null;
  let best = 0;
  for (const [sym, c] of counts) if (c > best) { beat = sym; best = c; }
  return prefer === 'rhythm' ? rhythm ?? beat : beat ?? rhythm;
}
