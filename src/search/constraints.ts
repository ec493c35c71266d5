/**
 * Memory budgets of a hardware-aware search (`--max-flash 64KB --max-ram 32KB`): parsed from the
 * config, turned into hinge constraints on the `flash` / `ram` costs, and checked on every found
 * model — a hinge penalty pushes towards a budget but does not guarantee it, so the check is
 * what a user can rely on.
 */

import type { HingeConstraint } from './regularizers.js';

export interface MemoryBudget extends HingeConstraint {
  cost: 'flash' | 'ram';
  /** The option that set it and its text, for messages (e.g. --max-flash 64KB). */
  option: string;
  text: string;
}

const UNITS: Readonly<Record<string, number>> = { '': 1, b: 1, k: 1024, kb: 1024, kib: 1024, m: 1024 ** 2, mb: 1024 ** 2, mib: 1024 ** 2 };

/** Bytes of a size such as 64KB, 1.5MB, 65536 (KB = KiB = 1024 B, as MCU datasheets count). */
export function parseBytes(text: string, option: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = m === null ? undefined : UNITS[m[2].toLowerCase()];
  if (m === null || unit === undefined) throw new Error(`${option} ${text}: not a size; write e.g. 64KB, 1MB or 65536 (bytes; KB = 1024 B)`);
  const bytes = Number(m[1]) * unit;
  if (!(bytes > 0)) throw new Error(`${option} ${text}: the budget must be positive`);
  return Math.floor(bytes);
}

export function memoryBudgets(cfg: { maxFlash?: string; maxRam?: string }): MemoryBudget[] {
  const out: MemoryBudget[] = [];
  if (cfg.maxFlash !== undefined) out.push({ cost: 'flash', target: parseBytes(cfg.maxFlash, '--max-flash'), option: '--max-flash', text: cfg.maxFlash });
  if (cfg.maxRam !== undefined) out.push({ cost: 'ram', target: parseBytes(cfg.maxRam, '--max-ram'), option: '--max-ram', text: cfg.maxRam });
  return out;
}

export interface BudgetCheck {
  cost: string;
  value: number;
  limit: number;
  ok: boolean;
}

/** Each budget against a model's cost values. */
export function checkBudgets(costs: Readonly<Record<string, number>>, budgets: readonly MemoryBudget[]): BudgetCheck[] {
  return budgets.map((b) => {
    const value = costs[b.cost];
    if (value === undefined) throw new Error(`${b.option}: the model has no '${b.cost}' cost; give --target so that memory is modelled`);
    return { cost: b.cost, value, limit: b.target, ok: value <= b.target };
  });
}

/** Bytes as B / KB / MB with KB = 1024 B. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${Math.round(bytes)} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 ** 2).toFixed(2)} MB`;
}

/** One line per budget: "flash 12.3 KB ≤ 64.0 KB ok" or "... VIOLATED". */
export function describeChecks(checks: readonly BudgetCheck[]): string {
  return checks.map((c) => `${c.cost} ${formatBytes(c.value)} ${c.ok ? '≤' : '>'} ${formatBytes(c.limit)} ${c.ok ? 'ok' : 'VIOLATED'}`).join(', ');
}
