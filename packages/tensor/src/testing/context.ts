import type { Backend } from '../backend.js';
import type { DType } from '../dtype.js';
import { tensor } from '../ops/creation.js';
import { Generator } from '../random.js';
import type { Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';

/** Values every kernel must treat as IEEE says: signed zeros, infinities, NaN, large magnitudes. */
export const specialValues = [0, -0, 1, -1, 0.5, -0.5, 2.5, 1e-6, 30, -30, 90, -90, Infinity, -Infinity, NaN];

/**
 * What a conformance case builds its inputs with. The suite runs each case twice, once on the
 * reference CPU backend and once on the backend under test, with generators of the same seed,
 * so both runs see the same numbers.
 */
export class CaseContext {
  private readonly generator: Generator;

  constructor(readonly backend: Backend, seed: number) {
    this.generator = new Generator(seed);
  }

  /** Standard normal values of a shape (float32 unless told). */
  randn(shape: Shape, dtype: DType = 'float32'): Tensor {
    const values = new Float64Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < values.length; i++) values[i] = this.generator.normal();
    return tensor(values, { shape, dtype, backend: this.backend });
  }

  /** Uniform values in `[low, high)`. */
  uniform(shape: Shape, low: number, high: number, dtype: DType = 'float32'): Tensor {
    const values = new Float64Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < values.length; i++) values[i] = this.generator.uniformIn(low, high);
    return tensor(values, { shape, dtype, backend: this.backend });
  }

  /** Integers in `[0, high)` as int32 (indices). */
  integers(shape: Shape, high: number): Tensor {
    const values = new Int32Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < values.length; i++) values[i] = this.generator.integer(high);
    return tensor(values, { shape, dtype: 'int32', backend: this.backend });
  }

  /** Given values (flat) with a shape. */
  values(values: readonly number[], shape: Shape = [values.length], dtype: DType = 'float32'): Tensor {
    return tensor(values, { shape, dtype, backend: this.backend });
  }

  /** The IEEE special values followed by `extra` normal samples, as a 1-D tensor. */
  special(extra = 17, dtype: DType = 'float32'): Tensor {
    const samples = this.randn([extra]);
    return tensor([...specialValues, ...samples.data], { dtype, backend: this.backend });
  }
}
