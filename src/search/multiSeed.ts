/**
 * The browser-safe part of multi-seed runs (issue 20), as the entries export it: reading a
 * single-seed front.json's content, aggregating runs over seeds (the `tsdnas.seeds/1` front and
 * its CSV rows), the small-sample statistics, the hypervolume, and the seed-paired comparison of
 * two fronts. The files (writeSeedsFront, readSeedsFront, readFrontSet) are in src/io.
 */
export { parseRunFront, costAxesOf, FrontFileError, type RunFront, type FrontRow, type CostAxis } from './frontFile.js';
export {
  aggregateSeedFronts, seedsFrontCsvRows, meanFronts, SEEDS_FORMAT, SeedsMismatchError,
  type SeedsFront, type SeedsPoint, type SeedRun, type SeedRow, type SeedsSplits,
} from './seeds.js';
export { summarize, pairedT, tTwoSidedP, tCritical, signTestP, type Stats as SeedStats, type PairedT } from './seedStats.js';
export { hypervolume2d, type XY } from './hypervolume.js';
export { frontSetOfRun, frontSetOfSeeds, type FrontSet } from './frontSet.js';
export {
  compareFronts, chooseCostAxis, CompareError,
  type CompareOptions, type FrontComparison, type SeedComparison, type SideOfSeed, type CompareSummary, type MetricSplit,
} from './compareFronts.js';
