import { type Tensor, fail } from '@recurrent/tensor';
import type { Variable } from '@recurrent/autograd';

export { valueOf } from '@recurrent/autograd';

/** A cell input: a variable or a plain tensor (a constant). */
export type StepInput = Variable | Tensor;

/** The float32 storage of a tensor, or an error naming the cell (the fused steps run float32). */
export function float32Of(owner: string, name: string, x: Tensor): Float32Array {
  if (!(x.data instanceof Float32Array)) fail(owner, `${name} of dtype float32`, x.dtype);
  return x.data;
}
