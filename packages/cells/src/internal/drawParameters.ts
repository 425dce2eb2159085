import { type Backend, type DType, type Tensor, Generator, zeros } from '@recurrent/tensor';
import type { Parameter } from '@recurrent/autograd';
import { uniformParameter } from '../init.js';
import { checkBatch } from './checks.js';

/** The initialisation options the Jordan, Clockwork and SCRN cells share. */
export interface DrawOptions {
  bias?: boolean;
  generator?: Generator;
  seed?: number;
  dtype?: DType;
  backend?: Backend;
}

/** How a cell draws its parameters: uniform in ±1/√hiddenSize from one generator. */
export interface ParameterDrawer {
  /** A new parameter of `shape`, uniform in ±1/√hiddenSize. */
  draw(shape: number[]): Parameter;
  /** Whether the cell learns biases (default true). */
  bias: boolean;
  generator: Generator;
  dtype: DType;
}

/** The parameter drawer for `options` (a fresh generator seeded with `seed`, default 0, when none is given). */
export function drawParameters(options: DrawOptions, hiddenSize: number, owner: string): ParameterDrawer {
  const generator = options.generator ?? new Generator(options.seed ?? 0);
  const dtype = options.dtype ?? 'float32';
  const draw = (shape: number[]) => uniformParameter(shape, hiddenSize, generator, options.backend, dtype, owner);
  return { draw, bias: options.bias ?? true, generator, dtype };
}

/** Zeros `[batch, size]` for every state width, of `like`'s dtype and backend (a bad batch size named by `owner`). */
export function zeroStates(like: Tensor, batch: number, sizes: readonly number[], owner: string): Tensor[] {
  checkBatch(owner, batch, sizes);
  return sizes.map((size) => zeros([batch, size], { dtype: like.dtype, backend: like.backend }));
}
