/**
 * A folder of WAV clips (one sample each, e.g. keyword spotting) → the shared SeriesTable.
 * Every clip is mixed to mono, resampled to one rate (8 kHz by default), made exactly
 * `seconds` long the way the FSDD loader does it (zero-padded at the end, or its central part
 * kept), then turned into MFCCs with the FSDD front end (10 coefficients, 30 ms windows every
 * 20 ms: 10 × 49 for 1 s at 8 kHz) or kept as the raw waveform (one channel).
 * Nothing is standardised here; that happens once, for every format, afterwards.
 */

import { mfcc } from '../../features/mfcc.js';
import { resample } from '../../features/resample.js';
import { parseWav, toMono } from '../../formats/wav.js';
import { checkTable, MAX_VALUES, type SeriesTable } from '../table.js';
import { fitClipTo } from '../../features/clip.js';

export interface WavClip {
  name: string;
  bytes: Uint8Array;
  label: string | null;
  group: string | null;
}

export interface WavTableOptions {
  /** Rate every clip is resampled to, Hz (default 8000). */
  rate?: number;
  /** Clip length after cropping / padding, seconds (default 1). */
  seconds?: number;
  features?: 'mfcc' | 'raw';
}

/** Rates a clip may have: outside this the resampling kernel would grow without bound. */
const MIN_RATE = 1000;
const MAX_RATE = 384000;
const COEFFS = 10;

export function wavTable(clips: WavClip[], source: string, opts: WavTableOptions = {}): SeriesTable {
  const rate = opts.rate ?? 8000;
  const secs = opts.seconds ?? 1;
  const features = opts.features ?? 'mfcc';
  if (!Number.isInteger(rate) || rate < MIN_RATE || rate > MAX_RATE) throw new Error(`${source}: rate must be a whole number of Hz in ${MIN_RATE}–${MAX_RATE}, got ${rate}`);
  if (features !== 'mfcc' && features !== 'raw') throw new Error(`${source}: features must be 'mfcc' or 'raw', got '${String(features)}'`);
  const length = Math.round(rate * secs);
  const frame = Math.round(0.03 * rate);
  const hop = Math.round(0.02 * rate);
  if (!Number.isFinite(secs) || length < frame || length > MAX_VALUES) {
    throw new Error(`${source}: seconds must give between one 30 ms MFCC frame and ${MAX_VALUES} samples at ${rate} Hz, got ${secs}`);
  }
  if (clips.length === 0) throw new Error(`${source}: no WAV clips found`);
  if (clips.length * length > MAX_VALUES) throw new Error(`${source}: ${clips.length} clips × ${length} samples is more than ${MAX_VALUES} values; use shorter clips or fewer`);
  const labels = allOrNone(clips, 'label', source);
  const groups = allOrNone(clips, 'group', source);
  // 512 points as FSDD uses at 8 kHz; more when a higher rate makes the 30 ms window longer.
  let nfft = 512;
  while (nfft < frame) nfft *= 2;
  const series: Float32Array[] = [];
  const lengths: number[] = [];
  for (const clip of clips) {
    let audio: Float32Array;
    try {
      const wav = parseWav(clip.bytes, clip.name);
      if (wav.sampleRate < MIN_RATE || wav.sampleRate > MAX_RATE) {
        throw new Error(`${clip.name}: sample rate ${wav.sampleRate} Hz is outside ${MIN_RATE}–${MAX_RATE} Hz; the header is corrupt or the clip is not audio`);
      }
      audio = toMono(wav);
      if (wav.sampleRate !== rate) audio = Float32Array.from(resample(audio, wav.sampleRate, rate));
    } catch (e) {
      throw new Error(`${source}: ${e instanceof Error ? e.message : String(e)}`);
    }
    audio = fitClipTo(audio, length);
    if (features === 'raw') {
      series.push(audio);
      lengths.push(length);
    } else {
      const m = mfcc(audio, { sampleRate: rate, frameLength: frame, hop, nfft, numCoeffs: COEFFS });
      series.push(m.data);
      lengths.push(m.numFrames);
    }
  }
  return checkTable({
    source,
    channels: features === 'raw' ? 1 : COEFFS,
    series,
    lengths,
    labels,
    groups,
    rowNames: clips.map((c) => c.name),
    channelNames: features === 'raw' ? ['audio'] : Array.from({ length: COEFFS }, (_, k) => `mfcc${k}`),
    // The rate of the series' steps: audio samples, or MFCC frames (50 per second at a 20 ms hop).
    rate: features === 'raw' ? rate : rate / hop,
  });
}

function allOrNone(clips: WavClip[], key: 'label' | 'group', source: string): string[] | null {
  const missing = clips.find((c) => c[key] === null);
  if (missing === undefined) return clips.map((c) => c[key]!);
  const present = clips.find((c) => c[key] !== null);
  if (present !== undefined) throw new Error(`${source}: clip ${missing.name} has no ${key} but ${present.name} has one; give every clip a ${key} or none`);
  return null;
}

/**
 * The group (speaker) in a clip's file name: capture group 1 of `pattern`, or the whole match
 * when it has none; by default the speaker of FSDD-style `{digit}_{speaker}_{index}.wav`.
 * Null when the name does not match.
 */
export function groupFromName(name: string, pattern: RegExp = /^\d+_([^_]+)_\d+\.wav$/i): string | null {
  const base = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
  const m = pattern.exec(base);
  if (!m) return null;
  return m[1] ?? m[0];
}
