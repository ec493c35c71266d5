/**
 * A synthetic run directory for the report tests, shaped like what `tsdnas sweep` writes
 * (front.json, point-<i>/summary.json): three points (one dominated), a seed, histories and
 * per-layer mask states per search epoch. Layer names can be made hostile to test escaping;
 * `bits` adds mixed-precision bit-widths as an mps run records them.
 */

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface FixtureOptions {
  layerNames?: string[];
  bits?: boolean;
  /** Leave out point-1/summary.json (a run cut short). */
  dropSummaryOf?: number;
  dataset?: string;
}

const fit = (n: number, base: number) => Array.from({ length: n }, (_, i) => ({
  epoch: i + 1, lr: 1e-3, trainLoss: base / (i + 1), trainMetric: 0.7 + 0.02 * i, valLoss: base / (i + 1) + 0.1, valMetric: 0.7 + 0.025 * i, seconds: 0.1,
}));

export function writeFixtureRun(dir: string, opts: FixtureOptions = {}): void {
  const names = opts.layerNames ?? ['blocks.0.conv', 'blocks.1.conv', 'head'];
  const seedLayers = names.map((name, i) => ({
    name, kind: i === names.length - 1 ? 'linear' : 'conv1d', cin: i === 0 ? 1 : 16, cinAlive: i === 0 ? 1 : 16, cout: i === names.length - 1 ? 2 : 16, coutAlive: i === names.length - 1 ? 2 : 16,
    k: i === names.length - 1 ? 1 : 9, kAlive: i === names.length - 1 ? 1 : 9, dilation: 1, params: 1000 * (i + 1), macs: 50000 * (i + 1),
  }));
  const points = [
    { strength: 1e-6, params: 4000, macs: 200000, val: 0.9, test: 0.88 },
    { strength: 1e-5, params: 900, macs: 40000, val: 0.8, test: 0.7 },
    { strength: 1e-4, params: 300, macs: 9000, val: 0.85, test: 0.8 },
  ];
  const frontIdx = [0, 2];
  const rows = points.map((p, i) => ({
    point: i, strength: p.strength, params: p.params, macs: p.macs, val_accuracy: p.val, test_accuracy: p.test, seconds: 3, front_params: frontIdx.includes(i), front_macs: frontIdx.includes(i),
  }));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'front.json'), JSON.stringify({
    metric: 'accuracy',
    config: { dataset: opts.dataset ?? 'ecg200', model: 'tcn-ecg', regularizer: 'plain', cost: 'params', warmupEpochs: 4, searchEpochs: 6, finetuneEpochs: 3 },
    sweepSeconds: 42,
    seed: { params: 6000, macs: 300000, valMetric: 0.9, testMetric: 0.86, costs: { params: 6000, macs: 300000 }, layerCosts: seedLayers, warmupHistory: fit(4, 1) },
    points: rows, frontParams: frontIdx, frontMacs: frontIdx,
  }));
  points.forEach((p, i) => {
    if (opts.dropSummaryOf === i) return;
    const shrink = (e: number) => Math.max(1, 16 - e * (i + 1));
    const state = (e: number) => seedLayers.map((l) => l.kind === 'linear' ? { ...l } : {
      ...l, coutAlive: shrink(e), kAlive: Math.max(2, 9 - e), dilation: e > 3 ? 2 : 1, ...(opts.bits ? { wBits: 8 - e, aBits: 8 } : {}),
    });
    const searchHistory = Array.from({ length: 6 }, (_, e) => ({
      epoch: e + 1, trainLoss: 0.3, valLoss: 0.35, valMetric: 0.8, regTerm: 0.01, objective: 0.36, costs: { params: p.params + 100 * (6 - e), macs: p.macs }, layers: state(e + 1), seconds: 0.1,
    }));
    // The exported model: its sizes are the surviving ones.
    const final = state(5).map((l) => ({ ...l, cin: l.cinAlive, cout: l.coutAlive, k: l.kAlive }));
    mkdirSync(join(dir, `point-${i}`), { recursive: true });
    writeFileSync(join(dir, `point-${i}`, 'summary.json'), JSON.stringify({
      strength: p.strength, params: p.params, macs: p.macs, valMetric: p.val, testMetric: p.test, searchBestEpoch: 5, searchHistory, finetuneHistory: fit(3, 0.5),
      costs: { params: p.params, macs: p.macs }, layerCosts: final,
      layers: final.map((l) => ({ path: l.name, kind: l.kind, cin: l.cinAlive, cout: l.coutAlive, kernel: String(l.kAlive), stride: '1', dilation: String(l.dilation), groups: 1, params: l.params })),
    }));
  });
}
