/** Element types a tensor can hold. `float32` is the working type; `int32` holds indices and
 * lengths; `float64` exists on the CPU backend so gradients can be checked by finite differences. */
export type DType = 'float32' | 'float64' | 'int32';

/** The typed array that stores each dtype. */
export interface DataArrayFor {
  float32: Float32Array;
  float64: Float64Array;
  int32: Int32Array;
}

/** Any storage array. */
export type DataArray = Float32Array | Float64Array | Int32Array;

/** Storage of a floating-point tensor. */
export type FloatArray = Float32Array | Float64Array;

/** Allocates a zero-filled array for `dtype`. */
export function allocateArray<D extends DType>(dtype: D, size: number): DataArrayFor[D] {
  switch (dtype) {
    case 'float32':
      return new Float32Array(size) as DataArrayFor[D];
    case 'float64':
      return new Float64Array(size) as DataArrayFor[D];
    case 'int32':
      return new Int32Array(size) as DataArrayFor[D];
    default:
      throw new Error(`unknown dtype ${String(dtype)}: expected float32, float64 or int32`);
  }
}

/** The dtype of a storage array. */
export function dtypeOf(data: DataArray): DType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Int32Array) return 'int32';
  throw new Error(`unsupported storage ${Object.prototype.toString.call(data)}`);
}

/** Whether a dtype is a floating-point type. */
export function isFloat(dtype: DType): dtype is 'float32' | 'float64' {
  return dtype === 'float32' || dtype === 'float64';
}

/** The result dtype of a binary op: float64 wins over float32, any float wins over int32. */
export function promoteTypes(a: DType, b: DType): DType {
  if (a === b) return a;
  if (a === 'float64' || b === 'float64') return 'float64';
  return 'float32';
}
