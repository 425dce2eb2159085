// CTC loss forward + backward timing: `npx tsx --conditions=source packages/layers/bench/ctcLoss.bench.ts`.
// Prints one JSON line per shape with milliseconds per call (median of several runs).
import { Generator, randn, tensor } from '@recurrent/tensor';
import { Variable, backward, logSoftmax } from '@recurrent/autograd';
import { ctcLoss } from '../src/ctcLoss.js';

const shapes = [
  { T: 50, N: 16, C: 20, S: 10 },
  { T: 200, N: 16, C: 30, S: 50 },
  { T: 400, N: 8, C: 80, S: 100 },
];
for (const { T, N, C, S } of shapes) {
  const generator = new Generator(1);
  const logits = new Variable(randn([T, N, C], generator), { requiresGrad: true });
  const targets = tensor(Array.from({ length: N * S }, () => 1 + generator.integer(C - 1)), { shape: [N, S], dtype: 'int32' });
  const inputLengths = new Array(N).fill(T);
  const targetLengths = new Array(N).fill(S);
  const logProbs = new Variable(logSoftmax(logits, -1).value, { requiresGrad: true });
  const times: number[] = [];
  for (let run = 0; run < 7; run++) {
    const start = performance.now();
    backward(ctcLoss(logProbs, targets, inputLengths, targetLengths, { reduction: 'mean' }));
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  console.log(JSON.stringify({ op: 'ctcLoss', T, N, C, S, ms_forward_backward: Number(times[3].toFixed(2)) }));
}
