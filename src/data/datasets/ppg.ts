/**
 * PPG heart-rate regression on the IEEE SPC2015 / TROIKA recordings, preprocessed like PIT's
 * PPG-DaLiA benchmark.
 *
 * Per recording: PPG = mean of the two wrist PPG channels; with ACCx, ACCy, ACCz that makes 4
 * channels; each is resampled 125 Hz → 32 Hz (windowed-sinc, see features/resample.ts) over the
 * whole recording, then standardised with the recording's own mean / std. Window i covers
 * [2i, 2i + 8) s, i.e. samples [64i, 64i + 256) at 32 Hz, exactly the window of the i-th
 * ground-truth BPM value (BPM0 / TrueBPM), which is the regression target.
 * Validation: two whole training recordings, chosen with the run's seed. Windows overlap by
 * 6 s, so a random window split would put near-copies of validation windows into training;
 * holding out recordings keeps validation honest, as the subject-wise splits of PPG-DaLiA do.
 */

import { join } from 'node:path';
import { Rng } from '../../tensor/rng.js';
import { requireFile, resolveDataDir } from '../dataDir.js';
import { resample } from '../features/resample.js';
import { meanStd, standardizeInPlace } from '../features/standardize.js';
import { matRow, matVariable } from '../formats/mat.js';
import { readMat } from '../formats/read.js';
import { makeDataset } from '../split.js';
import type { ArrayDataset, DatasetSplits, LoadOptions } from '../types.js';
import { checkOptions, seedOf, withLimit } from './common.js';

export const PPG_RATE = 125;
export const PPG_TARGET_RATE = 32;
const WINDOW_S = 8;
const SHIFT_S = 2;
const CHANNELS = 4;
const WIN = WINDOW_S * PPG_TARGET_RATE; // 256
const SHIFT = SHIFT_S * PPG_TARGET_RATE; // 64
const VAL_RECORDINGS = 2;

interface RecordingFiles {
  id: string;
  signal: string;
  bpm: string;
}

/** The official files: 12 training recordings, 1 extra, 10 test recordings. */
export const PPG_TRAIN_RECORDINGS: RecordingFiles[] = [
  ...Array.from({ length: 12 }, (_, k) => {
    const id = `DATA_${String(k + 1).padStart(2, '0')}_TYPE0${k === 0 ? 1 : 2}`;
    return { id, signal: `Training_data/${id}.mat`, bpm: `Training_data/${id}_BPMtrace.mat` };
  }),
  { id: 'DATA_S04_T01', signal: 'Extra_TrainingData/DATA_S04_T01.mat', bpm: 'Extra_TrainingData/BPM_S04_T01.mat' },
];
export const PPG_TEST_RECORDINGS: RecordingFiles[] = ['S01_T01', 'S02_T01', 'S02_T02', 'S03_T02', 'S04_T02', 'S05_T02', 'S06_T01', 'S06_T02', 'S07_T02', 'S08_T01'].map(
  (s) => ({ id: `TEST_${s}`, signal: `TestData/TEST_${s}.mat`, bpm: `TrueBPM/True_${s}.mat` }),
);

interface Windows {
  id: string;
  x: Float32Array;
  y: Float32Array;
}

