import type { DType } from '../dtype.js';
import type { Tensor } from '../tensor.js';
import type { CaseContext } from './context.js';

/** One conformance check: builds inputs with the context and returns the tensors to compare. */
export interface ConformanceCase {
  /** The kernel it exercises (a key of `KernelTable`), used as the describe block. */
  kernel: string;
  name: string;
  /** Dtypes the case uses besides float32; skipped when the backend's options leave one out. */
  dtypes?: readonly DType[];
  /** Looser tolerance factor for kernels whose float32 rounding legitimately differs (gemm sums). */
  toleranceScale?: number;
  run(context: CaseContext): Tensor | Tensor[];
}
