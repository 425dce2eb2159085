import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assembleGemmKernels, gemmKernelBytesPath, renderGemmKernelBytes } from '../../scripts/generateGemmWasm.js';
import { gemmKernelBase64, gemmKernelFmaBase64, gemmKernelSharedBase64, gemmKernelSharedFmaBase64 } from './gemmKernelBytes.js';
import { decodeBase64, gemmKernelModule } from './gemmKernelModule.js';

describe('gemm kernel bytes', () => {
  it('match what scripts/generateGemmWasm.ts assembles from scripts/gemmWat.ts (run `pnpm --filter @recurrent/tensor generate:wasm`)', async () => {
    const binaries = await assembleGemmKernels();
    expect(readFileSync(gemmKernelBytesPath, 'utf8')).toBe(renderGemmKernelBytes(binaries));
    expect(decodeBase64(gemmKernelBase64)).toEqual(binaries.plain);
    expect(decodeBase64(gemmKernelSharedBase64)).toEqual(binaries.shared);
    expect(decodeBase64(gemmKernelFmaBase64)).toEqual(binaries.plainFma);
    expect(decodeBase64(gemmKernelSharedFmaBase64)).toEqual(binaries.sharedFma);
  });

  it('compile in this runtime (the fused variants where it has relaxed SIMD) and stay small enough for synchronous compilation in browsers (4 KiB)', () => {
    expect(gemmKernelModule(false)).toBeInstanceOf(WebAssembly.Module);
    expect(gemmKernelModule(true)).toBeInstanceOf(WebAssembly.Module);
    for (const text of [gemmKernelBase64, gemmKernelSharedBase64, gemmKernelFmaBase64, gemmKernelSharedFmaBase64]) expect(decodeBase64(text).length).toBeLessThan(4096);
    expect(WebAssembly.Module.exports(gemmKernelModule(false)!).map((entry) => entry.name).sort()).toEqual(['kernel', 'kernelRow', 'packDirect', 'packTransposed']);
  });

  it('decodes base64 like Buffer does and names a bad character', () => {
    const bytes = Uint8Array.from({ length: 100 }, (_, i) => (i * 37 + 11) & 0xff);
    for (const length of [0, 1, 2, 3, 4, 99, 100]) {
      expect(decodeBase64(Buffer.from(bytes.subarray(0, length)).toString('base64'))).toEqual(bytes.subarray(0, length));
    }
    expect(() => decodeBase64('AB$D')).toThrow('decodeBase64: expected base64 text, got the character "$"');
  });
});
