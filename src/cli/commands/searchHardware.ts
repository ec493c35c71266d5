/**
 * The hardware-aware side of `tsdnas search` / `tsdnas sweep`: resolve --target into cost models,
 * check that hardware costs and memory budgets come with a target, and present each model's
 * predicted cycles, latency (ms), energy (mJ), flash and peak RAM, its budget checks, and the
 * fronts of accuracy vs latency and vs energy.
 */

import { loadTarget } from '../../hw/targets/file.js';
import { HARDWARE_COST_NAMES, targetCosts, type HardwareTarget } from '../../hw/index.js';
import type { CostModel } from '../../hw/spec.js';
import { checkBudgets, describeChecks, formatBytes, memoryBudgets, type BudgetCheck, type MemoryBudget } from '../../search/constraints.js';
import { paretoFront } from '../../search/pareto.js';
import { MetricAccumulator } from '../../nn/train/task.js';
import { UsageError } from '../args.js';

export interface HardwareSetup {
  target: HardwareTarget;
  costs: Record<string, CostModel>;
  budgets: MemoryBudget[];
}

const needsTarget = (c: string) => (HARDWARE_COST_NAMES as readonly string[]).includes(c);

/** Null without --target; errors when a hardware cost or budget is asked for without one. */
export function setupHardware(cfg: { target?: string; cost: string; opsCost: string; regularizer: string; maxFlash?: string; maxRam?: string }): HardwareSetup | null {
  let budgets: MemoryBudget[];
  try {
    budgets = memoryBudgets(cfg);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (cfg.target === undefined) {
    const wanted = needsTarget(cfg.cost) ? `--cost ${cfg.cost}` : cfg.regularizer === 'multi-complexity' && needsTarget(cfg.opsCost) ? `--ops-cost ${cfg.opsCost}` : budgets.length > 0 ? budgets[0].option : null;
    if (wanted !== null) throw new UsageError(`${wanted} needs a hardware target: add --target gap8 (or stm32h7, mpic, diana-digital, diana-analog, or a JSON file describing your MCU)`);
    return null;
  }
  let target: HardwareTarget;
  try {
    target = loadTarget(cfg.target);
  } catch (e) {
    throw new UsageError(`--target: ${(e as Error).message}`);
  }
  return { target, costs: { ...targetCosts(target) }, budgets };
}

/** "latency 1.23 ms  energy 0.0456 mJ  flash 12.3 KB  RAM 3.4 KB" from cost values. */
export function hardwareLine(c: Readonly<Record<string, number>>): string {
  return `latency ${fmtMs(c.latency)} ms  energy ${fmtMj(c.energy)} mJ  flash ${formatBytes(c.flash)}  RAM ${formatBytes(c.ram)}  (${Math.round(c.cycles).toLocaleString('en-US')} cycles)`;
}

const fmtMs = (v: number) => (v >= 10 ? v.toFixed(2) : v.toPrecision(3));
const fmtMj = (v: number) => (v >= 1 ? v.toFixed(3) : v.toPrecision(3));

/** Hardware columns of a front row. */
export function hardwareColumns(c: Readonly<Record<string, number>>): Record<string, number> {
  return { cycles: Math.round(c.cycles), latency_ms: Number(c.latency.toPrecision(6)), energy_mJ: Number(c.energy.toPrecision(6)), flash_B: Math.round(c.flash), ram_B: Math.round(c.ram) };
}

export function budgetChecks(setup: HardwareSetup, c: Readonly<Record<string, number>>): BudgetCheck[] {
  return checkBudgets(c, setup.budgets);
}

export function budgetLine(checks: readonly BudgetCheck[]): string {
  return checks.length === 0 ? 'no memory budget given' : describeChecks(checks);
}

/** Indices of the non-dominated points in (metric, latency) and in (metric, energy). */
export function hardwareFronts(points: readonly { costs: Readonly<Record<string, number>>; testMetric: number }[], metricName: 'accuracy' | 'mae'): { frontLatency: number[]; frontEnergy: number[] } {
  const idx = points.map((_, i) => i);
  const score = (v: number) => -MetricAccumulator.score({ metric: v, metricName });
  const by = (key: 'latency' | 'energy') => paretoFront(idx.map((i) => ({ item: i, objectives: [score(points[i].testMetric), points[i].costs[key]] })));
  return { frontLatency: by('latency'), frontEnergy: by('energy') };
}

export interface SeedComparison {
  /** The point with the lowest latency among those at least as accurate as the seed (test metric). */
  point: number;
  latencyReduction: number;
  energyReduction: number;
}

/** The fastest found model at the seed's accuracy or better, and its latency / energy reduction vs the seed; null if none matches the seed. */
export function atSeedAccuracy(seed: { costs: Readonly<Record<string, number>>; testMetric: number }, points: readonly { costs: Readonly<Record<string, number>>; testMetric: number }[], metricName: 'accuracy' | 'mae'): SeedComparison | null {
  const score = (v: number) => MetricAccumulator.score({ metric: v, metricName });
  let best: number | null = null;
  points.forEach((p, i) => {
    if (score(p.testMetric) >= score(seed.testMetric) && (best === null || p.costs.latency < points[best].costs.latency)) best = i;
  });
  if (best === null) return null;
  const b = points[best] as { costs: Readonly<Record<string, number>> };
  return { point: best, latencyReduction: seed.costs.latency / b.costs.latency, energyReduction: seed.costs.energy / b.costs.energy };
}
