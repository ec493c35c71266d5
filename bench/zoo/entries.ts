/**
 * The zoo: which networks bench/zoo.ts times, on which input, batch and head. One entry = an
 * architecture file (tsdnas.architecture/1, read by both tsdnas and bench/zoo/torch_zoo.py), an
 * input shape, a batch size, a class count (1 = regression, trained with MSE) and a mode:
 *   plain  the network as it is;
 *   pit    converted with pit() (masks active), loss + λ·params cost, searchOptimizers;
 *   mps    the mixed-precision search model (mps(), per channel), loss + λ·size cost.
 */

import { fileURLToPath } from 'node:url';
import * as T from '../../src/index.js';

export type Mode = 'plain' | 'pit' | 'mps';

export interface ZooEntry {
  id: string;
  /** Absolute path of the architecture file. */
  file: string;
  input: number[];
  batch: number;
  classes: number;
  mode: Mode;
}

const arch = (rel: string): string => fileURLToPath(new URL(rel, import.meta.url));
const ECG = arch('../plinio/ecgnet.json');
const RESNET8 = arch('./archs/resnet8.json');

export const ZOO: readonly ZooEntry[] = [
  { id: 'ecg-tcn', file: ECG, input: [1, 96], batch: 16, classes: 2, mode: 'plain' },
  { id: 'eog-tcn', file: arch('../plinio/eognet.json'), input: [2, 1250], batch: 32, classes: 12, mode: 'plain' },
  { id: 'tcn-k33', file: arch('./archs/tcn-k33.json'), input: [4, 512], batch: 32, classes: 8, mode: 'plain' },
  // TEMPONet regresses heart rate from PPG-DaLiA-like windows (4 × 256): one output, MSE.
  { id: 'temponet', file: arch('./archs/temponet.json'), input: [4, 256], batch: 32, classes: 1, mode: 'plain' },
  { id: 'tcn-mnist', file: arch('./archs/tcn-mnist.json'), input: [28, 28], batch: 64, classes: 10, mode: 'plain' },
  { id: 'resnet8', file: RESNET8, input: [3, 32, 32], batch: 32, classes: 10, mode: 'plain' },
  { id: 'ds-cnn', file: arch('./archs/ds-cnn.json'), input: [1, 49, 10], batch: 32, classes: 12, mode: 'plain' },
  { id: 'mobilenet-v1-0.25', file: arch('./archs/mobilenet-v1-0.25.json'), input: [3, 96, 96], batch: 16, classes: 2, mode: 'plain' },
  { id: 'cnn-small', file: arch('./archs/cnn-small.json'), input: [1, 28, 28], batch: 64, classes: 10, mode: 'plain' },
  { id: 'ecg-tcn:pit', file: ECG, input: [1, 96], batch: 16, classes: 2, mode: 'pit' },
  { id: 'resnet8:pit', file: RESNET8, input: [3, 32, 32], batch: 32, classes: 10, mode: 'pit' },
  // mpsSearch folds BatchNorm before searching; the folded ECGNet is written out in archs/.
  { id: 'ecg-tcn:mps', file: arch('./archs/ecgnet-folded.json'), input: [1, 96], batch: 16, classes: 2, mode: 'mps' },
];

/** The plain entry a search entry is compared with (search step / plain step). */
export const plainOf = (id: string): string => id.split(':')[0];

/** Strength of the cost term: the library's default λ for a single search (PIT params, MPS size in bytes). */
export const LAMBDA: Record<Mode, number> = { plain: 0, pit: T.SEARCH_DEFAULTS.lambda, mps: T.MPS_DEFAULTS.lambda };

/** What the PyTorch peer needs to build the same step (search settings included). */
export function peerEntry(e: ZooEntry): Record<string, unknown> {
  const m = T.MPS_DEFAULTS;
  return {
    ...e, lambda: LAMBDA[e.mode], maskLr: T.LOOP_MASK_LR,
    wBits: m.precisions, aBits: m.actPrecisions, inputBits: m.inputBits, sampling: m.sampling,
  };
}
