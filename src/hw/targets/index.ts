/** Built-in hardware targets and lookup by name or JSON file (`--target gap8`, `--target ./my-mcu.json`). */

import type { HardwareTarget } from './types.js';
import { gap8 } from './gap8.js';
import { stm32h7 } from './stm32h7.js';
import { mpic } from './mpic.js';
import { dianaAnalog, dianaDigital } from './diana.js';
import { parseTargetText } from './json.js';

export const BUILTIN_TARGETS: Readonly<Record<string, HardwareTarget>> = {
  gap8, stm32h7, mpic, 'diana-digital': dianaDigital, 'diana-analog': dianaAnalog,
};

/** Whether a --target value names a file rather than a built-in target. */
export function isTargetPath(nameOrPath: string): boolean {
  return nameOrPath.endsWith('.json') || nameOrPath.includes('/') || nameOrPath.includes('\\');
}

/**
 * A built-in target by name, or a user target from a JSON file; `readText` reads the file (the
 * library stays free of Node built-ins: hw/targets/file.ts passes fs on Node).
 */
export function resolveTarget(nameOrPath: string, readText?: (path: string) => string): HardwareTarget {
  const builtin = BUILTIN_TARGETS[nameOrPath];
  if (builtin !== undefined) return builtin;
  if (isTargetPath(nameOrPath)) {
    if (readText === undefined) throw new Error(`target file ${nameOrPath}: no file reader in this environment; parse its text with parseTargetText`);
    let text: string;
    try {
      text = readText(nameOrPath);
    } catch (e) {
      throw new Error(`target file ${nameOrPath}: cannot read it (${(e as { code?: string }).code ?? (e as Error).message}); give a built-in target (${Object.keys(BUILTIN_TARGETS).join(', ')}) or a JSON file`);
    }
    return parseTargetText(text, nameOrPath, BUILTIN_TARGETS);
  }
  throw new Error(`unknown target '${nameOrPath}': use one of ${Object.keys(BUILTIN_TARGETS).join(', ')}, or a JSON file describing your MCU (see docs/hardware.md)`);
}

export * from './types.js';
export * from './macTable.js';
export * from './mcu.js';
export * from './costs.js';
export { parseTarget, parseTargetText } from './json.js';
export { gap8, stm32h7, mpic, dianaDigital, dianaAnalog };
export { MPIC_MAC_PER_CYCLE } from './mpic.js';
export { STM32H7_MODEL } from './stm32h7.js';
