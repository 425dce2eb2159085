import { type Tensor, fromData, isTensor } from '@recurrent/tensor';
import { type Variable, valueOf } from '@recurrent/autograd';

/**
 * An integer tensor of an ONNX graph (int64, int32, bool: shapes, indices, token ids). These
 * never carry gradients and are mostly shape arithmetic, so they stay plain number arrays.
 */
export class IntTensor {
  constructor(
    readonly shape: number[],
    readonly data: number[],
  ) {
    const size = shape.reduce((a, b) => a * b, 1);
    if (size !== data.length) throw new Error(`ONNX import: expected ${size} integers for shape [${shape.join(', ')}], got ${data.length}`);
  }

  get rank(): number {
    return this.shape.length;
  }
}

/** A float value of the graph: a variable (it may carry gradients to parameters) or a tensor. */
export type FloatValue = Variable | Tensor;

/** Any value flowing along a graph edge. */
export type OnnxValue = FloatValue | IntTensor;

/** Whether a value is an integer tensor. */
export function isInt(value: OnnxValue): value is IntTensor {
  return value instanceof IntTensor;
}

/** The shape of any value. */
export function shapeOf(value: OnnxValue): number[] {
  return isInt(value) ? value.shape : [...valueOf(value).shape];
}

/** An integer value as a float32 tensor (ONNX `Cast` to float). */
export function intToFloat(value: IntTensor): Tensor {
  return fromData(Float32Array.from(value.data), value.shape);
}

/** A float value's elements as integers, truncated toward zero (ONNX `Cast` to an integer type). */
export function floatToInt(value: FloatValue): IntTensor {
  const t = valueOf(value);
  return new IntTensor([...t.shape], Array.from(t.data, (v) => Math.trunc(v)));
}

/** The values of a tensor argument, whatever its kind (for attributes-as-inputs such as axes). */
export function numbersOf(value: OnnxValue): number[] {
  return isInt(value) ? value.data : Array.from(valueOf(value).data);
}

/** An int32 tensor of the library from an integer value (token ids for an Embedding). */
export function toInt32Tensor(value: IntTensor): Tensor {
  return fromData(Int32Array.from(value.data), value.shape);
}

/** Wraps user input: int32/int64-like tensors become integer values, float tensors stay. */
export function fromUserInput(input: Tensor | Variable | IntTensor): OnnxValue {
  if (input instanceof IntTensor) return input;
  if (isTensor(input) && input.dtype !== 'float32' && input.dtype !== 'float64') return new IntTensor([...input.shape], Array.from(input.data));
  return input;
}
