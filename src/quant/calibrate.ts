/**
 * PACT clip calibration from data: run batches through the fake-quant model with every
 * activation quantiser passing values through, record what each quantiser sees, and set its
 * clip α to the maximum (or a percentile) of the values: non-negative values for PACT, |x| for
 * the signed quantisers. A subsample (every k-th value) keeps the percentile's memory bounded.
 */

import type { Tensor } from '../tensor/tensor.js';
import { noGrad } from '../autograd/graph.js';
import type { QuantModel } from './qmodel.js';

export interface CalibrationOptions {
  /** 'max', or a percentile in (0, 100], e.g. 99.99. */
  method: 'max' | number;
  /** Values kept per quantiser for the percentile (default 200 000). */
  maxSamples?: number;
}

/** Calibrate every activation quantiser's α from the given input batches; returns the chosen α per quantiser role. */
export function calibrate(model: QuantModel, batches: Iterable<Tensor>, opts: CalibrationOptions): { role: string; alpha: number }[] {
  const method = opts.method;
  if (method !== 'max' && !(typeof method === 'number' && method > 0 && method <= 100)) {
    throw new Error(`calibrate: method must be 'max' or a percentile in (0, 100], got ${JSON.stringify(method)}`);
  }
  const cap = opts.maxSamples ?? 200_000;
  const quants = model.quantizers();
  const stats = quants.map(() => ({ max: 0, samples: [] as number[], seen: 0 }));
  const wasTraining = model.training;
  model.eval();
  quants.forEach((q, i) => {
    q.calibrating = true;
    q.observe = (x) => {
      const s = stats[i];
      const v = x.values();
      // Keep every k-th value so that the sample spreads over all batches seen so far.
      const stride = Math.max(1, Math.ceil((s.seen + v.length) / cap));
      for (let j = 0; j < v.length; j++) {
        const a = q.signed ? Math.abs(v[j]) : v[j];
        if (a > s.max) s.max = a;
        if (method !== 'max' && a > 0 && (s.seen + j) % stride === 0) s.samples.push(a);
      }
      s.seen += v.length;
      if (s.samples.length > 2 * cap) s.samples = s.samples.filter((_, k) => k % 2 === 0);
    };
  });
  let any = false;
  try {
    noGrad(() => {
      for (const b of batches) {
        any = true;
        model.forward(b);
      }
    });
  } finally {
    quants.forEach((q) => {
      q.calibrating = false;
      q.observe = null;
    });
    model.train(wasTraining);
  }
  if (!any) throw new Error('calibrate: no batches given; pass at least one batch of training inputs');
  return quants.map((q, i) => {
    const s = stats[i];
    let a = s.max;
    if (method !== 'max' && s.samples.length > 0) {
      const sorted = Float64Array.from(s.samples).sort();
      a = sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((method / 100) * sorted.length) - 1))];
    }
    // A quantiser that saw only zeros keeps a tiny positive clip (α must be > 0).
    const alpha = a > 0 ? a : 1e-3;
    q.alpha.data[0] = alpha;
    return { role: q.role, alpha };
  });
}
