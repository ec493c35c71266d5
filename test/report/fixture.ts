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
  /** Hardware costs (latency, energy, …) as a sweep with --target records them. */
  hardware?: boolean;
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
  const hw = (macs: number) => (opts.hardware === true ? { cycles: macs * 2, latency: macs * 2e-5, energy: macs * 1e-6, flash: 1000, ram: 500 } : {});
  const rows = points.map((p, i) => ({
    point: i, strength: p.strength, params: p.params, macs: p.macs, ...(opts.hardware === true ? { latency_ms: p.macs * 2e-5, energy_mJ: p.macs * 1e-6 } : {}), val_accuracy: p.val, test_accuracy: p.test, seconds: 3, front_params: frontIdx.includes(i), front_macs: frontIdx.includes(i),
  }));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'front.json'), JSON.stringify({
    metric: 'accuracy',
    config: { dataset: opts.dataset ?? 'ecg200', model: 'tcn-ecg', regularizer: 'plain', cost: 'params', warmupEpochs: 4, searchEpochs: 6, finetuneEpochs: 3 },
    sweepSeconds: 42,
    seed: { params: 6000, macs: 300000, valMetric: 0.9, testMetric: 0.86, costs: { params: 6000, macs: 300000 }, layerCosts: seedLayers, warmupHistory: fit(4, 1) },
    points: rows, frontParams: frontIdx, frontMacs: frontIdx,
    ...(opts.hardware === true ? { target: { name: 'gap8', description: 'GreenWaves <GAP8>' }, frontLatency: frontIdx, frontEnergy: frontIdx } : {}),
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
    const final = state(5).map((l) => ({ ...l, cin: l.cinAlive, cout: l.coutAlive, k: l.kAlive, ...(opts.hardware === true ? { costs: { params: l.params, macs: l.macs, ...hw(l.macs) } } : {}) }));
    mkdirSync(join(dir, `point-${i}`), { recursive: true });
    writeFileSync(join(dir, `point-${i}`, 'summary.json'), JSON.stringify({
      strength: p.strength, params: p.params, macs: p.macs, valMetric: p.val, testMetric: p.test, searchBestEpoch: 5, searchHistory, finetuneHistory: fit(3, 0.5),
      costs: { params: p.params, macs: p.macs, ...hw(p.macs) }, layerCosts: final,
      layers: final.map((l) => ({ path: l.name, kind: l.kind, cin: l.cinAlive, cout: l.coutAlive, kernel: String(l.kAlive), stride: '1', dilation: String(l.dilation), groups: 1, params: l.params })),
    }));
  });
}

/** A run as `tsdnas mps` writes it: a float model instead of a seed, uniform baselines, precision layers. */
export function writeMpsFixtureRun(dir: string): void {
  const pts = [
    { kind: 'uniform', label: 'uniform w8a8', strength: null, size: 7800, bitops: 1.5e7, test: 0.86 },
    { kind: 'uniform', label: 'uniform w2a8', strength: null, size: 1900, bitops: 4e6, test: 0.7 },
    { kind: 'mps-channel', label: 'per-channel λ=1e-4', strength: 1e-4, size: 1500, bitops: 3e6, test: 0.84 },
  ];
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'front.json'), JSON.stringify({
    metric: 'accuracy', config: { dataset: 'ecg200', model: 'tcn-ecg', cost: 'size', precisions: [0, 2, 4, 8], actPrecisions: [2, 4, 8] }, seconds: 30,
    float: { valMetric: 0.95, testMetric: 0.87, seconds: 3, warmupHistory: fit(3, 1) },
    points: pts.map((p, i) => ({ point: i, kind: p.kind, label: p.label, strength: p.strength ?? '', size_bytes: p.size, bitops: p.bitops, val_accuracy: 0.9, test_accuracy: p.test, bits: 'w8:3', seconds: 2, front_size: i !== 1, front_bitops: i !== 1 })),
    frontSize: [0, 2], frontBitops: [0, 2], comparison: [],
  }));
  pts.forEach((p, i) => {
    mkdirSync(join(dir, `point-${i}`), { recursive: true });
    const layers = [
      { name: 'conv', kind: 'conv1d', cout: 16, wBits: p.kind === 'uniform' ? { w8: 16 } : { w8: 4, w4: 10, w0: 2 }, aInBits: 8, aOutBits: 4, sizeBytes: p.size * 0.4, bitops: p.bitops * 0.7 },
      { name: 'head', kind: 'linear', cout: 2, wBits: { w8: 2 }, aInBits: 4, aOutBits: null, sizeBytes: p.size * 0.6, bitops: p.bitops * 0.3 },
    ];
    const searchHistory = p.kind === 'uniform' ? [] : Array.from({ length: 4 }, (_, e) => ({
      epoch: e + 1, trainLoss: 0.3, valLoss: 0.3, valMetric: 0.9, regTerm: 0.1, objective: 0.4, costs: { size: p.size + 100 * (4 - e), bitops: p.bitops }, seconds: 0.1,
      layers: layers.map((l) => ({ name: l.name, kind: l.kind, cin: 16, cinAlive: 16, cout: l.cout, coutAlive: l.cout, k: 1, kAlive: 1, dilation: 1, params: 0, macs: 0, wBits: 8 - e, aBits: 8 })),
    }));
    writeFileSync(join(dir, `point-${i}`, 'summary.json'), JSON.stringify({
      kind: p.kind, label: p.label, strength: p.strength, sizeBytes: p.size, bitops: p.bitops, valMetric: 0.9, testMetric: p.test, histogram: { w8: 3 },
      searchHistory, finetuneHistory: fit(3, 0.4), searchBestEpoch: p.kind === 'uniform' ? null : 3, seconds: 2, layers,
    }));
  });
}
