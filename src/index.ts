/** Public entry point of tsdnas: re-exports the library's stable API. */
export * from './tensor/rng.js';
