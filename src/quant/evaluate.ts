/**
 * Accuracy of the integer engine on a dataset split, and its agreement with the fake-quant
 * model: same predicted class, and the largest difference of the dequantised outputs.
 */

import { tensor } from '../tensor/create.js';
import { noGrad } from '../autograd/graph.js';
import { batches } from '../data/batches.js';
import type { ArrayDataset } from '../data/types.js';
import { MetricAccumulator, type TargetScaler, type TaskKind, type MetricSummary } from '../nn/train/task.js';
import { argmaxRow } from '../nn/metrics.js';
import type { IntegerModel } from './integer/engine.js';
import type { QuantModel } from './qmodel.js';

export interface IntegerEvaluation extends MetricSummary {
  samples: number;
  /** Fraction of samples whose predicted class (or rounded regression output) equals the fake-quant model's. */
  agreement: number;
  /** Largest |integer − fake-quant| output, in output units. */
  maxOutputDiff: number;
  /** The fake-quant model's metric on the same samples (a limit makes them a subset of the split). */
  fakeQuantMetric: number;
}

export function evaluateInteger(
  im: IntegerModel, fq: QuantModel, ds: ArrayDataset, ctx: { task: TaskKind; numClasses: number; scaler: TargetScaler | null },
  opts: { batchSize?: number; limit?: number; onBatch?: (done: number, total: number) => void } = {},
): IntegerEvaluation {
  const limit = opts.limit !== undefined && opts.limit > 0 ? Math.min(opts.limit, ds.length) : ds.length;
  const bs = opts.batchSize ?? 64;
  const acc = new MetricAccumulator(ctx.task, ctx.numClasses, ctx.scaler);
  const fqAcc = new MetricAccumulator(ctx.task, ctx.numClasses, ctx.scaler);
  let agree = 0;
  let maxDiff = 0;
  let seen = 0;
  fq.eval();
  const total = Math.ceil(limit / bs);
  let done = 0;
  for (const b of batches(ds, bs, { shuffle: false })) {
    if (seen >= limit) break;
    const n = Math.min(b.y.length, limit - seen);
    const x = tensor(b.x.subarray(0, n * ds.sampleShape.reduce((p, q) => p * q, 1)), [n, ...ds.sampleShape]);
    const r = im.run(x);
    const f = noGrad(() => fq.forward(x)).values();
    const k = ctx.task === 'classification' ? ctx.numClasses : 1;
    for (let i = 0; i < n; i++) {
      if (ctx.task === 'classification') agree += argmaxRow(r.output, i, k) === argmaxRow(f, i, k) ? 1 : 0;
      else agree += Math.abs(r.output[i] - f[i]) < 1e-6 * Math.max(1, Math.abs(f[i])) ? 1 : 0;
    }
    for (let i = 0; i < n * k; i++) maxDiff = Math.max(maxDiff, Math.abs(r.output[i] - f[i]));
    acc.add(r.output.subarray(0, n * k), b.y.subarray(0, n));
    fqAcc.add(f.subarray(0, n * k), b.y.subarray(0, n));
    seen += n;
    opts.onBatch?.(++done, total);
  }
  return {
    ...acc.summary(), samples: seen, agreement: seen === 0 ? NaN : agree / seen, maxOutputDiff: maxDiff,
    fakeQuantMetric: fqAcc.summary().metric,
  };
}
