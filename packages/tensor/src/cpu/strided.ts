import type { Strided } from '../backend.js';

/** Whether the view reads `shape` in row-major order with no gaps (size-1 axes ignored). */
export function isContiguous(view: Strided, shape: readonly number[]): boolean {
  let stride = 1;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    if (shape[axis] !== 1 && view.strides[axis] !== stride) return false;
    stride *= shape[axis];
  }
  return true;
}

/** Whether every stride is 0 (one value repeated). */
export function isScalarRead(view: Strided): boolean {
  return view.strides.every((s) => s === 0);
}

/** 1 when the view reads `shape` contiguously, 0 when it repeats one value, else −1. */
export function flatStep(view: Strided, shape: readonly number[]): number {
  return isScalarRead(view) ? 0 : isContiguous(view, shape) ? 1 : -1;
}

/**
 * The same walk over fewer axes: drops axes of size 1 and merges an axis into the next when every
 * operand steps over it as one run (`stride[axis] = stride[axis + 1]·shape[axis + 1]`). A row
 * broadcast over `[64, 32, 100]` then walks 2048 rows of 100, a transpose of blocks fewer and
 * longer rows.
 */
export function collapse(shape: readonly number[], strideLists: readonly (readonly number[])[]): { shape: number[]; strides: number[][] } {
  const outShape: number[] = [];
  const outStrides: number[][] = strideLists.map(() => []);
  for (let axis = 0; axis < shape.length; axis++) {
    const size = shape[axis];
    if (size === 1) continue;
    const last = outShape.length - 1;
    if (last >= 0 && strideLists.every((strides, k) => outStrides[k][last] === strides[axis] * size)) {
      outShape[last] *= size;
      strideLists.forEach((strides, k) => (outStrides[k][last] = strides[axis]));
    } else {
      outShape.push(size);
      strideLists.forEach((strides, k) => outStrides[k].push(strides[axis]));
    }
  }
  if (outShape.length === 0) {
    outShape.push(1);
    outStrides.forEach((strides) => strides.push(0));
  }
  return { shape: outShape, strides: outStrides };
}

