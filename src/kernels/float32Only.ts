/**
 * For backends that store float32 only (wasm, gpu.js): whether every operand is float32, and
 * the reason recorded when a call has to go to the js reference instead.
 */

import type { TypedArray } from '../tensor/dtype.js';

export function allFloat32(...arrays: (TypedArray | null)[]): boolean {
  for (const a of arrays) if (a !== null && !(a instanceof Float32Array)) return false;
  return true;
}

/** E.g. "Float64Array operand (wasm is float32 only)". */
export function float32Reason(backend: string, ...arrays: (TypedArray | null)[]): string {
  for (const a of arrays) if (a !== null && !(a instanceof Float32Array)) return `${a.constructor.name} operand (${backend} is float32 only)`;
  return 'unsupported operand';
}
