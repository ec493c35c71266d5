/**
 * Names, units and number formats the report's charts and tables share: the metric (accuracy
 * in %, MAE in the dataset's unit), the symbol of the regulariser strength, and the cost
 * quantities with their units (params, MACs, and a hardware target's latency / energy / memory).
 */

import { HARDWARE_COST_UNITS } from '../hw/targets/costs.js';
import type { MetricName, RunData } from './load.js';

/** Units of regression targets by dataset (MAE is in the target's unit). */
const TARGET_UNITS: Record<string, string> = { ppg: 'BPM' };

export function metricTitle(run: Pick<RunData, 'metric' | 'config'>, split: 'test' | 'validation' = 'test'): string {
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

/** λ for plain, μ for multi-complexity, the budget (in the cost's units) for hinge regularisers and budget sweeps. */
export function strengthSymbol(run: Pick<RunData, 'config' | 'budgetSweep'>): string {
  const { regularizer: r, cost } = run.config;
  if (r === 'multi-complexity') return 'μ';
  return run.budgetSweep || r === 'hinge' ? `budget${typeof cost === 'string' ? ` (${cost})` : ''}` : 'λ';
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
  size: { title: 'weight memory (bytes)', short: 'weight bytes' },
  bitops: { title: 'bit operations per inference (BitOps)', short: 'BitOps' },
  // Hardware-target costs, in the units of src/hw/targets/costs.ts (HARDWARE_COST_UNITS).
  cycles: { title: `predicted ${HARDWARE_COST_UNITS.cycles} per inference`, short: 'cycles' },
  latency: { title: `latency on the target (${HARDWARE_COST_UNITS.latency} per inference)`, short: `latency (${HARDWARE_COST_UNITS.latency})` },
  energy: { title: `energy on the target (${HARDWARE_COST_UNITS.energy} per inference)`, short: `energy (${HARDWARE_COST_UNITS.energy})` },
  flash: { title: `flash (${HARDWARE_COST_UNITS.flash})`, short: 'flash' },
  ram: { title: `peak RAM (${HARDWARE_COST_UNITS.ram})`, short: 'RAM' },
};

/** Axis title and short name of a cost; unknown names are shown as they are. */
export function costInfo(name: string): CostInfo {
  return COSTS[name] ?? { title: name.replace(/_/g, ' '), short: name.replace(/_/g, ' ') };
}

export function formatCost(v: number): string {
  if (!Number.isFinite(v)) return '–';
  if (Math.abs(v) >= 100) return Math.round(v).toLocaleString('en-US');
  if (Number.isInteger(v)) return String(v);
  return String(Number(v.toPrecision(3)));
}

/** "#2 λ=2e-4", or "#2 per-channel λ=1e-4" for points that carry their own label (mps). */
export function pointName(run: Pick<RunData, 'config' | 'budgetSweep'>, p: { index: number; label?: string; strength: number | null }): string {
  return `#${p.index} ${p.label ?? `${strengthSymbol(run)}=${formatStrength(p.strength)}`}`;
}
