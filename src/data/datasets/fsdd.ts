/**
 * Free Spoken Digit Dataset: keyword spotting on 8 kHz clips named {digit}_{speaker}_{index}.wav.
 *
 * Official split: index 0–4 → test (300 clips), the rest → train. Each clip is made exactly
 * 1 s (8000 samples): shorter clips are zero-padded at the end (digital silence, like the
 * silence around a spoken word); the few longer clips keep their central second, where the
 * word is. Features: 'mfcc' (default) = 10 coefficients × 49 frames (features/mfcc.ts), each
 * coefficient standardised with the mean / std of the official training clips (before the
 * validation split, so the preprocessing is the same for every seed); 'raw' = the waveform in
 * [-1, 1] as 1 × 8000. Validation = stratified (by digit) 10 % of train drawn with the run seed.
 */

import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DATA_SOURCES, requireFile, resolveDataDir } from '../dataDir.js';
import { dirExists } from '../files.js';
import { mfcc } from '../features/mfcc.js';
import { fitClipTo } from '../features/clip.js';
import { resample } from '../features/resample.js';
import { applyChannelStats, channelStats } from '../features/standardize.js';
import { toMono } from '../formats/wav.js';
import { readWav } from '../formats/read.js';
import { makeDataset } from '../split.js';
import type { ArrayDataset, DatasetSplits, LoadOptions } from '../types.js';
import { checkOptions, splitsWithStratifiedVal } from './common.js';
import { PREPROCESSING_FORMAT, type Preprocessing } from '../user/preprocess.js';

export const FSDD_RATE = 8000;
const CLIP = FSDD_RATE; // 1 s
const NAME = /^(\d)_([A-Za-z]+)_(\d+)\.wav$/;

interface Clip {
  file: string;
  digit: number;
  speaker: string;
  index: number;
}

/** Clip files of a recordings folder, sorted (digit, speaker, index) so the order never depends on the file system. */
export function listFsddClips(dir: string): Clip[] {
  const clips: Clip[] = [];
  for (const file of readdirSync(dir)) {
    const m = NAME.exec(file);
    if (m) clips.push({ file, digit: Number(m[1]), speaker: m[2], index: Number(m[3]) });
  }
  clips.sort((a, b) => a.digit - b.digit || (a.speaker < b.speaker ? -1 : a.speaker > b.speaker ? 1 : 0) || a.index - b.index);
  return clips;
}

/** Exactly `length` samples (1 s by default): zero-padded at the end, or the central part. */
export function fitClip(x: Float32Array, length = CLIP): Float32Array {
  return fitClipTo(x, length);
}

function loadClip(path: string): Float32Array {
  const wav = readWav(path);
  let audio = toMono(wav);
  if (wav.sampleRate !== FSDD_RATE) audio = Float32Array.from(resample(audio, wav.sampleRate, FSDD_RATE));
  return fitClip(audio);
}

export function loadFsdd(opts: LoadOptions = {}): DatasetSplits {
  checkOptions('fsdd', opts, { layout: ['sequence', 'image'], features: ['mfcc', 'raw'] });
  const features = opts.features ?? 'mfcc';
  if (features === 'raw' && opts.layout === 'image') throw new Error(`dataset 'fsdd': layout 'image' exists only for features 'mfcc' ([1, 49, 10]); raw audio is [1, 8000]`);
  const dir = resolveDataDir(opts.dataDir);
  const recordings = join(dir, 'fsdd', 'recordings');
  if (!dirExists(recordings)) requireFile(join(recordings, '0_george_0.wav'), 'fsdd', 'fsdd', dir);
  const clips = listFsddClips(recordings);
  if (clips.length === 0) {
    throw new Error(`dataset 'fsdd': no {digit}_{speaker}_{index}.wav files in ${recordings}; copy the 'recordings' folder of ${DATA_SOURCES.fsdd.url} there`);
  }
  const trainClips = clips.filter((c) => c.index > 4);
  const testClips = clips.filter((c) => c.index <= 4);

  let shape: number[];
  const featurize = (list: Clip[]): Float32Array => {
    let out: Float32Array | null = null;
    list.forEach((c, i) => {
      const audio = loadClip(join(recordings, c.file));
      const f = features === 'raw' ? audio : mfcc(audio, { sampleRate: FSDD_RATE }).data;
      out ??= new Float32Array(list.length * f.length);
      out.set(f, i * f.length);
    });
    return out ?? new Float32Array(0);
  };
  const xTr = featurize(trainClips);
  const xTe = featurize(testClips);
  let notes: string;
  let stats: { mean: number; std: number }[] | undefined;
  if (features === 'mfcc') {
    const coeffs = 10;
    const frames = xTr.length / trainClips.length / coeffs;
    stats = channelStats(xTr, coeffs, frames);
    applyChannelStats(xTr, coeffs, frames, stats);
    applyChannelStats(xTe, coeffs, frames, stats);
    shape = [coeffs, frames];
    notes = `MFCC: 30 ms Hamming window, 20 ms hop, 512-point FFT, 40 mel filters 20 Hz–4 kHz, log, orthonormal DCT-II, 10 coefficients × ${frames} frames, each coefficient standardised with the training clips' mean/std`;
  } else {
    shape = [1, CLIP];
    notes = 'raw waveform in [-1, 1], 1 × 8000';
  }
  const yTr = Int32Array.from(trainClips, (c) => c.digit);
  const yTe = Int32Array.from(testClips, (c) => c.digit);
  let train: ArrayDataset = makeDataset('fsdd', xTr, shape, yTr, 'classification', 10);
  let test: ArrayDataset = makeDataset('fsdd', xTe, shape, yTe, 'classification', 10);
  if (features === 'mfcc' && opts.layout === 'image') {
    // DS-CNN style input: 1 × frames × coefficients.
    const toImage = (ds: ArrayDataset) => {
      const [K, T] = ds.sampleShape;
      const x = new Float32Array(ds.x.length);
      for (let s = 0; s < ds.length; s++) for (let k = 0; k < K; k++) for (let t = 0; t < T; t++) x[s * K * T + t * K + k] = ds.x[s * K * T + k * T + t];
      return makeDataset('fsdd', x, [1, T, K], ds.y, 'classification', 10);
    };
    train = toImage(train);
    test = toImage(test);
    shape = train.sampleShape;
  }
  // As a record, so that a user's clips (another digit corpus) go through the same front end.
  const [channels, length] = features === 'mfcc' ? [10, xTr.length / trainClips.length / 10] : [1, CLIP];
  const preprocessing: Preprocessing = {
    format: PREPROCESSING_FORMAT, task: 'classification', classes: Array.from({ length: 10 }, (_, i) => String(i)), channels, length,
    lengthPolicy: 'pad', pad: 'zero', missing: 'error', normalize: stats ? 'channel' : 'none', ...(stats ? { stats: stats.map((s) => ({ mean: s.mean, std: s.std })) } : {}),
    sampleShape: [...shape], features: { wav: { rate: FSDD_RATE, seconds: 1, features } },
  };
  return splitsWithStratifiedVal(train, test, 0.1, opts, {
    name: 'fsdd', task: 'classification', numClasses: 10, sampleShape: shape, metric: 'accuracy', preprocessing,
    source: recordings,
    notes: `Free Spoken Digit Dataset, official split (index 0–4 test: ${testClips.length} clips; train ${trainClips.length}); clips zero-padded at the end / centre-cropped to 1 s at 8 kHz; ${notes}; validation = stratified 10 % of train drawn with the run seed.`,
  });
}
