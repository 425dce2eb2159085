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

/** The kernel assembled twice: importing a plain memory, and importing a shared one (threads). */
export interface GemmKernelBinaries {
  plain: Uint8Array;
  shared: Uint8Array;
}

/** Assembles both variants of the kernel. */
export async function assembleGemmKernels(): Promise<GemmKernelBinaries> {
  const toolkit = await wabt();
  const assemble = (shared: boolean) => {
    const module = toolkit.parseWat('gemm.wat', gemmWat({ shared, ...gemmKernelShape }), { simd: true, threads: true });
    try {
      const bytes = new Uint8Array(module.toBinary({}).buffer);
      // wabt's own validator ignores the threads feature, so let the engine judge.
      if (!WebAssembly.validate(bytes)) throw new Error(`generateGemmWasm: the ${shared ? 'shared' : 'plain'} kernel does not validate`);
      return bytes;
    } finally {
      module.destroy();
    }
  };
  return { plain: assemble(false), shared: assemble(true) };
}

/** The text of src/wasm/gemmKernelBytes.ts for the given binaries. */
export function renderGemmKernelBytes(binaries: GemmKernelBinaries): string {
  return renderKernelBytesFile('scripts/generateGemmWasm.ts', 'scripts/gemmWat.ts', [
    { name: 'gemmKernelBase64', doc: 'The float32 gemm kernel (WebAssembly SIMD) importing a plain memory, base64.', bytes: binaries.plain },
    { name: 'gemmKernelSharedBase64', doc: 'The same kernel importing a shared memory (for the threaded gemm), base64.', bytes: binaries.shared },
  ]);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (process.argv.includes('--wat')) {
    process.stdout.write(gemmWat({ shared: process.argv.includes('--shared'), ...gemmKernelShape }));
  } else {
    const binaries = await assembleGemmKernels();
    writeFileSync(gemmKernelBytesPath, renderGemmKernelBytes(binaries));
    console.log(`wrote ${gemmKernelBytesPath} (${binaries.plain.length} and ${binaries.shared.length} bytes)`);
  }
}
