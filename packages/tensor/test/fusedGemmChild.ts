// Run by src/wasm/gemmFused.test.ts in a Node started with --experimental-wasm-relaxed-simd: the
// fused kernel against the float64 reference, every transpose case, the one-row kernel, packed B,
// alpha and beta. Prints one JSON line: { fused, cases, worst } (worst: the largest error over the
// magnitude Σ|alpha·a·b| + |beta·c| of its element).
import { gemm, hasFusedGemm, packB } from '../src/index.js';
import { gemmReference } from '../src/cpu/gemmReference.js';
import { Generator } from '../src/random.js';

const generator = new Generator(21);
let worst = 0;
let cases = 0;
for (const [m, n, k] of [[1, 40, 70], [1, 1000, 128], [17, 33, 5], [64, 512, 128], [70, 130, 300], [300, 257, 513]]) {
  for (const [transA, transB] of [[false, false], [false, true], [true, false], [true, true]]) {
    for (const [alpha, beta, packed] of [[1, 0, false], [0.5, 1, true], [-2, 0.25, false]] as const) {
      const a = Float32Array.from({ length: m * k }, () => generator.uniformIn(-1, 1));
      const b = Float32Array.from({ length: k * n }, () => generator.uniformIn(-1, 1));
      const c = Float32Array.from({ length: m * n }, () => generator.uniformIn(-1, 1));
      const args = { transA, transB, m, n, k, alpha, beta, a, aOffset: 0, lda: transA ? m : k, b, bOffset: 0, ldb: transB ? k : n, c: c.slice(), cOffset: 0, ldc: n };
      const want = { ...args, a: Float64Array.from(a), b: Float64Array.from(b), c: Float64Array.from(c) };
      gemmReference(want);
      const bound = { ...want, alpha: Math.abs(alpha), beta: Math.abs(beta), a: want.a.map(Math.abs), b: want.b.map(Math.abs), c: Float64Array.from(c, Math.abs) };
      gemmReference(bound);
      const handle = packed ? packB({ transB, k, n, b, bOffset: 0, ldb: args.ldb }) : null;
      try {
        gemm({ ...args, packedB: handle });
      } finally {
        handle?.release();
      }
      for (let i = 0; i < m * n; i++) worst = Math.max(worst, Math.abs(args.c[i] - want.c[i]) / (bound.c[i] + 1e-30));
      cases++;
    }
  }
}
console.log(JSON.stringify({ fused: hasFusedGemm(), cases, worst }));
