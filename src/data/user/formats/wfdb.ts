/**
 * PhysioNet WFDB records: header (.hea), signals (.dat), annotations (.atr) and the table
 * builder, one module each; this file gathers them.
 */

export { parseWfdbHeader, WFDB_FORMATS, type WfdbHeader, type WfdbSignalSpec } from './wfdbHeader.js';
export { parseWfdbSignals, parseWfdbRecordSignals } from './wfdbSignals.js';
export { parseWfdbAnnotations, annotationSymbol, type WfdbAnnotations } from './wfdbAnnotations.js';
export { wfdbTable, BEAT_SYMBOLS, type WfdbRecord, type WfdbWindowOptions } from './wfdbTable.js';
