import type { DType } from '../dtype.js';
import { fail, formatShape } from '../shape.js';
import { Tensor } from '../tensor.js';

/** What a value is, for error messages: `Tensor(float32, [2, 3])`, `number 3`, `undefined`. */
export function describe(value: unknown): string {
  if (value instanceof Tensor) return `Tensor(${value.dtype}, ${formatShape(value.shape)})`;
  if (typeof value === 'number') return `number ${value}`;
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (value === null) return 'null';
  return typeof value;
}

/** Throws unless `value` is a Tensor; `name` says which argument (for example `input`). */
export function checkTensor(op: string, value: unknown, name = 'input'): asserts value is Tensor {
  if (!(value instanceof Tensor)) fail(op, `${name} to be a Tensor`, describe(value));
}

/** Throws unless `value` is an integer (negative allowed). */
export function checkInteger(op: string, value: unknown, name: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value)) fail(op, `${name} to be an integer`, describe(value));
}

/** Throws unless `value` is a number (NaN refused). */
export function checkNumber(op: string, value: unknown, name: string): asserts value is number {
  if (typeof value !== 'number' || Number.isNaN(value)) fail(op, `${name} to be a number`, describe(value));
}

/** Throws unless the tensor has one of the dtypes. */
export function checkDType(op: string, x: Tensor, allowed: readonly DType[], name = 'input'): void {
  if (!allowed.includes(x.dtype)) fail(op, `${name} of dtype ${allowed.join(' or ')}`, x.dtype);
}
