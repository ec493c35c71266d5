/**
 * Band-limited sample-rate conversion by a rational factor (e.g. PPG 125 Hz → 32 Hz).
 *
 * Method: polyphase windowed-sinc interpolation. With up/down = toRate/fromRate reduced by
 * their gcd, output sample n sits at input time t = n·down/up, whose fractional part takes
 * only `up` values, so one low-pass kernel per phase is precomputed and reused. The kernel is
 * an ideal low-pass sinc with its cutoff at `rolloff` × the lower of the two Nyquist
 * frequencies (anti-aliasing when decimating, anti-imaging when interpolating), tapered by a
 * Kaiser window spanning `zeros` zero crossings on each side, and normalised to unit DC gain.
 * Defaults (rolloff 0.9, 24 zero crossings, Kaiser β = 8) give ≈ 80 dB stop-band rejection
 * with the transition band inside 0.81–0.99 of the output Nyquist frequency.
 * Samples beyond the ends are taken equal to the first / last sample (edge hold), which
 * avoids the droop that zero padding would put on the first and last windows.
 */

export interface ResampleOptions {
  /** Cutoff as a fraction of the lower Nyquist frequency (0 < rolloff ≤ 1). */
  rolloff?: number;
  /** Half-length of the kernel, in zero crossings of the low-pass sinc. */
  zeros?: number;
  /** Kaiser window shape parameter. */
  beta?: number;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Modified Bessel function of the first kind, order 0 (power series). */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 200; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < 1e-16 * sum) break;
  }
  return sum;
}

/** Output length for `n` input samples: ceil(n · toRate / fromRate). */
export function resampledLength(n: number, fromRate: number, toRate: number): number {
  const g = gcd(fromRate, toRate);
  const up = toRate / g;
  const down = fromRate / g;
  return Math.ceil((n * up) / down);
}

export function resample(x: ArrayLike<number>, fromRate: number, toRate: number, opts: ResampleOptions = {}): Float64Array {
  if (!Number.isInteger(fromRate) || !Number.isInteger(toRate) || fromRate <= 0 || toRate <= 0) {
    throw new Error(`resample: rates must be positive integers in Hz, got ${fromRate} → ${toRate}`);
  }
  const rolloff = opts.rolloff ?? 0.9;
  const zeros = opts.zeros ?? 24;
  const beta = opts.beta ?? 8;
  if (!(rolloff > 0 && rolloff <= 1)) throw new Error(`resample: rolloff must be in (0, 1], got ${rolloff}`);
  if (!(zeros >= 1)) throw new Error(`resample: zeros must be ≥ 1, got ${zeros}`);
  const n = x.length;
  if (n === 0) return new Float64Array(0);
  const g = gcd(fromRate, toRate);
  const up = toRate / g;
  const down = fromRate / g;
  if (up === down) return Float64Array.from(x);

  // Cutoff in cycles per input sample, and the kernel half-width in input samples.
  const fc = 0.5 * rolloff * Math.min(1, up / down);
  const half = zeros / (2 * fc);
  const taps = Math.ceil(half);
  const i0Beta = besselI0(beta);
  const kernels = new Map<number, Float64Array>();
  const kernelFor = (phase: number): Float64Array => {
    let w = kernels.get(phase);
    if (w) return w;
    // Input offsets k = -taps+1 .. taps relative to floor(t); frac = t - floor(t).
    const frac = phase / up;
    w = new Float64Array(2 * taps);
    let sum = 0;
    for (let j = 0; j < 2 * taps; j++) {
      const d = frac - (j - taps + 1); // t - k
      const r = d / half;
      if (Math.abs(r) >= 1) continue;
      const arg = 2 * fc * d;
      const sinc = arg === 0 ? 1 : Math.sin(Math.PI * arg) / (Math.PI * arg);
      const v = sinc * (besselI0(beta * Math.sqrt(1 - r * r)) / i0Beta);
      w[j] = v;
      sum += v;
    }
    for (let j = 0; j < w.length; j++) w[j] /= sum;
    if (up <= 4096) kernels.set(phase, w);
    return w;
  };

  const outLen = resampledLength(n, fromRate, toRate);
  const out = new Float64Array(outLen);
  for (let m = 0; m < outLen; m++) {
    const pos = m * down; // t = pos / up
    const base = Math.floor(pos / up);
    const w = kernelFor(pos - base * up);
    let acc = 0;
    const first = base - taps + 1;
    if (first >= 0 && first + 2 * taps <= n) {
      for (let j = 0; j < w.length; j++) acc += w[j] * x[first + j];
    } else {
      for (let j = 0; j < w.length; j++) {
        const k = first + j;
        acc += w[j] * x[k < 0 ? 0 : k >= n ? n - 1 : k];
      }
    }
    out[m] = acc;
  }
  return out;
}
