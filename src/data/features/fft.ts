/**
 * A small radix-2 FFT, enough for the MFCC front end (256- or 512-point frames).
 *
 * Iterative Cooley–Tukey with a precomputed twiddle table per size; float64 throughout so that
 * the features do not depend on float32 rounding in the transform.
 */

const tables = new Map<number, { cos: Float64Array; sin: Float64Array; rev: Uint32Array }>();

function table(n: number) {
  let t = tables.get(n);
  if (!t) {
    const half = n >> 1;
    const cos = new Float64Array(half);
    const sin = new Float64Array(half);
    for (let k = 0; k < half; k++) {
      cos[k] = Math.cos((2 * Math.PI * k) / n);
      sin[k] = -Math.sin((2 * Math.PI * k) / n);
    }
    const bits = Math.log2(n);
    const rev = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      let r = 0;
      for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
      rev[i] = r;
    }
    t = { cos, sin, rev };
    tables.set(n, t);
  }
  return t;
}

export function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && (n & (n - 1)) === 0;
}

/** In-place forward DFT X[k] = Σ x[n] e^{-2πikn/N} of (re, im); N must be a power of two. */
export function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  if (im.length !== n) throw new Error(`fft: real and imaginary parts differ in length (${n} vs ${im.length})`);
  if (!isPowerOfTwo(n)) throw new Error(`fft: length ${n} is not a power of two; zero-pad the frame to the next power of two`);
  const { cos, sin, rev } = table(n);
  for (let i = 0; i < n; i++) {
    const j = rev[i];
    if (j > i) {
      let t = re[i]; re[i] = re[j]; re[j] = t;
      t = im[i]; im[i] = im[j]; im[j] = t;
    }
  }
  for (let size = 2; size <= n; size <<= 1) {
    const half = size >> 1;
    const step = n / size;
    for (let start = 0; start < n; start += size) {
      for (let k = 0; k < half; k++) {
        const wr = cos[k * step];
        const wi = sin[k * step];
        const a = start + k;
        const b = a + half;
        const tr = re[b] * wr - im[b] * wi;
        const ti = re[b] * wi + im[b] * wr;
        re[b] = re[a] - tr;
        im[b] = im[a] - ti;
        re[a] += tr;
        im[a] += ti;
      }
    }
  }
}

/** |X[k]|² for k = 0..N/2 of a real frame zero-padded to N points. */
export function powerSpectrum(frame: ArrayLike<number>, n: number): Float64Array {
  if (frame.length > n) throw new Error(`powerSpectrum: frame of ${frame.length} samples does not fit an ${n}-point FFT`);
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  for (let i = 0; i < frame.length; i++) re[i] = frame[i];
  fft(re, im);
  const out = new Float64Array(n / 2 + 1);
  for (let k = 0; k <= n / 2; k++) out[k] = re[k] * re[k] + im[k] * im[k];
  return out;
}

const rfftScratch = new Map<number, { re: Float64Array; im: Float64Array; cos: Float64Array; sin: Float64Array }>();

/**
 * Power spectrum |X[k]|², k = 0..n/2, of a real frame zero-padded to n points, written into
 * `out`. Packs even / odd samples as one n/2-point complex FFT and untangles the two halves,
 * which halves the work of the MFCC front end.
 */
export function realPowerSpectrum(frame: ArrayLike<number>, n: number, out: Float64Array): Float64Array {
  if (!isPowerOfTwo(n) || n < 4) throw new Error(`realPowerSpectrum: length ${n} must be a power of two ≥ 4`);
  if (frame.length > n) throw new Error(`realPowerSpectrum: frame of ${frame.length} samples does not fit an ${n}-point FFT`);
  if (out.length < n / 2 + 1) throw new Error(`realPowerSpectrum: output needs ${n / 2 + 1} bins, got ${out.length}`);
  const m = n / 2;
  let s = rfftScratch.get(n);
  if (!s) {
    const cos = new Float64Array(m + 1);
    const sin = new Float64Array(m + 1);
    for (let k = 0; k <= m; k++) {
      cos[k] = Math.cos((2 * Math.PI * k) / n);
      sin[k] = Math.sin((2 * Math.PI * k) / n);
    }
    s = { re: new Float64Array(m), im: new Float64Array(m), cos, sin };
    rfftScratch.set(n, s);
  }
  const { re, im, cos, sin } = s;
  re.fill(0);
  im.fill(0);
  for (let i = 0; i < frame.length; i++) {
    if (i & 1) im[i >> 1] = frame[i];
    else re[i >> 1] = frame[i];
  }
  fft(re, im);
  for (let k = 0; k <= m; k++) {
    const a = re[k % m];
    const b = im[k % m];
    const c = re[(m - k) % m];
    const d = im[(m - k) % m];
    // Even part E = (Z[k] + conj Z[m-k]) / 2, odd part O = (Z[k] - conj Z[m-k]) / 2i.
    const er = 0.5 * (a + c);
    const ei = 0.5 * (b - d);
    const or = 0.5 * (b + d);
    const oi = -0.5 * (a - c);
    // X[k] = E + e^{-2πik/n} O.
    const xr = er + cos[k] * or + sin[k] * oi;
    const xi = ei + cos[k] * oi - sin[k] * or;
    out[k] = xr * xr + xi * xi;
  }
  return out;
}
