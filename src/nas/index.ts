/** Architecture search methods. PIT lives in ./pit; the search protocol in ./search. */
export * from './pit/index.js';
export * from '../search/index.js';
