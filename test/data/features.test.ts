/** FFT, resampling, standardisation and MFCC. */

import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/tensor/rng.js';
import {
  applyChannelStats, channelStats, fft, frameCount, logMelEnergies, meanStd, melFilterbank, mfcc, powerSpectrum,
  realPowerSpectrum, resample, resampledLength,
} from '../../src/data/index.js';

function sine(freq: number, rate: number, n: number, phase = 0): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => Math.sin((2 * Math.PI * freq * i) / rate + phase));
}

/** Frequency of the largest DFT bin (fine grid), for frequency checks. */
function peakFrequency(x: ArrayLike<number>, rate: number, fmax: number, step = 0.01): number {
  let best = -1;
  let bestF = 0;
  for (let f = step; f <= fmax; f += step) {
    let re = 0;
    let im = 0;
    for (let t = 0; t < x.length; t++) {
      re += x[t] * Math.cos((2 * Math.PI * f * t) / rate);
      im -= x[t] * Math.sin((2 * Math.PI * f * t) / rate);
    }
    const p = re * re + im * im;
    if (p > best) [best, bestF] = [p, f];
  }
  return bestF;
}

describe('fft', () => {
  it('matches a naive DFT', () => {
    const rng = new Rng(7);
    const n = 64;
    const xr = Float64Array.from({ length: n }, () => rng.normal());
    const xi = Float64Array.from({ length: n }, () => rng.normal());
    const re = xr.slice();
    const im = xi.slice();
    fft(re, im);
    for (let k = 0; k < n; k++) {
      let sr = 0;
      let si = 0;
      for (let t = 0; t < n; t++) {
        const a = (-2 * Math.PI * k * t) / n;
        sr += xr[t] * Math.cos(a) - xi[t] * Math.sin(a);
        si += xr[t] * Math.sin(a) + xi[t] * Math.cos(a);
      }
      expect(re[k]).toBeCloseTo(sr, 9);
      expect(im[k]).toBeCloseTo(si, 9);
    }
    expect(() => fft(new Float64Array(48), new Float64Array(48))).toThrow(/length 48 is not a power of two/);
  });

  it('the real-input power spectrum equals the complex one', () => {
    const rng = new Rng(3);
    const frame = Float64Array.from({ length: 240 }, () => rng.normal());
    const a = powerSpectrum(frame, 256);
    const b = realPowerSpectrum(frame, 256, new Float64Array(129));
    for (let k = 0; k <= 128; k++) expect(b[k]).toBeCloseTo(a[k], 8);
  });
});

describe('resample', () => {
  it('125 Hz → 32 Hz keeps a 2 Hz sine (frequency, amplitude, phase) and has the right length', () => {
    const x = sine(2, 125, 125 * 20);
    const y = resample(x, 125, 32);
    expect(y.length).toBe(640);
    expect(resampledLength(37937, 125, 32)).toBe(Math.ceil((37937 * 32) / 125));
    const ideal = sine(2, 32, 640);
    let err = 0;
    for (let i = 64; i < 576; i++) err = Math.max(err, Math.abs(y[i] - ideal[i]));
    expect(err).toBeLessThan(2e-3);
    expect(peakFrequency(y, 32, 15)).toBeCloseTo(2, 1);
  });

  it('removes content above the new Nyquist frequency instead of aliasing it', () => {
    // 25 Hz at 125 Hz would alias to 7 Hz at 32 Hz without the low-pass.
    const y = resample(sine(25, 125, 125 * 10), 125, 32);
    let rms = 0;
    for (let i = 64; i < y.length - 64; i++) rms += y[i] * y[i];
    rms = Math.sqrt(rms / (y.length - 128));
    expect(rms).toBeLessThan(1e-3);
    // A tone inside the pass band survives at full amplitude.
    const z = resample(sine(10, 125, 125 * 10), 125, 32);
    let peak = 0;
    for (let i = 64; i < z.length - 64; i++) peak = Math.max(peak, Math.abs(z[i]));
    expect(peak).toBeGreaterThan(0.98);
  });

  it('upsamples too, keeps DC exactly, and validates its arguments', () => {
    const up = resample(sine(3, 32, 320), 32, 125);
    expect(up.length).toBe(1250);
    expect(peakFrequency(up.subarray(100, 1150), 125, 20)).toBeCloseTo(3, 1);
    const dc = resample(new Float64Array(500).fill(4.5), 125, 32);
    for (const v of dc) expect(v).toBeCloseTo(4.5, 10);
    expect(() => resample([1, 2], 125.5, 32)).toThrow(/rates must be positive integers/);
  });
});

describe('standardize', () => {
  it('global and per-channel statistics', () => {
    const s = meanStd([1, 2, 3, 4]);
    expect(s.mean).toBe(2.5);
    expect(s.std).toBeCloseTo(Math.sqrt(1.25), 12);
    expect(meanStd([3, 3, 3]).std).toBe(1); // constant → no division by zero
    // 2 samples × 2 channels × 3 steps.
    const x = Float32Array.from([0, 1, 2, 10, 10, 10, 4, 5, 6, 10, 10, 10]);
    const st = channelStats(x, 2, 3);
    expect(st[0].mean).toBeCloseTo(3, 6);
    expect(st[1]).toEqual({ mean: 10, std: 1 });
    applyChannelStats(x, 2, 3, st);
    expect(meanStd(x.subarray(0, 3)).mean).toBeLessThan(0);
    expect(x[3]).toBe(0);
  });
});

describe('mfcc', () => {
  it('1 s at 8 kHz gives 10 coefficients × 49 frames (30 ms window, 20 ms hop)', () => {
    expect(frameCount(8000, 240, 160)).toBe(49);
    const rng = new Rng(1);
    const noise = Float32Array.from({ length: 8000 }, () => 0.1 * rng.normal());
    const m = mfcc(noise);
    expect(m.numCoeffs).toBe(10);
    expect(m.numFrames).toBe(49);
    expect(m.data.length).toBe(490);
    for (const v of m.data) expect(Number.isFinite(v)).toBe(true);
    // Silence is finite too (log floor).
    for (const v of mfcc(new Float32Array(8000)).data) expect(Number.isFinite(v)).toBe(true);
    expect(() => mfcc(new Float32Array(100))).toThrow(/shorter than one 240-sample frame/);
  });

  it("a pure tone's energy peaks in the mel band centred nearest to it", () => {
    const { centersHz } = melFilterbank(40, 512, 8000, 20, 4000);
    for (const f of [300, 1000, 2500]) {
      const { data, numFilters } = logMelEnergies(sine(f, 8000, 8000));
      const frame = data.subarray(20 * numFilters, 21 * numFilters);
      const argmax = frame.indexOf(Math.max(...frame));
      const nearest = centersHz.reduce((b, c, i) => (Math.abs(c - f) < Math.abs(centersHz[b] - f) ? i : b), 0);
      expect(Math.abs(argmax - nearest)).toBeLessThanOrEqual(1);
    }
  });

  it('c0 tracks loudness: a louder copy raises c0 by √40·ln(gain²) and leaves the rest', () => {
    const x = sine(440, 8000, 8000);
    const a = mfcc(x);
    const b = mfcc(x.map((v) => 4 * v));
    const t = 10;
    expect(b.data[t] - a.data[t]).toBeCloseTo(Math.sqrt(40) * Math.log(16), 2);
    expect(b.data[49 + t]).toBeCloseTo(a.data[49 + t], 2);
  });
});
