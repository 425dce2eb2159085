// `pnpm --filter @recurrent/cells bench`: one fused LSTM, GRU and Elman step, forward + backward,
// at batch 32, input 64, hidden 256 (issue 4). Prints µs per step and how much of it the matrix
// products take (timed by wrapping the backend's gemm kernel) versus the rest (gate arithmetic,
// buffers, graph bookkeeping).
import { Generator, cpu, createCpuBackend, type GemmArgs, uniform } from '@recurrent/tensor';
import { Variable, backward } from '@recurrent/autograd';
import { ElmanCell, GRUCell, LSTMCell } from '../src/index.js';

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
  for (let i = 0; i < iterations; i++) {
    gemmTime = 0;
    const start = performance.now();
    step();
    times.push(performance.now() - start);
    gemmTimes.push(gemmTime);
  }
  const total = times.reduce((a, b) => a + b, 0);
  const inGemm = gemmTimes.reduce((a, b) => a + b, 0);
  const sorted = [...times].sort((a, b) => a - b);
  const gates = cell instanceof LSTMCell ? 4 : cell instanceof GRUCell ? 3 : 1;
  const flops = 3 * 2 * batch * (inputSize + hiddenSize) * gates * hiddenSize; // forward + two backward products
  console.log(JSON.stringify({
    cell: name, batch, inputSize, hiddenSize,
    us_per_step: Math.round(sorted[sorted.length >> 1] * 1000),
    gemm_share: Number((inGemm / total).toFixed(3)),
    rest_share: Number((1 - inGemm / total).toFixed(3)),
    gemm_gflops: Number(((flops * iterations) / (inGemm / 1000) / 1e9).toFixed(2)),
    gemm: cpu.name,
  }));
}
