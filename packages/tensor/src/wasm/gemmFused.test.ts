import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { hasFusedGemm } from './gemmKernelModule.js';

// tsx, as the repository root has it, runs the TypeScript child
const tsx = pathToFileURL(createRequire(new URL('../../../../package.json', import.meta.url)).resolve('tsx')).href;
const child = fileURLToPath(new URL('../../test/fusedGemmChild.ts', import.meta.url));

describe('the fused (relaxed SIMD) gemm kernel', () => {
  it('is not used where the engine lacks relaxed SIMD (plain Node 20), and the plain kernel is', () => {
    const flagged = process.execArgv.includes('--experimental-wasm-relaxed-simd');
    expect(hasFusedGemm()).toBe(flagged || Number(process.versions.node.split('.')[0]) > 20);
  });

  it('runs in a Node started with --experimental-wasm-relaxed-simd and matches the float64 reference within 2e-6 of each element\'s magnitude', () => {
    const output = execFileSync(process.execPath, ['--experimental-wasm-relaxed-simd', '--import', tsx, '--conditions=source', child], { encoding: 'utf8' });
    const result = JSON.parse(output.trim().split('\n').pop()!);
    expect(result.fused).toBe(true);
    expect(result.cases).toBe(72);
    expect(result.worst).toBeLessThan(2e-6);
    expect(result.worst).toBeGreaterThan(0);
  }, 60_000);
});
