import { decodeBase64 } from './gemmKernelModule.js';
import { gateKernelBase64 } from './gateKernelBytes.js';

/**
 * The passes of the gate kernel module (scripts/gateWat.ts), WebAssembly SIMD (f32x4). Each runs
 * over `rows` rows of block width `n`, a multiple of 4 (pad the hidden size with
 * {@link paddedWidth}); the other arguments are byte addresses in the module's memory of
 * row-major arrays (`[rows, 4n]` LSTM gates, `[rows, 3n]` GRU gates, `[rows, n]` states; a bias
 * is one row shared by every row). Arrays written in place may be the ones read.
 */
export interface GateKernelExports {
  memory: WebAssembly.Memory;
  /** `dst = σ(src) = 1 / (1 + exp(−src))` over `[rows, n]` (the vector math of every pass). */
  sigmoid(rows: number, n: number, src: number, dst: number): void;
  /** LSTM step: gates `i, f, g, o` ← `σ, σ, tanh, σ (gates + bias)` in place, `c = f⊙cPrevious + i⊙g`,
   * `tanhC = tanh(c)`, `h = o⊙tanhC`. */
  lstmForward(rows: number, n: number, gates: number, bias: number, cPrevious: number, c: number, tanhC: number, h: number): void;
  /** LSTM step backward (no peephole): `dGates` from the activated gates, `tanhC`, `cPrevious`,
   * `dm` (the gradient of `o⊙tanh(c)`) and `dc`; `dc` becomes the gradient of `cPrevious`. */
  lstmBackward(rows: number, n: number, gates: number, tanhC: number, cPrevious: number, dm: number, dc: number, dGates: number): void;
  /** GRU step, reset-after form: `r, z = σ(gates + recurrent)`, `n = tanh(gates_n + r⊙recurrent_n)`
   * (gates activated in place), `recurrentN = recurrent_n`, `h = (1 − z)⊙n + z⊙hPrevious`. */
  gruForward(rows: number, n: number, gates: number, recurrent: number, hPrevious: number, recurrentN: number, h: number): void;
  /** GRU step backward, reset-after form, first pass: `dInput = [dr, dz, dn]`,
   * `dRecurrent = [dr, dz, r⊙dn]`, `direct = z⊙dh`. */
  gruBackward(rows: number, n: number, gates: number, hPrevious: number, recurrentN: number, dh: number, dInput: number, dRecurrent: number, direct: number): void;
  /** Elman step: `h = tanh(pre + bias)`. */
  tanhForward(rows: number, n: number, pre: number, bias: number, h: number): void;
  /** Elman step backward: `dPre = (1 − h²)⊙dh`. */
  tanhBackward(rows: number, n: number, h: number, dh: number, dPre: number): void;
}

/** An instance of the gate kernels with its memory, grown on demand and reused. */
export interface GateKernels {
  readonly exports: GateKernelExports;
  /** Grows the memory to hold at least `floats` floats and returns a view of it (earlier views
   * are stale after a call that grows). */
  reserve(floats: number): Float32Array;
}

let compiled: WebAssembly.Module | null | undefined;

/** The compiled gate kernel module, or null where WebAssembly or its SIMD is unavailable. */
export function gateKernelModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    compiled = null;
    if (typeof WebAssembly === 'object') {
      try {
        const bytes = decodeBase64(gateKernelBase64);
        if (WebAssembly.validate(bytes)) compiled = new WebAssembly.Module(bytes);
      } catch {
        compiled = null; // e.g. a browser's main thread refusing synchronous compilation
      }
    }
  }
  return compiled;
}

class GateKernelInstance implements GateKernels {
  readonly exports: GateKernelExports;
  private view: Float32Array;

  constructor(module: WebAssembly.Module) {
    this.exports = new WebAssembly.Instance(module, {}).exports as unknown as GateKernelExports;
    this.view = new Float32Array(this.exports.memory.buffer);
  }

  reserve(floats: number): Float32Array {
    const memory = this.exports.memory;
    const bytes = 4 * floats;
    if (memory.buffer.byteLength < bytes) memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / 65536));
    if (this.view.buffer !== memory.buffer) this.view = new Float32Array(memory.buffer);
    return this.view;
  }
}

/** A new instance of the gate kernels with its own memory, or null where WebAssembly SIMD is
 * unavailable (the sequence kernels then run their scalar loops). Each recurrence workspace owns one. */
export function createGateKernels(): GateKernels | null {
  const module = gateKernelModule();
  return module ? new GateKernelInstance(module) : null;
}

/**
 * `create()`, or null when it throws the RangeError of a memory that cannot grow to the size asked
 * for (the 4 GiB of a 32-bit WebAssembly memory, or less where the engine limits it): the caller
 * then runs its scalar loops.
 */
export function withMemory<T>(create: () => T): T | null {
  try {
    return create();
  } catch (error) {
    if (error instanceof RangeError) return null;
    throw error;
  }
}

/** `width` rounded up to a whole number of f32x4 vectors: the block width of the kernel memory. */
export function paddedWidth(width: number): number {
  return (width + 3) & ~3;
}

/**
 * Copies `rows` rows of `blocks` blocks of `width` floats from `from` (rows `blocks·width` apart,
 * from float `fromOffset`) into `to` at `toOffset`, where each block is `padded` floats wide: one
 * copy when `width` is already a multiple of 4, else one per block.
 */
export function copyIn(
  from: Float32Array, fromOffset: number, to: Float32Array, toOffset: number, rows: number, blocks: number, width: number, padded: number,
): void {
  if (width === padded) {
    to.set(from.subarray(fromOffset, fromOffset + rows * blocks * width), toOffset);
    return;
  }
  for (let q = 0; q < rows * blocks; q++) to.set(from.subarray(fromOffset + q * width, fromOffset + (q + 1) * width), toOffset + q * padded);
}

/**
 * The reverse of {@link copyIn}, from the kernel memory `from` back into `to`; with `lengths`,
 * only the rows still inside their sequence at time `t` are copied (the others keep what they
 * hold, as the scalar loops leave them).
 */
export function copyOut(
  from: Float32Array, fromOffset: number, to: Float32Array, toOffset: number, rows: number, blocks: number, width: number, padded: number,
  lengths: Int32Array | null, t: number,
): void {
  if (width === padded && lengths === null) {
    to.set(from.subarray(fromOffset, fromOffset + rows * blocks * width), toOffset);
    return;
  }
  for (let b = 0; b < rows; b++) {
    if (lengths !== null && t >= lengths[b]) continue;
    for (let q = b * blocks; q < (b + 1) * blocks; q++) {
      to.set(from.subarray(fromOffset + q * padded, fromOffset + q * padded + width), toOffset + q * width);
    }
  }
}
