import type { DataArray, DType, DataArrayFor } from './dtype.js';

/** Elementwise functions of one tensor. */
export const unaryOps = [
  'neg', 'abs', 'exp', 'log', 'log1p', 'expm1', 'sqrt', 'rsqrt', 'square', 'reciprocal',
  'tanh', 'sigmoid', 'relu', 'softplus', 'sign', 'sin', 'cos', 'floor', 'ceil', 'round',
] as const;
/** Name of an elementwise function of one tensor. */
export type UnaryOp = (typeof unaryOps)[number];

/** Elementwise functions of two broadcast tensors. Comparisons give 1 or 0 in the result dtype. */
export const binaryOps = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'eq', 'ne', 'lt', 'le', 'gt', 'ge'] as const;
/** Name of an elementwise function of two tensors. */
export type BinaryOp = (typeof binaryOps)[number];

/** Reductions over an axis. */
export const reduceOps = ['sum', 'prod', 'max', 'min', 'logsumexp'] as const;
/** Name of a reduction. */
export type ReduceOp = (typeof reduceOps)[number];

/**
 * A strided read of a storage array: element `(i0, i1, …)` is at
 * `offset + i0·strides[0] + i1·strides[1] + …`. A stride of 0 repeats (broadcasts) an axis.
 */
export interface Strided {
  readonly data: DataArray;
  readonly offset: number;
  readonly strides: readonly number[];
}

/**
 * A tensor reduced over one axis after viewing it as `[outer, length, inner]`
 * (the axes before, the reduced axis, the axes after).
 */
export interface AxisLayout {
  readonly outer: number;
  readonly length: number;
  readonly inner: number;
}

/**
 * Arguments of a general matrix product `C ← alpha·op(A)·op(B) + beta·C` (BLAS `sgemm`), with
 * `op(A)` of shape `[m, k]` and `op(B)` of shape `[k, n]`, all row-major. With `transA`, `A` is
 * stored as `[k, m]`; with `transB`, `B` is stored as `[n, k]`. `lda`, `ldb`, `ldc` are the row
 * strides of the stored matrices; offsets index into the arrays.
 */
export interface GemmArgs {
  transA: boolean;
  transB: boolean;
  m: number;
  n: number;
  k: number;
  alpha: number;
  a: Float32Array | Float64Array;
  aOffset: number;
  lda: number;
  b: Float32Array | Float64Array;
  bOffset: number;
  ldb: number;
  beta: number;
  c: Float32Array | Float64Array;
  cOffset: number;
  ldc: number;
  /**
   * `op(B)` already packed by this backend's {@link KernelTable.packB} from the same `b`, `bOffset`,
   * `ldb`, `transB`, `k` and `n` (with `b` unchanged since): the kernel reads the packed copy
   * instead of packing `b` again. A kernel that does not know the handle (another backend's, a
   * released one, one packed from other arguments) ignores it and reads `b`, so passing it never
   * changes a result. The recurrent layers pack `W_hh` once per sequence this way.
   */
  packedB?: PackedOperand | null;
}

/** The arguments of {@link KernelTable.packB}: the `B` side of a later {@link GemmArgs}. */
export interface PackBArgs {
  transB: boolean;
  k: number;
  n: number;
  b: Float32Array | Float64Array;
  bOffset: number;
  ldb: number;
}

/**
 * A right-hand operand packed once for many products (a recurrent weight used at every time
 * step). It holds kernel memory until {@link PackedOperand.release}; products given it after
 * that pack `b` again as usual.
 */
export interface PackedOperand {
  /** Frees the packed copy. Releasing twice does nothing. */
  release(): void;
}

/**
 * The backend spec: every kernel a backend provides. Kernels write into a preallocated `out`
 * and never call ops; ops check shapes and dtypes and never know which backend runs.
 * Implement it as a plain object: `export const myKernels = { … } satisfies KernelTable`.
 */
