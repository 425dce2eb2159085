// `pnpm --filter @recurrent/cells bench`: one fused LSTM, GRU and Elman step, forward + backward,
// at batch 32, input 64, hidden 256 (issue 4). Prints µs per step (median and minimum: the machine
// is shared, the minimum is the least disturbed) and how the time splits:
// - gemm_share: matrix products (timed by wrapping the backend's gemm kernel), of the whole step;
// - gate_arithmetic_share: the fused gate arithmetic, i.e. the time inside the WebAssembly SIMD gate
//   passes (copies in and out included; timed by wrapping their methods), of the step kernels' time
//   (measured by calling the kernels directly);
// - non_gemm_share: all of the kernels' own time besides their products: the gate arithmetic plus
//   buffers (fresh gradient arrays that become the parameters' .grad, state slices, the bias column
//   sums) and loop bookkeeping;
// - graph_share: the rest of the step (graph bookkeeping of the autograd primitive);
// and the processor time per step (process.cpuUsage).
import { Generator, cpu, createCpuBackend, type GemmArgs, uniform } from '@recurrent/tensor';
import { Variable, backward } from '@recurrent/autograd';
import { ElmanCell, GRUCell, LSTMCell } from '../src/index.js';
import {
  GruGatePass, LstmGatePass, RecurrentWorkspace, RnnGatePass, gruBackward, gruForward, lstmBackward, lstmForward, releaseGruTape,
  releaseLstmTape, rnnBackward, rnnForward,
} from '../src/kernels/index.js';

const batch = 32;
const inputSize = 64;
const hiddenSize = 256;
const warmup = 20;
const iterations = Number(process.argv[2] ?? 200);

let gemmTime = 0;
const backend = createCpuBackend({
  name: 'cpu+timed-gemm',
  kernels: {
    gemm(args: GemmArgs) {
      const start = performance.now();
      cpu.kernels.gemm(args);
      gemmTime += performance.now() - start;
    },
  },
});
let passTime = 0;
for (const pass of [LstmGatePass, GruGatePass, RnnGatePass]) {
  for (const method of ['forward', 'backward'] as const) {
    const prototype = pass.prototype as unknown as Record<string, (...args: unknown[]) => void>;
    const original = prototype[method];
    prototype[method] = function timed(this: unknown, ...args: unknown[]) {
      const start = performance.now();
      original.apply(this, args);
      passTime += performance.now() - start;
    };
  }
}
const generator = new Generator(0);
const tensorOf = (shape: number[]) => uniform(shape, -1, 1, generator, { backend });

const cells = {
  lstm: new LSTMCell({ inputSize, hiddenSize, generator }),
  gru: new GRUCell({ inputSize, hiddenSize, generator }),
  elman: new ElmanCell({ inputSize, hiddenSize, generator }),
};

for (const [name, cell] of Object.entries(cells)) {
  const x = new Variable(tensorOf([batch, inputSize]), { requiresGrad: true });
  const h = new Variable(tensorOf([batch, hiddenSize]), { requiresGrad: true });
  const c = new Variable(tensorOf([batch, hiddenSize]), { requiresGrad: true });
  const seed = tensorOf([batch, hiddenSize]);
  const step = () => {
    const out = cell instanceof LSTMCell ? cell.forward(x, { h, c }).h : cell.forward(x, h);
    backward(out, { seed });
    cell.zeroGrad();
    x.zeroGrad();
    h.zeroGrad();
    c.zeroGrad();
  };
  for (let i = 0; i < warmup; i++) step();
  const times: number[] = [];
  const gemmTimes: number[] = [];
  const cpuStart = process.cpuUsage();
  for (let i = 0; i < iterations; i++) {
    gemmTime = 0;
    const start = performance.now();
    step();
    times.push(performance.now() - start);
    gemmTimes.push(gemmTime);
  }
  const cpuUsed = process.cpuUsage(cpuStart);
  // the same step through the raw kernels, to split gate arithmetic from graph bookkeeping
  const data = (t: { data: unknown }) => t.data as Float32Array;
  const weights = cell.parameters().map((p) => data(p.value));
  const workspace = new RecurrentWorkspace(backend, true);
  const base = { gemm: backend.kernels.gemm, workspace, steps: 1, batch, inputSize, hiddenSize, x: data(x.value), h0: data(h.value), reverse: false, lengths: null };
  const kernelStep = () => {
    const [weightIh, weightHh, biasIh, biasHh] = weights;
    // as the cells' primitives do: the tape goes back for reuse once its backward has run
    if (cell instanceof LSTMCell) {
      const { tape } = lstmForward({ ...base, projSize: 0, c0: data(c.value), weightIh, weightHh, biasIh, biasHh, weightHr: null, peephole: null });
      lstmBackward(tape, null, data(seed), null);
      releaseLstmTape(tape);
    } else if (cell instanceof GRUCell) {
      const { tape } = gruForward({ ...base, weightIh, weightHh, biasIh, biasHh, resetAfter: true });
      gruBackward(tape, null, data(seed));
      releaseGruTape(tape);
    } else rnnBackward(rnnForward({ ...base, weightIh, weightHh, biasIh, biasHh, nonlinearity: 'tanh' }).tape, null, data(seed));
  };
  for (let i = 0; i < warmup; i++) kernelStep();
  let kernelTotal = 0;
  let kernelGemm = 0;
  passTime = 0;
  for (let i = 0; i < iterations; i++) {
    gemmTime = 0;
    const start = performance.now();
    kernelStep();
    kernelTotal += performance.now() - start;
    kernelGemm += gemmTime;
  }
  const total = times.reduce((a, b) => a + b, 0);
  const inGemm = gemmTimes.reduce((a, b) => a + b, 0);
  const sorted = [...times].sort((a, b) => a - b);
  const gates = cell instanceof LSTMCell ? 4 : cell instanceof GRUCell ? 3 : 1;
  const flops = 3 * 2 * batch * (inputSize + hiddenSize) * gates * hiddenSize; // forward + two backward products
  console.log(JSON.stringify({
    cell: name, batch, inputSize, hiddenSize,
    us_per_step: Math.round(sorted[sorted.length >> 1] * 1000),
    us_min: Math.round(sorted[0] * 1000),
    // processor time per step (user + system): less sensitive to other processes than wall time
    cpu_us_per_step: Math.round((cpuUsed.user + cpuUsed.system) / iterations),
    gemm_share: Number((inGemm / total).toFixed(3)),
    // of the kernel step alone (gemm + gate passes): what the fused gate arithmetic costs
    gate_arithmetic_share: Number((passTime / kernelTotal).toFixed(3)),
    non_gemm_share: Number(((kernelTotal - kernelGemm) / kernelTotal).toFixed(3)),
    gate_simd: workspace.gateKernels() !== null,
    graph_share: Number(Math.max(0, (total - kernelTotal) / total).toFixed(3)),
    gemm_gflops: Number(((flops * iterations) / (inGemm / 1000) / 1e9).toFixed(2)),
    gemm: cpu.name,
  }));
}