/** The 4 × 256 windows and their BPM targets of one recording. */
export function ppgRecordingWindows(signalPath: string, bpmPath: string, id = signalPath): Windows {
  const sig = matVariable(readMat(signalPath), 'sig', signalPath);
  const bpm = matVariable(readMat(bpmPath), 'BPM0', bpmPath).data;
  if (sig.shape.length !== 2 || (sig.shape[0] !== 6 && sig.shape[0] !== 5)) {
    throw new Error(`${signalPath}: 'sig' has shape [${sig.shape.join('×')}]; expected 6×N (ECG, PPG1, PPG2, ACCx, ACCy, ACCz) or 5×N (without ECG)`);
  }
  const first = sig.shape[0] - 5; // row of PPG1: the test files have no ECG row
  const n = sig.shape[1];
  const ppg1 = matRow(sig, first);
  const ppg2 = matRow(sig, first + 1);
  const ppg = new Float64Array(n);
  for (let i = 0; i < n; i++) ppg[i] = 0.5 * (ppg1[i] + ppg2[i]);
  const channels = [ppg, matRow(sig, first + 2), matRow(sig, first + 3), matRow(sig, first + 4)].map((c) => {
    const r = resample(c, PPG_RATE, PPG_TARGET_RATE);
    standardizeInPlace(r, meanStd(r));
    return r;
  });
  const possible = n < WINDOW_S * PPG_RATE ? 0 : Math.floor((n - WINDOW_S * PPG_RATE) / (SHIFT_S * PPG_RATE)) + 1;
  if (bpm.length > possible) {
    throw new Error(`${bpmPath}: ${bpm.length} ground-truth windows but ${signalPath} (${n} samples at ${PPG_RATE} Hz) holds only ${possible} windows of ${WINDOW_S} s every ${SHIFT_S} s`);
  }
  const count = bpm.length;
  const x = new Float32Array(count * CHANNELS * WIN);
  const y = new Float32Array(count);
  for (let w = 0; w < count; w++) {
    for (let c = 0; c < CHANNELS; c++) {
      const src = channels[c];
      const base = (w * CHANNELS + c) * WIN;
      for (let t = 0; t < WIN; t++) x[base + t] = src[w * SHIFT + t];
    }
    if (!Number.isFinite(bpm[w])) throw new Error(`${bpmPath}: BPM0[${w}] is ${bpm[w]}, expected a heart rate`);
    y[w] = bpm[w];
  }
  return { id, x, y };
}

function concat(name: string, parts: Windows[]): ArrayDataset {
  const n = parts.reduce((s, p) => s + p.y.length, 0);
  const x = new Float32Array(n * CHANNELS * WIN);
  const y = new Float32Array(n);
  let at = 0;
  for (const p of parts) {
    x.set(p.x, at * CHANNELS * WIN);
    y.set(p.y, at);
    at += p.y.length;
  }
  return makeDataset(name, x, [CHANNELS, WIN], y, 'regression');
}

export function loadPpg(opts: LoadOptions = {}): DatasetSplits {
  checkOptions('ppg', opts, {});
  const dir = resolveDataDir(opts.dataDir);
  const load = (r: RecordingFiles) => {
    const p = (f: string) => requireFile(join(dir, 'ppg-spc2015', f), 'ppg', 'ppg', dir);
    return ppgRecordingWindows(p(r.signal), p(r.bpm), r.id);
  };
  const trainRecs = PPG_TRAIN_RECORDINGS.map(load);
  const testRecs = PPG_TEST_RECORDINGS.map(load);
  const pick = new Rng(seedOf(opts)).permutation(trainRecs.length).slice(0, VAL_RECORDINGS);
  const isVal = (i: number) => pick.includes(i);
  const valRecs = trainRecs.filter((_, i) => isVal(i));
  const fitRecs = trainRecs.filter((_, i) => !isVal(i));
  return withLimit({
    train: concat('ppg', fitRecs),
    val: concat('ppg', valRecs),
    test: concat('ppg', testRecs),
    info: {
      name: 'ppg', task: 'regression', sampleShape: [CHANNELS, WIN], metric: 'mae', unit: 'BPM',
      source: join(dir, 'ppg-spc2015'),
      notes: `IEEE SPC2015 (TROIKA): 4 channels (mean of PPG1/PPG2, ACCx, ACCy, ACCz) resampled 125 → 32 Hz (Kaiser-windowed sinc), standardised per recording and channel, 8 s windows every 2 s aligned with the ground-truth BPM windows; target = BPM. Train = Training_data + Extra_TrainingData minus the validation recordings; validation = whole recordings ${valRecs.map((r) => r.id).join(', ')} (chosen with the run seed); test = TestData with TrueBPM.`,
    },
  }, opts);
}
