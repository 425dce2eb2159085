import * as T from '@recurrent/tensor';
import type { Differentiable, Variable } from '../variable.js';
import { two, unbroadcast, value } from './common.js';

/**
 * Matrix product with PyTorch's `matmul` semantics (1-D operands promoted, batch axes broadcast),
 * optionally of transposed operands: `C = op(A)·op(B)`.
 *
 * Gradient: `d op(A) = dC·op(B)ᵀ`, `d op(B) = op(A)ᵀ·dC`, each summed over broadcast batch axes
 * (all run through the backend's `gemm`).
 *
 * Shapes: `a: [..., m, k]`, `b: [..., k, n]` → `[..., m, n]`.
 *
 * @example matmul(x, weight, { transposeB: true }) // x·Wᵀ
 */
export function matmul(a: Differentiable, b: Differentiable, options: T.MatmulOptions = {}): Variable {
  const x = value(a), y = value(b);
  const out = T.matmul(x, y, options);
  const transA = (options.transposeA ?? false) && x.rank > 1;
  const transB = (options.transposeB ?? false) && y.rank > 1;
  return two('matmul', a, b, out, (dy) => {
    // Promote 1-D operands as the forward did, so one rule covers every case.
    const x2 = x.rank === 1 ? T.reshape(x, [1, x.shape[0]]) : x;
    const y2 = y.rank === 1 ? T.reshape(y, [y.shape[0], 1]) : y;
    let g = dy;
    if (x.rank === 1) g = T.reshape(g, [...g.shape.slice(0, -1), 1, y.rank === 1 ? 1 : g.shape[g.rank - 1]]);
    if (y.rank === 1) g = T.reshape(g, [...g.shape.slice(0, x.rank === 1 ? -1 : g.rank), 1]);
    // op(A)·op(B) = C:  d op(A) = dC·op(B)ᵀ,  d op(B) = op(A)ᵀ·dC
    const da = transA
      ? T.matmul(y2, g, { transposeA: transB, transposeB: true }) // d A = op(B)·dCᵀ
      : T.matmul(g, y2, { transposeB: !transB });
    const db = transB
      ? T.matmul(g, x2, { transposeA: true, transposeB: transA }) // d B = dCᵀ·op(A)
      : T.matmul(x2, g, { transposeA: !transA });
    return [T.reshape(unbroadcast(da, x2.shape), x.shape), T.reshape(unbroadcast(db, y2.shape), y.shape)];
  });
}
