import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assembleElementwiseKernels, elementwiseKernelBytesPath, renderElementwiseKernelBytes } from '../../scripts/generateElementwiseWasm.js';
import { elementwiseCombineBase64, elementwiseMapBase64 } from './elementwiseKernelBytes.js';
import { decodeBase64 } from './gemmKernelModule.js';

describe('elementwise kernel bytes', () => {
  it('match what scripts/generateElementwiseWasm.ts assembles from scripts/elementwiseWat.ts (run `pnpm --filter @recurrent/tensor generate:wasm`)', async () => {
    const binaries = await assembleElementwiseKernels();
    expect(readFileSync(elementwiseKernelBytesPath, 'utf8')).toBe(renderElementwiseKernelBytes(binaries));
    expect(decodeBase64(elementwiseMapBase64)).toEqual(binaries.map);
    expect(decodeBase64(elementwiseCombineBase64)).toEqual(binaries.combine);
  });

  it('compile in this runtime, each small enough for synchronous compilation in browsers (4 KiB), and export every pass', () => {
    const map = decodeBase64(elementwiseMapBase64);
    const combine = decodeBase64(elementwiseCombineBase64);
    expect(map.length).toBeLessThan(4096);
    expect(combine.length).toBeLessThan(4096);
    const names = (bytes: Uint8Array<ArrayBuffer>) => WebAssembly.Module.exports(new WebAssembly.Module(bytes)).map((entry) => entry.name).sort();
    expect(names(map)).toEqual(['abs', 'affine', 'ceil', 'exp', 'floor', 'memory', 'neg', 'reciprocal', 'relu', 'round', 'sigmoid', 'sqrt', 'square', 'tanh']);
    expect(names(combine)).toEqual([
      'addVS', 'addVV', 'divSV', 'divVS', 'divVV', 'max', 'min', 'mulVS', 'mulVV', 'subSV', 'subVS', 'subVV', 'sum', 'sumInto', 'sumInto4',
    ]);
    expect(WebAssembly.Module.imports(new WebAssembly.Module(combine))).toEqual([{ module: 'env', name: 'memory', kind: 'memory' }]);
  });
});
