import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assembleGateKernels, gateKernelBytesPath, renderGateKernelBytes } from '../../scripts/generateGateWasm.js';
import { gateKernelBase64 } from './gateKernelBytes.js';
import { decodeBase64 } from './gemmKernelModule.js';
import { gateKernelModule } from './gateKernels.js';

describe('gate kernel bytes', () => {
  it('match what scripts/generateGateWasm.ts assembles from scripts/gateWat.ts (run `pnpm --filter @recurrent/tensor generate:wasm`)', async () => {
    const bytes = await assembleGateKernels();
    expect(readFileSync(gateKernelBytesPath, 'utf8')).toBe(renderGateKernelBytes(bytes));
    expect(decodeBase64(gateKernelBase64)).toEqual(bytes);
  });

  it('compile in this runtime, export the memory and every pass, and stay small enough for synchronous compilation in browsers (4 KiB)', () => {
    const module = gateKernelModule();
    expect(module).toBeInstanceOf(WebAssembly.Module);
    expect(WebAssembly.Module.exports(module!).map((entry) => entry.name).sort()).toEqual([
      'gruBackward', 'gruForward', 'lstmBackward', 'lstmForward', 'memory', 'sigmoid', 'tanhBackward', 'tanhForward',
    ]);
    expect(decodeBase64(gateKernelBase64).length).toBeLessThan(4096);
  });
});
