/** HTML reports of search runs: `writeReport(runDir)` writes <run-dir>/report.html. */

export { writeReport, renderReport, reportAfterRun, REPORT_FILE } from './build.js';
export { loadRun, NotARunError, type RunData, type PointData, type SeedData, type PrecisionLayer } from './load.js';