export interface KernelTable {
  /** `out[i] = f(x[i])`; `x` and `out` have the same length. */
  unary(op: UnaryOp, x: DataArray, out: DataArray): void;
  /** `out[i] = x[i] · scale + shift` (affine map, used by creation and scalar ops). */
  affine(x: DataArray, scale: number, shift: number, out: DataArray): void;
  /** `out = clamp(x, low, high)`, NaN kept. */
  clamp(x: DataArray, low: number, high: number, out: DataArray): void;
  /** `out[index] = f(a[index], b[index])` over `shape`, reading both operands through strides. */
  binary(op: BinaryOp, a: Strided, b: Strided, out: DataArray, shape: readonly number[]): void;
  /** `out = condition ≠ 0 ? a : b`, all three broadcast to `shape`. */
  where(condition: Strided, a: Strided, b: Strided, out: DataArray, shape: readonly number[]): void;
  /** Copies a strided view of `shape` into contiguous `out` (permute, slice, expand, flip; with
   * `out` of another dtype it is also `cast`, converting as typed arrays do). Strides may be
   * negative or 0. */
  copy(source: Strided, out: DataArray, shape: readonly number[]): void;
  /** Reduces the middle axis of `[outer, length, inner]` into `out[outer, inner]`. */
  reduce(op: ReduceOp, x: DataArray, layout: AxisLayout, out: DataArray): void;
  /** Index (as a number in `out`) of the largest (or smallest) value along the middle axis. */
  argReduce(op: 'argmax' | 'argmin', x: DataArray, layout: AxisLayout, out: DataArray): void;
  /** Softmax (or log-softmax) along the middle axis. */
  softmax(x: DataArray, layout: AxisLayout, log: boolean, out: DataArray): void;
  /** Inclusive cumulative sum along the middle axis. */
  cumsum(x: DataArray, layout: AxisLayout, out: DataArray): void;
  /** Rows `indices[j]` of the middle axis: `out[o, j, i] = x[o, indices[j], i]`. */
  gather(x: DataArray, layout: AxisLayout, indices: Int32Array, out: DataArray): void;
  /** Adds `source[o, j, i]` into `out[o, indices[j], i]` (the adjoint of gather; repeated indices
   * accumulate). Into a buffer of −0 it places values exactly, which is how concat, stack and pad
   * are built. */
  scatterAdd(source: DataArray, layout: AxisLayout, indices: Int32Array, out: DataArray): void;
  /** `C ← alpha·op(A)·op(B) + beta·C`. */
  gemm(args: GemmArgs): void;
  /**
   * Optional: packs `op(B)` once for many {@link KernelTable.gemm} calls that pass it as
   * `packedB` (null where packing would not help, for float64 or tiny operands). Callers release it
   * when done, `try … finally`.
   */
  packB?(args: PackBArgs): PackedOperand | null;
  /**
   * Optional: whole-sequence recurrence (see {@link RecurrentKernels}). The CPU backends fill it;
   * `createCpuRecurrence` builds the CPU one over any `gemm`. Absent, the recurrent layers and cells
   * fail with an error naming the backend.
   */
  recurrent?: RecurrentKernels;
}

/** The recurrences of {@link KernelTable.recurrent}, by PyTorch's `mode` names. */
export type RecurrentMode = 'RNN_TANH' | 'RNN_RELU' | 'LSTM' | 'GRU';

/** The gate activation `σ` of the LSTM and GRU gates: the logistic function, or tf.keras's hard
 * sigmoid `max(0, min(1, 0.2·x + 0.5))` (whose derivative is 0.2 inside (0, 1), else 0). */
export type RecurrentActivation = 'sigmoid' | 'hardSigmoid';

/**
 * The weights of one direction of one recurrent layer, PyTorch's layout: the gate blocks are
 * stacked by rows (`RNN_*`: one block; `GRU`: `r, z, n`; `LSTM`: `i, f, g, o`). With `G` blocks of
 * `H` rows and `R = projSize || H` the width of the hidden state:
 */
