import { Generator, type OptionRule, type Tensor, describeValue, fail, isTensor, option } from '@recurrent/tensor';

/** Rules shared by the layers' options: the seeded generator, the backend, the dtype. */
export const common = {
  generator: option.instance(Generator, 'a Generator'),
  seed: option.integer({ min: 0 }),
  dtype: option.oneOf(['float32', 'float64']),
  backend: option.shaped('a Backend (with kernels, allocate and stats)', (value) =>
    typeof value === 'object' && value !== null && typeof (value as { allocate?: unknown }).allocate === 'function' && typeof (value as { kernels?: unknown }).kernels === 'object'),
  /** A tensor, or an autograd Variable wrapping one. */
  tensor: option.shaped('a Tensor', (value) => isTensor(value) || (typeof value === 'object' && value !== null && isTensor((value as { value?: unknown }).value))),
  reduction: option.oneOf(['none', 'mean', 'sum']),
} satisfies Record<string, OptionRule>;

/** The tensor a Variable or Tensor argument holds, or a one-line error naming the argument. */
export function tensorArgument(op: string, name: string, value: unknown): Tensor {
  const inner = typeof value === 'object' && value !== null && !isTensor(value) ? (value as { value?: unknown }).value : value;
  if (!isTensor(inner)) fail(op, `${name} a Tensor or Variable`, describeValue(value));
  return inner;
}

/** Elements a parameter may have: typed arrays and int32 kernels index below 2³¹. */
const maxElements = 2 ** 31 - 1;

/**
 * Refuses a parameter too large to allocate, naming the layer (`Linear: expected weight of at most
 * 2147483647 elements, got [1000000000000, 1]`) instead of a bare RangeError from a typed array.
 */
export function checkParameterSize(owner: string, name: string, shape: readonly number[]): void {
  const elements = shape.reduce((a, b) => a * b, 1);
  if (elements > maxElements) fail(owner, `${name} of at most ${maxElements} elements`, `[${shape.join(', ')}] (${elements} elements)`);
}
