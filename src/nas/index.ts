/** Architecture search methods: PIT (./pit); re-exports the search layer (src/search) it runs on. */
export * from './pit/index.js';
export * from '../search/index.js';
