/**
 * Reads a run directory for `tsdnas compare` (Node only): a multi-seed run (front.json of format
 * `tsdnas.seeds/1`) or a single-seed sweep / mps / joint run, as the per-seed rows of
 * src/search/frontSet.ts.
 */

import { frontFormatOf, readRunFront, readSeedsFront } from './seeds-front.js';
import { frontSetOfRun, frontSetOfSeeds, type FrontSet } from '../search/frontSet.js';
import { SEEDS_FORMAT } from '../search/seeds.js';

export function readFrontSet(dir: string): FrontSet {
  return frontFormatOf(dir) === SEEDS_FORMAT ? frontSetOfSeeds(readSeedsFront(dir), dir) : frontSetOfRun(readRunFront(dir), dir);
}
