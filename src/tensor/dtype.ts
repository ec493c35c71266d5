/**
 * Data types of tensor storage and the global default float type.
 *
 * float32 is the default; float64 exists for gradient checks (switch the default with
 * `withDefaultDtype('float64', fn)`), and the integer types serve integer-inference emulation.
 */

import { takePooledFloat32 } from './bufferPool.js';

export type DType = 'float32' | 'float64' | 'int32' | 'int8' | 'uint8';
export type FloatDType = 'float32' | 'float64';

export type TypedArray = Float32Array | Float64Array | Int32Array | Int8Array | Uint8Array;

export const DTYPES: readonly DType[] = ['float32', 'float64', 'int32', 'int8', 'uint8'];

const constructors = {
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
  int8: Int8Array,
  uint8: Uint8Array,
} as const;

/** The typed-array class that holds each dtype. */
export function arrayClassOf<D extends DType>(dtype: D): (typeof constructors)[D] {
  return constructors[dtype];
}

export function allocate(dtype: DType, n: number): TypedArray {
  const C = constructors[dtype];
  if (C === undefined) throw new Error(`allocate: unknown dtype '${String(dtype)}' (valid: ${DTYPES.join(', ')})`);
  if (dtype === 'float32') {
    const pooled = takePooledFloat32(n); // inside backward: recycled gradient storage (bufferPool.ts)
    if (pooled !== null) return pooled;
  }
  return new C(n);
}

export function dtypeOf(a: TypedArray): DType {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof Int32Array) return 'int32';
  if (a instanceof Int8Array) return 'int8';
  if (a instanceof Uint8Array) return 'uint8';
  throw new Error('dtypeOf: unsupported array type');
}

export function isFloat(dtype: DType): dtype is FloatDType {
  return dtype === 'float32' || dtype === 'float64';
}

/** Type of the result of a binary op: float beats int, wider beats narrower. */
export function promote(a: DType, b: DType): DType {
  if (a === b) return a;
  if (a === 'float64' || b === 'float64') return 'float64';
  if (a === 'float32' || b === 'float32') return 'float32';
  return 'int32';
}

let defaultDtype: FloatDType = 'float32';

export function getDefaultDtype(): FloatDType {
  return defaultDtype;
}

export function setDefaultDtype(dtype: FloatDType): void {
  if (dtype !== 'float32' && dtype !== 'float64') {
    throw new Error(`setDefaultDtype: expected 'float32' or 'float64', got '${String(dtype)}'`);
  }
  defaultDtype = dtype;
}

/** Run `fn` with another default float dtype, restoring the previous one afterwards. */
export function withDefaultDtype<T>(dtype: FloatDType, fn: () => T): T {
  const prev = defaultDtype;
  setDefaultDtype(dtype);
  try {
    return fn();
  } finally {
    defaultDtype = prev;
  }
}
