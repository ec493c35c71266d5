/** Forwarding path for nas/pit: what a model under search provides now lives in the search layer (src/search/types.ts). */
export type { LayerState, SearchableModel } from '../../search/types.js';
