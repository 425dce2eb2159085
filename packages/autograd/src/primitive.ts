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

/** What a primitive with named inputs may keep for its backward. */
export interface NamedPrimitiveContext<Name extends string> {
  /** Values kept for backward; released with the graph after backward runs. */
  saved: Record<string, unknown>;
  /** Which inputs, by name, are variables that need a gradient (backward may skip the others). */
  needsGrad: Readonly<Record<Name, boolean>>;
}

/** The inputs of a primitive with named inputs: every name optional (absent or null: no input). */
export type PrimitiveInputs<Name extends string> = Partial<Record<Name, Variable | Tensor | null | undefined>>;

/**
 * A fused primitive with named inputs: forward takes them as an object keyed by name and
 * backward returns their gradients the same way, so no code indexes gradients by position.
 */
export interface NamedPrimitiveDefinition<Options, Name extends string> {
  /** Name used in error messages. */
  name: string;
  /** Every input name, in the order the graph records them. */
  inputs: readonly Name[];
  /** Computes the outputs from the input values (null where an input is absent). */
  forward(context: NamedPrimitiveContext<Name>, inputs: Readonly<Record<Name, Tensor | null>>, options: Options): Tensor[];
  /** Gradients of the inputs, by name (absent or null where none), from the gradients of every output. */
  backward(context: NamedPrimitiveContext<Name>, gradients: Tensor[], options: Options): Partial<Record<Name, Tensor | null>>;
  /** Optional: hands back what forward saved after the last backward through the graph. */
  release?(context: NamedPrimitiveContext<Name>, options: Options): void;
}

/**
 * Defines a fused primitive: cells and layers use it for whole steps and whole sequences, so
 * that backward runs one hand-written kernel instead of many small recorded ops. With `inputs`
 * (a list of names) forward takes an object of input values and backward returns an object of
 * gradients, both keyed by those names; unknown names are errors. Without it (the older form)
 * both are arrays in input order. Inputs may be null (an absent bias, say). The returned function
 * takes variables (or tensors, as constants) and returns one variable per output.
 *
 * @example
 * const affineStep = definePrimitive<void, 'x' | 'weight'>({
 *   name: 'affineStep',
 *   inputs: ['x', 'weight'],
 *   forward: (ctx, { x, weight }) => { ctx.saved = { x, weight }; return [matmul(x!, weight!)]; },
 *   backward: (ctx, [dy]) => ({ // d(x·W) = dy·Wᵀ, xᵀ·dy
 *     x: matmul(dy, ctx.saved.weight as Tensor, { transposeB: true }),
 *     weight: matmul(ctx.saved.x as Tensor, dy, { transposeA: true }),
 *   }),
 * });
 * const [y] = affineStep({ x: input, weight }, undefined);
 */
export function definePrimitive<Options, Name extends string>(
  definition: NamedPrimitiveDefinition<Options, Name>,
): (inputs: PrimitiveInputs<Name>, options: Options) => Variable[];
export function definePrimitive<Options>(
  definition: PrimitiveDefinition<Options>,
): (inputs: (Variable | Tensor | null | undefined)[], options: Options) => Variable[];
export function definePrimitive<Options, Name extends string>(definition: PrimitiveDefinition<Options> | NamedPrimitiveDefinition<Options, Name>) {
  if ('inputs' in definition) return defineNamed(definition);
  return positional(definition);
}

function defineNamed<Options, Name extends string>(definition: NamedPrimitiveDefinition<Options, Name>) {
  const names = definition.inputs;
  const known = new Set<string>(names);
  return (inputs: PrimitiveInputs<Name>, options: Options): Variable[] => {
    for (const key of Object.keys(inputs)) {
      if (!known.has(key)) throw new Error(`${definition.name}: expected inputs named ${names.join(', ')}, got '${key}'`);
    }
    const ordered = names.map((name) => inputs[name] ?? null);
    const needsGrad = {} as Record<Name, boolean>;
    const values = {} as Record<Name, Tensor | null>;
    names.forEach((name, i) => {
      const x = ordered[i];
      needsGrad[name] = x instanceof Variable && x.requiresGrad;
      values[name] = x == null ? null : valueOf(x);
    });
    const context: NamedPrimitiveContext<Name> = { saved: {}, needsGrad };
    const outputs = definition.forward(context, values, options);
    return record(definition.name, ordered, outputs, (gradients, retain) => {
      const result = definition.backward(context, gradients, options);
      for (const key of Object.keys(result)) {
        if (!known.has(key)) throw new Error(`${definition.name}: backward returned a gradient for '${key}', expected one of ${names.join(', ')}`);
      }
      if (!retain) {
        definition.release?.(context, options);
        context.saved = {};
      }
      return names.map((name) => result[name] ?? null);
    });
  };
}

function positional<Options>(definition: PrimitiveDefinition<Options>) {
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
