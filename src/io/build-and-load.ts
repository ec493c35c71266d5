/**
 * The step every checkpoint loader shares (float and quantised, from files or bytes): build the
 * model the metadata describes and load the stored tensors into it, without disturbing the
 * library-wide generator. Internal: the entries export the loaders, not this.
 */

import { Tensor } from '../tensor/tensor.js';
import { getRng } from '../tensor/rng.js';
import type { Module } from '../nn/module.js';
import type { NamedArray } from './safetensors-codec.js';

/**
 * Builds a checkpoint's model and loads its tensors, every error prefixed with `path`. The initial
 * values are overwritten, so building must not advance the library-wide generator (that would
 * change every random draw made after a load); dropout layers still draw from it, as in a freshly
 * built model.
 */
export function buildAndLoad<M extends Module>(path: string, tensors: Record<string, NamedArray>, build: () => M): M {
  const rng = getRng();
  const state0 = rng.getState();
  let model: M;
  try {
    model = build();
  } catch (e) {
    throw new Error(`${path}: ${(e as Error).message}`);
  } finally {
    rng.setState(state0);
  }
  const state = new Map<string, Tensor>();
  for (const [k, v] of Object.entries(tensors)) state.set(k, new Tensor(v.data, v.shape));
  try {
    model.loadStateDict(state);
  } catch (e) {
    throw new Error(`${path}: ${(e as Error).message}`);
  }
  return model;
}