export interface RecurrentWeights {
  /** `[G·H, I]`. */
  weightIh: Float32Array;
  /** `[G·H, R]`. */
  weightHh: Float32Array;
  /** `[G·H]` or null (no bias). */
  biasIh: Float32Array | null;
  /** `[G·H]` or null (no bias). */
  biasHh: Float32Array | null;
  /** LSTM projection `[P, H]` when `projSize = P > 0`, else null. */
  weightHr: Float32Array | null;
  /** LSTM peephole weights `[H]` (`i += w_ci ⊙ c_{t−1}`), or null (no peephole; then all three are). */
  weightCi: Float32Array | null;
  /** LSTM peephole weights `[H]` (`f += w_cf ⊙ c_{t−1}`), or null. */
  weightCf: Float32Array | null;
  /** LSTM peephole weights `[H]` (`o += w_co ⊙ c_t`), or null. */
  weightCo: Float32Array | null;
}

/**
 * One direction of one layer over a whole sequence, the arguments of
 * {@link RecurrentKernels.forward}. All arrays are float32, row-major, time-major (batch-first
 * where `batchFirst` is set and the backend takes it), and never written by the kernel.
 */
export interface RecurrentForwardArgs {
  mode: RecurrentMode;
  /** Time steps `T ≥ 1`. */
  steps: number;
  /** Batch rows `B ≥ 1`. */
  batch: number;
  /** Input features `I`. */
  inputSize: number;
  /** Hidden features `H`. */
  hiddenSize: number;
  /** LSTM projection size `P` (0: none; always 0 for the other modes). `R = P || H`. */
  projSize: number;
  /** GRU only: `n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))` (true, PyTorch's) or
   * `n = tanh(W_in x + b_in + W_hn (r ⊙ h) + b_hn)` (false, Keras's `reset_after=False`). */
  resetAfter: boolean;
  /** LSTM and GRU gate activation (`'sigmoid'` for PyTorch's layers). */
  recurrentActivation: RecurrentActivation;
  /** Input `[T, B, I]` (`[B, T, I]` with `batchFirst`). */
  x: Float32Array;
  /** Initial hidden state `[B, R]`, or null for zeros. */
  h0: Float32Array | null;
  /** LSTM initial cell state `[B, H]`, or null for zeros (always null for the other modes). */
  c0: Float32Array | null;
  weights: RecurrentWeights;
  /** Run from `t = T − 1` down to 0 (the reverse direction of a bidirectional layer). */
  reverse: boolean;
  /**
   * Per-row lengths `[B]`, each in `[1, T]`, or null (every row runs `T` steps). PyTorch's packed
   * semantics: row `b` runs the steps `t < lengths[b]` only (forward: `0 … L−1`; reverse:
   * `L−1 … 0`, starting from `h0`); its output is 0 at `t ≥ lengths[b]` and its final state is
   * the state after its last step. Rows sorted longest first let a kernel shrink each step's
   * products to the running rows; unsorted lengths must give the same results.
   */
  lengths: Int32Array | null;
  /** Keep a tape for {@link RecurrentKernels.backward}. False (inference): the kernel may work in
   * its workspace and returns `tape: null`. */
  keepTape: boolean;
  /**
   * The sequence arrays (`x`, `output`, and backward's `dOutput` and gradient `x`) are batch-first,
   * `[B, T, ·]`, as a `batchFirst` layer's input, so no transposes run around the kernel. Only for
   * a recurrence whose {@link RecurrentKernels.batchFirst} is true; absent or false: time-major.
   */
  batchFirst?: boolean;
}

/**
 * What backward needs from forward, owned by the backend that made it (opaque to callers): pass
 * it to that backend's {@link RecurrentKernels.backward} (any number of times) and then once to
 * {@link RecurrentKernels.releaseTape}.
 */
export interface RecurrentTape {
  readonly mode: RecurrentMode;
}

/** The results of {@link RecurrentKernels.forward}: new arrays from `Backend.allocate`, owned by the caller. */
export interface RecurrentForwardResult {
  /** `[T, B, R]` (`[B, T, R]` with `batchFirst`), 0 past each row's length. */
  output: Float32Array;
  /** Final hidden state `[B, R]`. */
  hN: Float32Array;
  /** LSTM final cell state `[B, H]`; null for the other modes. */
  cN: Float32Array | null;
  /** Null when `keepTape` was false. */
  tape: RecurrentTape | null;
}

