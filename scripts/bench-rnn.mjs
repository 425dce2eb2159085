#!/usr/bin/env node
// pnpm bench:rnn [--backend cpu|gpujs|native] [options]: the standard recurrent benchmark
// (../shared/bench/configs.json). `--backend cpu` (default) runs the fused layers of
// @recurrent/layers with PyTorch measured in the same run; `--backend gpujs` runs the fused gpu.js
// sequence kernels of @recurrent/backend-gpujs and reports launches and transfers per step;
// `--backend native` runs the layers on @recurrent/backend-native beside PyTorch (same OpenBLAS
// kernel family and threads; it names PyTorch's BLAS and prints no ratios against the reference BLAS).
// Other options go to the chosen benchmark (see the header of each bench file).
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
const at = args.indexOf('--backend');
const backend = at >= 0 ? args[at + 1] : 'cpu';
if (at >= 0) args.splice(at, 2);
const packages = { cpu: '@recurrent/layers', gpujs: '@recurrent/backend-gpujs', native: '@recurrent/backend-native' };
const script = { cpu: 'bench:rnn', gpujs: 'bench', native: 'bench:rnn' };
if (!(backend in packages)) {
  console.error(`bench:rnn: expected --backend cpu, gpujs or native, got ${backend}`);
  process.exit(2);
}
const result = spawnSync('pnpm', ['--filter', packages[backend], script[backend], ...args], { stdio: 'inherit' });
process.exit(result.status ?? 1);
