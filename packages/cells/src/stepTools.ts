import { type Backend, type Tensor, fail, formatShape, fromData } from '@recurrent/tensor';
import { Variable, type Parameter } from '@recurrent/autograd';

/** A cell input: a variable or a plain tensor (a constant). */
export type StepInput = Variable | Tensor;

/** The tensor behind a step input. */
export function valueOf(x: StepInput): Tensor {
  return x instanceof Variable ? x.value : x;
}

/** The float32 storage of a tensor, or an error naming the cell. */
export function float32Of(owner: string, name: string, x: Tensor): Float32Array {
  if (!(x.data instanceof Float32Array)) fail(owner, `${name} of dtype float32`, x.dtype);
  return x.data;
}

/** Checks `x [batch, inputSize]` and returns the batch size. */
export function checkInput(owner: string, x: Tensor, inputSize: number): number {
  if (x.rank !== 2 || x.shape[1] !== inputSize) fail(owner, `input [batch, ${inputSize}]`, formatShape(x.shape));
  return x.shape[0];
}

/** Checks a state `[batch, width]` (batch taken from the input). */
export function checkState(owner: string, name: string, state: Tensor, batch: number, width: number): void {
  if (state.rank !== 2 || state.shape[0] !== batch || state.shape[1] !== width) {
    fail(owner, `${name} [${batch}, ${width}] (batch of the input, ${width} features)`, formatShape(state.shape));
  }
}

/** Float32 storage of a parameter, or null when absent. */
export function dataOf(parameter: Parameter | Tensor | null): Float32Array | null {
  if (parameter === null) return null;
  const value = 'value' in parameter ? parameter.value : parameter;
  return value.data as Float32Array;
}

/** Wraps a computed buffer as a tensor of the given backend. */
export function wrap(data: Float32Array, shape: number[], backend: Backend): Tensor {
  return fromData(data, shape, { backend });
}

/** Wraps a buffer when present. */
export function wrapOrNull(data: Float32Array | null, shape: number[], backend: Backend): Tensor | null {
  return data === null ? null : wrap(data, shape, backend);
}
