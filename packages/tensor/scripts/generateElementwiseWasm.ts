/**
 * Assembles the WebAssembly elementwise kernels (two modules sharing one memory) from the WAT that scripts/elementwiseWat.ts writes
 * (with wabt) and writes their bytes, base64-encoded, to src/wasm/elementwiseKernelBytes.ts, which
 * loads synchronously in Node and browsers with no file or network access.
 *
 *   pnpm --filter @recurrent/tensor generate:wasm              # rewrites this and the gemm kernel
 *   npx tsx scripts/generateElementwiseWasm.ts --wat           # print the WAT instead
 *
 * src/wasm/elementwiseKernelBytes.test.ts runs the same assembly and fails when the committed
 * module is out of date.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import wabt from 'wabt';
import { elementwiseWat } from './elementwiseWat.js';
import { renderKernelBytesFile } from './kernelBytesFile.js';

/** Where the generated module lives. */
export const elementwiseKernelBytesPath = fileURLToPath(new URL('../src/wasm/elementwiseKernelBytes.ts', import.meta.url));

/** The two modules' bytes (see {@link elementwiseWat}). */
export interface ElementwiseKernelBinaries {
  map: Uint8Array;
  combine: Uint8Array;
}

/** Assembles both modules. */
export async function assembleElementwiseKernels(): Promise<ElementwiseKernelBinaries> {
  const toolkit = await wabt();
  const texts = elementwiseWat();
  const assemble = (name: 'map' | 'combine') => {
    const module = toolkit.parseWat(`elementwise-${name}.wat`, texts[name], { simd: true });
    try {
      module.validate();
      return new Uint8Array(module.toBinary({}).buffer);
    } finally {
      module.destroy();
    }
  };
  return { map: assemble('map'), combine: assemble('combine') };
}

/** The text of src/wasm/elementwiseKernelBytes.ts for the given binaries. */
export function renderElementwiseKernelBytes(binaries: ElementwiseKernelBinaries): string {
  return renderKernelBytesFile('scripts/generateElementwiseWasm.ts', 'scripts/elementwiseWat.ts', [
    { name: 'elementwiseMapBase64', doc: 'The unary passes and the affine map (WebAssembly SIMD; defines the memory), base64.', bytes: binaries.map },
    { name: 'elementwiseCombineBase64', doc: 'add / sub / mul / div and the reductions (WebAssembly SIMD; imports `env.memory`), base64.', bytes: binaries.combine },
  ]);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (process.argv.includes('--wat')) {
    const texts = elementwiseWat();
    process.stdout.write(texts.map + texts.combine);
  } else {
    const binaries = await assembleElementwiseKernels();
    writeFileSync(elementwiseKernelBytesPath, renderElementwiseKernelBytes(binaries));
    console.log(`wrote ${elementwiseKernelBytesPath} (${binaries.map.length} and ${binaries.combine.length} bytes)`);
  }
}
