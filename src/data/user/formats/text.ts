/**
 * The pure parsers of a user's text files (UCR tables, sktime .ts, ARFF, CSV), each giving a
 * SeriesTable (../table.ts); the Node side that reads the files is ../read.ts.
 */

export * from './ucrTsv.js';
export * from './sktime.js';
export * from './arff.js';
export * from './csv.js';
