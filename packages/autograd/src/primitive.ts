import type { Tensor } from '@recurrent/tensor';
import { record, valueOf } from './graph.js';
import { Variable } from './variable.js';

/** What a primitive's forward may keep for its backward. */
export interface PrimitiveContext {
  /** Values kept for backward; released with the graph after backward runs. */
  saved: Record<string, unknown>;
  /** Which inputs are variables that need a gradient (backward may skip the others). */
  needsGrad: boolean[];
}

/** A fused primitive: one forward and its hand-written backward (like `torch.autograd.Function`). */
export interface PrimitiveDefinition<Options> {
  /** Name used in error messages. */
  name: string;
  /** Computes the outputs from input values; may save anything on `context.saved`. */
  forward(context: PrimitiveContext, inputs: (Tensor | null)[], options: Options): Tensor[];
  /** Gradients of the inputs (`null` where none) from the gradients of every output. */
  backward(context: PrimitiveContext, gradients: Tensor[], options: Options): (Tensor | null)[];
  /** Optional: hands back what forward saved (work buffers for reuse) after the last backward
   * through the graph; not called after a `retainGraph` backward, whose saved values stay valid. */
  release?(context: PrimitiveContext, options: Options): void;
}

/**
 * Defines a fused primitive: cells and layers use it for whole steps and whole sequences, so
 * that backward runs one hand-written kernel instead of many small recorded ops. Inputs may be
 * `null` (an absent bias, say). The returned function takes variables (or tensors, as constants)
 * and returns one variable per output.
 *
 * @example
 * const square = definePrimitive<void>({
 *   name: 'square',
 *   forward: (ctx, [x]) => { ctx.saved.x = x; return [mul(x!, x!)]; },
 *   backward: (ctx, [dy]) => [mul(affine(ctx.saved.x as Tensor, 2), dy)], // d x² = 2x·dy
 * });
 * const [y] = square([variable], undefined);
 */
export function definePrimitive<Options>(definition: PrimitiveDefinition<Options>) {
  return (inputs: (Variable | Tensor | null | undefined)[], options: Options): Variable[] => {
    const context: PrimitiveContext = {
      saved: {},
      needsGrad: inputs.map((x) => x instanceof Variable && x.requiresGrad),
    };
    const values = inputs.map((x) => (x == null ? null : valueOf(x)));
    const outputs = definition.forward(context, values, options);
    return record(definition.name, inputs, outputs, (gradients, retain) => {
      const result = definition.backward(context, gradients, options);
      if (!retain) {
        definition.release?.(context, options);
        context.saved = {};
      }
      return result;
    });
  };
}
