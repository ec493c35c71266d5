/**
 * MFCC front end for keyword spotting (FSDD: 1 s at 8 kHz → 10 coefficients × 49 frames).
 *
 * Pipeline: frames of 30 ms (240 samples) every 20 ms (160 samples), no padding, so 1 s gives
 * 1 + ⌊(8000 − 240)/160⌋ = 49 frames; symmetric Hamming window; 512-point FFT power spectrum
 * (512 rather than 256 so that the narrow low-frequency mel filters cover several bins);
 * 40 triangular mel filters (HTK mel scale, 20 Hz – 4 kHz, peak height 1); natural log with a
 * floor of 1e-6 (digital silence would otherwise give −∞); orthonormal DCT-II; keep the first
 * 10 coefficients (c0 included: the frame energy helps to find where the word is).
 * The output is channels-first: coefficient-major [numCoeffs][numFrames], the NCL layout a
 * 1-D TCN consumes directly.
 */

import { isPowerOfTwo, realPowerSpectrum } from './fft.js';

export interface MfccOptions {
  sampleRate?: number;
  frameLength?: number;
  hop?: number;
  nfft?: number;
  numFilters?: number;
  fmin?: number;
  fmax?: number;
  numCoeffs?: number;
  logFloor?: number;
}

type Resolved = Required<MfccOptions>;

function resolve(o: MfccOptions): Resolved {
  const sampleRate = o.sampleRate ?? 8000;
  const r: Resolved = {
    sampleRate,
    frameLength: o.frameLength ?? Math.round(0.03 * sampleRate),
    hop: o.hop ?? Math.round(0.02 * sampleRate),
    nfft: o.nfft ?? 512,
    numFilters: o.numFilters ?? 40,
    fmin: o.fmin ?? 20,
    fmax: o.fmax ?? sampleRate / 2,
    numCoeffs: o.numCoeffs ?? 10,
    logFloor: o.logFloor ?? 1e-6,
  };
  if (!isPowerOfTwo(r.nfft) || r.nfft < r.frameLength) throw new Error(`mfcc: nfft must be a power of two ≥ frameLength (${r.frameLength}), got ${r.nfft}`);
  if (!(r.fmin >= 0 && r.fmin < r.fmax && r.fmax <= sampleRate / 2)) throw new Error(`mfcc: need 0 ≤ fmin < fmax ≤ sampleRate/2, got ${r.fmin}..${r.fmax} Hz at ${sampleRate} Hz`);
  if (r.numCoeffs > r.numFilters) throw new Error(`mfcc: numCoeffs (${r.numCoeffs}) cannot exceed numFilters (${r.numFilters})`);
  return r;
}

export const hzToMel = (f: number): number => 2595 * Math.log10(1 + f / 700);
export const melToHz = (m: number): number => 700 * (10 ** (m / 2595) - 1);

/** Triangular filters over the nfft/2+1 power-spectrum bins; also returns their centre frequencies. */
export function melFilterbank(numFilters: number, nfft: number, sampleRate: number, fmin: number, fmax: number): { filters: Float64Array[]; centersHz: number[] } {
  const lo = hzToMel(fmin);
  const hi = hzToMel(fmax);
  const edges: number[] = [];
  for (let i = 0; i < numFilters + 2; i++) edges.push(melToHz(lo + ((hi - lo) * i) / (numFilters + 1)));
  const bins = nfft / 2 + 1;
  const filters: Float64Array[] = [];
  for (let m = 0; m < numFilters; m++) {
    const [a, c, b] = [edges[m], edges[m + 1], edges[m + 2]];
    const w = new Float64Array(bins);
    for (let k = 0; k < bins; k++) {
      const f = (k * sampleRate) / nfft;
      if (f > a && f <= c) w[k] = (f - a) / (c - a);
      else if (f > c && f < b) w[k] = (b - f) / (b - c);
    }
    filters.push(w);
  }
  return { filters, centersHz: edges.slice(1, -1) };
}

export function frameCount(numSamples: number, frameLength: number, hop: number): number {
  return numSamples < frameLength ? 0 : 1 + Math.floor((numSamples - frameLength) / hop);
}