/** Which gradients {@link RecurrentKernels.backward} must return (the others may come back null). */
export interface RecurrentNeeds {
  x: boolean;
  h0: boolean;
  c0: boolean;
  /** All weight gradients (`weightIh` … `weightCo`, those that exist). */
  weights: boolean;
}

/** The arguments of {@link RecurrentKernels.backward}: gradients of the three outputs (null: zero). */
export interface RecurrentBackwardArgs {
  tape: RecurrentTape;
  /** `[T, B, R]`, in the forward's layout (rows past their length are ignored). */
  dOutput: Float32Array | null;
  /** `[B, R]`. */
  dhN: Float32Array | null;
  /** `[B, H]` (LSTM). */
  dcN: Float32Array | null;
  needs: RecurrentNeeds;
}

/** Gradients of every input of {@link RecurrentKernels.forward}, shaped as it: new arrays from
 * `Backend.allocate`, owned by the caller; null where not needed or where the input is absent. */
export interface RecurrentGradients {
  x: Float32Array | null;
  h0: Float32Array | null;
  c0: Float32Array | null;
  weightIh: Float32Array | null;
  weightHh: Float32Array | null;
  biasIh: Float32Array | null;
  biasHh: Float32Array | null;
  weightHr: Float32Array | null;
  weightCi: Float32Array | null;
  weightCf: Float32Array | null;
  weightCo: Float32Array | null;
}

/**
 * Whole-sequence recurrence, the optional {@link KernelTable.recurrent} entry: the fused RNN, LSTM
 * and GRU layers (and the built-in cells, as one-step sequences) run through it, so a backend that
 * fills it runs them its own way. The entry belongs to one backend instance: its work buffers
 * (scratch, reusable tapes) are a workspace it owns, allocates through its `allocate` and counts in
 * {@link BufferStats.workspaceFloats}; there are no process-wide pools.
 *
 * @example
 * const { output, hN, tape } = backend.kernels.recurrent!.forward({ mode: 'GRU', steps: 5, batch: 2,
 *   inputSize: 3, hiddenSize: 4, projSize: 0, resetAfter: true, recurrentActivation: 'sigmoid', x,
 *   h0: null, c0: null, weights, reverse: false, lengths: null, keepTape: true });
 */
export interface RecurrentKernels {
  /** Runs one direction over the whole sequence. Throws on arguments it cannot run (naming them). */
  forward(args: RecurrentForwardArgs): RecurrentForwardResult;
  /** Backpropagation through time from a tape of {@link RecurrentKernels.forward}. */
  backward(args: RecurrentBackwardArgs): RecurrentGradients;
  /** Hands a tape's buffers back to the workspace once no backward will read it (once per tape). */
  releaseTape(tape: RecurrentTape): void;
  /** Frees the whole workspace (kept scratch, free tapes, device memory); it grows again on demand. */
  releaseWorkspace(): void;
  /** True when {@link RecurrentKernels.forward} takes `batchFirst: true` (batch-first arrays in and
   * out); otherwise callers transpose to time-major and back. */
  readonly batchFirst?: boolean;
}

/** Counts of the buffers a backend has handed out, for leak tests. */
export interface BufferStats {
  /** Buffers allocated so far. */
  allocated: number;
  /**
   * Buffers allocated and not yet released, or `null` where the backend does not count them (the
   * CPU backend counts them only with `createCpuBackend({ countLive: true })`, through a
   * `FinalizationRegistry` that settles when the event loop turns).
   */
  live: number | null;
  /** Floats held now by the backend's reusable work buffers (recurrent scratch and free tapes). */
  workspaceFloats: number;
}

/**
 * A backend: a kernel table plus buffer allocation. Tensors carry the backend that made them,
 * and ops run the kernels of their first operand's backend: there is no global backend.
 */
export interface Backend {
  readonly name: string;
  readonly kernels: KernelTable;
  /** A zero-filled buffer, counted in {@link Backend.stats}. */
  allocate<D extends DType>(dtype: D, size: number): DataArrayFor[D];
  /** Registers a buffer made elsewhere (for example by `fromArray`) so it is counted. */
  track(data: DataArray): void;
  readonly stats: BufferStats;
}
