#!/usr/bin/env node
// Prints the compiler or linker flags of the BLAS the addon links (`node blasFlags.mjs cflags|libs`),
// for binding.gyp. RECURRENT_BLAS_CFLAGS / RECURRENT_BLAS_LIBS point at any CBLAS directly
// (`-I/opt/blis/include` / `-L/opt/blis/lib -lblis`); otherwise pkg-config's package
// RECURRENT_BLAS_PKG (default `openblas`). Exits 1 with a reason when neither gives flags.
import { blasFlags } from './toolchain.mjs';

const which = process.argv[2];
const flags = blasFlags();
if (!flags.ok) {
  console.error(flags.reason);
  process.exit(1);
}
console.log(which === 'libs' ? flags.libs : flags.cflags);