/** Everything that depends only on the options, built once per option set and reused. */
interface Plan {
  o: Resolved;
  window: Float64Array;
  /** Filter m is weights[m] over bins first[m] .. first[m] + weights[m].length - 1 (the triangle's support only). */
  first: Int32Array;
  weights: Float64Array[];
  frame: Float64Array;
}

const plans = new Map<string, Plan>();

function planFor(opts: MfccOptions): Plan {
  const o = resolve(opts);
  const key = JSON.stringify(o);
  let plan = plans.get(key);
  if (plan) return plan;
  const window = new Float64Array(o.frameLength);
  for (let i = 0; i < o.frameLength; i++) window[i] = 0.54 - 0.46 * Math.cos((2 * Math.PI * i) / (o.frameLength - 1));
  const { filters } = melFilterbank(o.numFilters, o.nfft, o.sampleRate, o.fmin, o.fmax);
  const first = new Int32Array(o.numFilters);
  const weights = filters.map((w, m) => {
    let a = 0;
    while (a < w.length && w[a] === 0) a++;
    let b = w.length;
    while (b > a && w[b - 1] === 0) b--;
    first[m] = a;
    return w.slice(a, b);
  });
  plan = { o, window, first, weights, frame: new Float64Array(o.frameLength) };
  plans.set(key, plan);
  return plan;
}

/** Log mel energies, frame-major [numFrames][numFilters]. */
export function logMelEnergies(signal: ArrayLike<number>, opts: MfccOptions = {}): { data: Float64Array; numFrames: number; numFilters: number } {
  const { o, window, first, weights, frame } = planFor(opts);
  const numFrames = frameCount(signal.length, o.frameLength, o.hop);
  if (numFrames === 0) throw new Error(`mfcc: signal of ${signal.length} samples is shorter than one ${o.frameLength}-sample frame`);
  const out = new Float64Array(numFrames * o.numFilters);
  const bins = o.nfft / 2 + 1;
  const power = new Float64Array(bins);
  for (let t = 0; t < numFrames; t++) {
    const start = t * o.hop;
    for (let i = 0; i < o.frameLength; i++) frame[i] = signal[start + i] * window[i];
    realPowerSpectrum(frame, o.nfft, power);
    for (let m = 0; m < o.numFilters; m++) {
      const w = weights[m];
      const f = first[m];
      let e = 0;
      for (let k = 0; k < w.length; k++) e += w[k] * power[f + k];
      out[t * o.numFilters + m] = Math.log(e + o.logFloor);
    }
  }
  return { data: out, numFrames, numFilters: o.numFilters };
}

const dctCache = new Map<string, Float64Array>();

/** Orthonormal DCT-II basis, K rows of M: c0 is √M × the mean log energy, the others unit-scaled. */
function dctBasis(K: number, M: number): Float64Array {
  const key = `${K}x${M}`;
  let basis = dctCache.get(key);
  if (!basis) {
    basis = new Float64Array(K * M);
    for (let k = 0; k < K; k++) {
      const s = k === 0 ? Math.sqrt(1 / M) : Math.sqrt(2 / M);
      for (let m = 0; m < M; m++) basis[k * M + m] = s * Math.cos((Math.PI * k * (2 * m + 1)) / (2 * M));
    }
    dctCache.set(key, basis);
  }
  return basis;
}

/** MFCCs, coefficient-major [numCoeffs][numFrames]. */
export function mfcc(signal: ArrayLike<number>, opts: MfccOptions = {}): { data: Float32Array; numCoeffs: number; numFrames: number } {
  const o = resolve(opts);
  const { data: logMel, numFrames } = logMelEnergies(signal, o);
  const M = o.numFilters;
  const K = o.numCoeffs;
  const basis = dctBasis(K, M);
  const out = new Float32Array(K * numFrames);
  for (let t = 0; t < numFrames; t++) {
    for (let k = 0; k < K; k++) {
      let acc = 0;
      for (let m = 0; m < M; m++) acc += basis[k * M + m] * logMel[t * M + m];
      out[k * numFrames + t] = acc;
    }
  }
  return { data: out, numCoeffs: K, numFrames };
}
