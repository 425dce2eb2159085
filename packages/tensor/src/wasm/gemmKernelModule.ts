import { gemmKernelBase64, gemmKernelFmaBase64, gemmKernelSharedBase64, gemmKernelSharedFmaBase64 } from './gemmKernelBytes.js';

/** The exports of an instance of the gemm kernel module (see scripts/gemmWat.ts). */
export interface GemmKernelExports {
  /**
   * `C[0:mc, 0:nc] ← alpha·A·B` (mode 0), `+ C` (mode 1) or `+ beta·C` (mode 2), over packed
   * panels of `A` at byte `pa` and of `B` at byte `pb`; `C` at byte `pc` with row stride `ldc` bytes.
   */
  kernel(
    mc: number, nc: number, kc: number, pa: number, pb: number, pc: number, ldc: number,
    alpha: number, beta: number, mode: number,
  ): void;
  /**
   * One row of `C`: `C[0, 0:nc] ← alpha·a·B` (mode 0), `+ C` (mode 1) or `+ beta·C` (mode 2), with
   * the row `a` as `kc` floats at byte `pa` and packed panels of `B` at byte `pb`; `C` at byte `pc`.
   */
  kernelRow(nc: number, kc: number, pa: number, pb: number, pc: number, alpha: number, beta: number, mode: number): void;
  /**
   * Copies `panels` panels of `width` bytes per step of k from a staged block whose rows (the
   * steps) are `stride` bytes apart, to `dst`.
   */
  packDirect(src: number, stride: number, panels: number, width: number, depth: number, dst: number): void;
  /**
   * Packs a staged block whose rows (`stride` bytes apart) are the panel lanes: panel `s`, step
   * `p`, lane `r` ← the float at `src + (s·width/4 + r)·stride + 4p`.
   */
  packTransposed(src: number, stride: number, panels: number, width: number, depth: number, dst: number): void;
}

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * Decodes base64 (no `atob` or `Buffer` needed, so it runs anywhere): how the packages carry
 * their WebAssembly kernels as text that loads synchronously in Node and browsers.
 *
 * @example
 * decodeBase64('AGFzbQ=='); // Uint8Array [0, 97, 115, 109]
 */
export function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const clean = text.replace(/=+$/, '');
  const bytes = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let bits = 0;
  let value = 0;
  let index = 0;
  for (const character of clean) {
    const digit = alphabet.indexOf(character);
    if (digit < 0) throw new Error(`decodeBase64: expected base64 text, got the character ${JSON.stringify(character)}`);
    value = (value << 6) | digit;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes[index++] = (value >> bits) & 0xff;
    }
  }
  return bytes;
}

const cache: { plain?: WebAssembly.Module | null; shared?: WebAssembly.Module | null } = {};
let fused: boolean | undefined;

/** The first of `candidates` (base64) that this engine validates, compiled, or null. */
function compileFirst(candidates: string[]): { module: WebAssembly.Module; index: number } | null {
  if (typeof WebAssembly !== 'object') return null;
  for (const [index, text] of candidates.entries()) {
    const bytes = decodeBase64(text);
    try {
      if (WebAssembly.validate(bytes)) return { module: new WebAssembly.Module(bytes), index };
    } catch {
      // try the next
    }
  }
  return null;
}

/**
 * The compiled kernel module (compiled once, synchronously, from the bytes in gemmKernelBytes.ts),
 * or `null` where WebAssembly or its SIMD (or, for `shared`, its threads) is unavailable. Where the
 * engine has relaxed SIMD (current browsers; Node 20 with `--experimental-wasm-relaxed-simd`, which
 * the `recurrent` command passes) the variant with fused multiply-adds, else the plain one.
 */
export function gemmKernelModule(shared: boolean): WebAssembly.Module | null {
  const key = shared ? 'shared' : 'plain';
  let module = cache[key];
  if (module === undefined) {
    const compiled = compileFirst(shared ? [gemmKernelSharedFmaBase64, gemmKernelSharedBase64] : [gemmKernelFmaBase64, gemmKernelBase64]);
    module = compiled?.module ?? null;
    if (!shared) fused = compiled?.index === 0;
    cache[key] = module;
  }
  return module;
}

/**
 * Whether the float32 matrix product runs the kernel with relaxed SIMD's fused multiply-add
 * (`f32x4.relaxed_madd`, about 10–15% faster here; results differ from the unfused kernel only in
 * rounding): true in current browsers and in Node 20 started with
 * `--experimental-wasm-relaxed-simd`, false where only WebAssembly SIMD is there.
 *
 * @example
 * hasFusedGemm(); // false in plain Node 20, true in Chrome 114+
 */
export function hasFusedGemm(): boolean {
  if (fused === undefined) gemmKernelModule(false);
  return fused === true;
}

/** Instantiates the kernel on `memory` (plain or shared, matching the module). */
export function instantiateGemmKernel(module: WebAssembly.Module, memory: WebAssembly.Memory): GemmKernelExports {
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  return instance.exports as unknown as GemmKernelExports;
}
