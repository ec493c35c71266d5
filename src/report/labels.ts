/**
 * Names, units and number formats the report's charts and tables share: the metric (accuracy
 * in %, MAE in the dataset's unit), the symbol of the regulariser strength, and the cost
 * quantities with their units (params, MACs, and a hardware target's latency / energy / memory).
 */

import type { MetricName, RunData } from './load.js';

/** Units of regression targets by dataset (MAE is in the target's unit). */
const TARGET_UNITS: Record<string, string> = { ppg: 'BPM' };

export function metricTitle(run: RunData, split: 'test' | 'validation' = 'test'): string {
  if (run.metric === 'accuracy') return `${split} accuracy (%)`;
  const unit = TARGET_UNITS[String(run.config.dataset)];
  return `${split} MAE (${unit ?? 'target units'})`;
}

/** The metric in chart units (accuracy → %). */
export function metricValue(metric: MetricName, v: number): number {
  return metric === 'accuracy' ? v * 100 : v;
}

export function formatMetric(metric: MetricName, v: number): string {
  if (!Number.isFinite(v)) return '–';
  return metric === 'accuracy' ? `${(v * 100).toFixed(1)}%` : v.toFixed(3);
}

export function higherIsBetter(metric: MetricName): boolean {
  return metric === 'accuracy';
}

/** λ for plain, μ for multi-complexity, the budget for hinge regularisers. */
export function strengthSymbol(run: RunData): string {
  const r = run.config.regularizer;
  return r === 'multi-complexity' ? 'μ' : r === 'hinge' ? 'budget' : 'λ';
}

export function formatStrength(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return '–';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e-2 && a < 1e5) return String(Number(v.toPrecision(3)));
  const e = v.toExponential(1).replace(/\.0e/, 'e').replace('e+', 'e');
  return e;
}

interface CostInfo {
  title: string;
  short: string;
}

const COSTS: Record<string, CostInfo> = {
  params: { title: 'parameters (count)', short: 'params' },
  macs: { title: 'MACs per inference', short: 'MACs' },
  params_nobias: { title: 'parameters without biases (count)', short: 'params (no bias)' },
  macs_nobias: { title: 'MACs per inference, without biases', short: 'MACs (no bias)' },
  params_bit: { title: 'parameter memory (bits)', short: 'param bits' },
  latency: { title: 'latency (cycles)', short: 'latency' },
  cycles: { title: 'latency (cycles)', short: 'cycles' },
  latency_ms: { title: 'latency (ms)', short: 'latency' },
  latency_s: { title: 'latency (s)', short: 'latency' },
  energy: { title: 'energy (µJ)', short: 'energy' },
  energy_uj: { title: 'energy (µJ)', short: 'energy' },
  memory: { title: 'memory (bytes)', short: 'memory' },
};

/** Axis title and short name of a cost; unknown names are shown as they are. */
export function costInfo(name: string): CostInfo {
  return COSTS[name] ?? { title: name.replace(/_/g, ' '), short: name.replace(/_/g, ' ') };
}

export function formatCost(v: number): string {
  if (!Number.isFinite(v)) return '–';
  if (Number.isInteger(v) || Math.abs(v) >= 100) return Math.round(v).toLocaleString('en-US');
  return String(Number(v.toPrecision(3)));
}
