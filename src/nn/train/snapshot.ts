/** Copies of a module's weights and buffers, and putting them back: how a loop keeps its best or last good epoch. */

import type { Module } from '../module.js';

/** Copies of every parameter and buffer value, to restore the best epoch later. */
export function snapshot(model: Module): Map<string, Float32Array | Float64Array> {
  const m = new Map<string, Float32Array | Float64Array>();
  for (const [k, t] of model.stateDict()) m.set(k, Float64Array.from(t.data));
  return m;
}

export function restore(model: Module, snap: Map<string, Float32Array | Float64Array>): void {
  for (const [k, t] of model.stateDict()) {
    const v = snap.get(k);
    if (v !== undefined) for (let i = 0; i < t.data.length; i++) t.data[i] = v[i];
  }
}
