import type { Backend } from './backend.js';
import { type DataArray, type DType, dtypeOf } from './dtype.js';
import { type Shape, fail, formatShape, sizeOf, checkShape } from './shape.js';

/** Nested JavaScript arrays of numbers, as `toArray()` returns them. */
export type NestedArray = number | NestedArray[];

/**
 * An n-dimensional array: a contiguous row-major storage array, a shape and the backend whose
 * kernels run on it. Tensors are values: ops return new tensors and never change their inputs
 * (`reshape`, `squeeze`, `unsqueeze`, `flatten` and slices that are one contiguous run, such as a
 * range of the first axis, share storage, which is why storage is never written twice).
 *
 * Shapes: a scalar has shape `[]`; a dimension may be 0.
 *
 * @example
 * import { tensor, add } from '@recurrent/tensor';
 * const a = tensor([[1, 2], [3, 4]]);
 * add(a, 1).toArray(); // [[2, 3], [4, 5]]
 */
export class Tensor {
  /** Storage, row-major, exactly `size` elements long. */
  readonly data: DataArray;
  /** Dimensions, outermost first. */
  readonly shape: Shape;
  /** Element type. */
  readonly dtype: DType;
  /** The backend whose kernels ops on this tensor use. */
  readonly backend: Backend;

  constructor(data: DataArray, shape: Shape, backend: Backend) {
    checkShape('Tensor', shape);
    if (data.length !== sizeOf(shape)) {
      fail('Tensor', `${sizeOf(shape)} elements for shape ${formatShape(shape)}`, `${data.length}`);
    }
    this.data = data;
    this.shape = Object.freeze([...shape]);
    this.dtype = dtypeOf(data);
    this.backend = backend;
  }

  /** Number of elements. */
  get size(): number {
    return this.data.length;
  }

  /** Number of dimensions. */
  get rank(): number {
    return this.shape.length;
  }

  /** The value of a one-element tensor. */
  item(): number {
    if (this.size !== 1) fail('item', 'a tensor with one element', `shape ${formatShape(this.shape)}`);
    return this.data[0];
  }

  /** The elements as nested arrays (a number for a scalar). */
  toArray(): NestedArray {
    const build = (axis: number, offset: number): NestedArray => {
      if (axis === this.shape.length) return this.data[offset];
      let stride = 1;
      for (let i = axis + 1; i < this.shape.length; i++) stride *= this.shape[i];
      const out: NestedArray[] = [];
      for (let i = 0; i < this.shape[axis]; i++) out.push(build(axis + 1, offset + i * stride));
      return out;
    };
    return build(0, 0);
  }

  /** A flat copy of the elements as a plain array. */
  toFlatArray(): number[] {
    return Array.from(this.data);
  }

  toString(): string {
    return `Tensor(${this.dtype}, ${formatShape(this.shape)})`;
  }
}

/** Whether a value is a {@link Tensor}. */
export function isTensor(value: unknown): value is Tensor {
  return value instanceof Tensor;
}
