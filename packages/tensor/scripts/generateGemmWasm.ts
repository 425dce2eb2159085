/**
 * Assembles the WebAssembly matrix-product kernel from the WAT that scripts/gemmWat.ts writes
 * (with wabt) and writes its bytes, base64-encoded, to src/wasm/gemmKernelBytes.ts so that the
 * package loads them synchronously in Node and browsers with no file or network access.
 *
 *   pnpm --filter @recurrent/tensor generate:wasm        # rewrite src/wasm/gemmKernelBytes.ts
 *   npx tsx scripts/generateGemmWasm.ts --wat            # print the WAT instead
 *
 * src/wasm/gemmKernelBytes.test.ts runs the same assembly and fails when the committed module
 * is out of date.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import wabt from 'wabt';
import { gemmKernelShape } from '../src/wasm/gemmKernelShape.js';
import { gemmWat } from './gemmWat.js';
import { renderKernelBytesFile } from './kernelBytesFile.js';

/** Where the generated module lives. */
export const gemmKernelBytesPath = fileURLToPath(new URL('../src/wasm/gemmKernelBytes.ts', import.meta.url));

/** The kernel assembled four times: importing a plain memory or a shared one (threads), each with
 * a product and a sum or with relaxed SIMD's fused multiply-add. */
export interface GemmKernelBinaries {
  plain: Uint8Array;
  shared: Uint8Array;
  plainFma: Uint8Array;
  sharedFma: Uint8Array;
}

/** Assembles the four variants of the kernel. */
export async function assembleGemmKernels(): Promise<GemmKernelBinaries> {
  const toolkit = await wabt();
  const assemble = (shared: boolean, fma: boolean) => {
    const name = `${shared ? 'shared' : 'plain'}${fma ? ' fused' : ''}`;
    const module = toolkit.parseWat('gemm.wat', gemmWat({ shared, fma, ...gemmKernelShape }), { simd: true, threads: true, relaxed_simd: fma });
    try {
      const bytes = new Uint8Array(module.toBinary({}).buffer);
      // wabt's own validator ignores the threads feature, so let the engine judge; an engine
      // without relaxed SIMD cannot judge the fused variants, which then only have wabt's parse
      // (the tensor-browser tests run them in chromium)
      if (!WebAssembly.validate(bytes) && !fma) throw new Error(`generateGemmWasm: the ${name} kernel does not validate`);
      return bytes;
    } finally {
      module.destroy();
    }
  };
  return { plain: assemble(false, false), shared: assemble(true, false), plainFma: assemble(false, true), sharedFma: assemble(true, true) };
}

/** The text of src/wasm/gemmKernelBytes.ts for the given binaries. */
export function renderGemmKernelBytes(binaries: GemmKernelBinaries): string {
  return renderKernelBytesFile('scripts/generateGemmWasm.ts', 'scripts/gemmWat.ts', [
    { name: 'gemmKernelBase64', doc: 'The float32 gemm kernel (WebAssembly SIMD) importing a plain memory, base64.', bytes: binaries.plain },
    { name: 'gemmKernelSharedBase64', doc: 'The same kernel importing a shared memory (for the threaded gemm), base64.', bytes: binaries.shared },
    { name: 'gemmKernelFmaBase64', doc: 'The kernel with relaxed SIMD\'s fused multiply-add, importing a plain memory, base64.', bytes: binaries.plainFma },
    { name: 'gemmKernelSharedFmaBase64', doc: 'The fused kernel importing a shared memory, base64.', bytes: binaries.sharedFma },
  ]);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (process.argv.includes('--wat')) {
    process.stdout.write(gemmWat({ shared: process.argv.includes('--shared'), fma: process.argv.includes('--fma'), ...gemmKernelShape }));
  } else {
    const binaries = await assembleGemmKernels();
    writeFileSync(gemmKernelBytesPath, renderGemmKernelBytes(binaries));
    console.log(`wrote ${gemmKernelBytesPath} (${[binaries.plain, binaries.shared, binaries.plainFma, binaries.sharedFma].map((b) => b.length).join(', ')} bytes)`);
  }
}
