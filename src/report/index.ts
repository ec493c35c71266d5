/** HTML reports of search runs: `writeReport(runDir)` writes <run-dir>/report.html (of a single-seed or a multi-seed run). */

export { writeReport, renderReport, reportAfterRun, REPORT_FILE } from './build.js';
export { renderSeedsReport, writeSeedsReport, isSeedsRunDir } from './seedsReport.js';
export { splitSentence } from './splits.js';
export { loadRun, NotARunError, type RunData, type PointData, type SeedData, type PrecisionLayer } from './load.js';
