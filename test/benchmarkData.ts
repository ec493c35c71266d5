/**
 * Whether the benchmark datasets are here, for tests that need them. Only mnist ships with the
 * project; the others live in a data directory ($TSDNAS_DATA_DIR, or ../shared/data beside the
 * checkout) that a fresh clone does not have. Tests needing one skip with `it.skipIf(!has...)`,
 * and this prints the one-line reason, so a skipped run says why instead of looking green.
 */

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { resolveDataDir } from '../src/data/dataDir.js';

/** `folder` inside the data directory (e.g. 'ucr/ECG200'), or null when there is no data directory. */
function dataPath(folder: string): string | null {
  try {
    return join(resolveDataDir(), folder);
  } catch {
    return null;
  }
}

/**
 * True when the data directory holds `folder`; otherwise prints
 * "<who>: skipping <what>: no <folder> in the benchmark data directory (...)" and returns false.
 */
export function hasBenchmarkData(folder: string, who: string, what: string): boolean {
  const path = dataPath(folder);
  if (path !== null && existsSync(path)) return true;
  const where = path === null ? 'no data directory found' : `${path} does not exist`;
  console.warn(`${who}: skipping ${what}: ${where}; set TSDNAS_DATA_DIR or put the datasets in ../shared/data (docs/datasets.md)`);
  return false;
}
