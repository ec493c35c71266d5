/** Node-side target lookup: `--target gap8` or `--target ./targets/my-mcu.json` read from disk. */

import { readFileSync } from 'node:fs';
import { resolveTarget } from './index.js';
import type { HardwareTarget } from './types.js';

export function loadTarget(nameOrPath: string): HardwareTarget {
  return resolveTarget(nameOrPath, (p) => readFileSync(p, 'utf8'));
}
