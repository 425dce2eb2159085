// Recurrent over the new cells, forward + backward: `npx tsx --conditions=source packages/layers/bench/recurrentCells.bench.ts`.
// Prints one JSON line per cell with milliseconds per time step (median of several runs).
import { Generator, randn } from '@recurrent/tensor';
import { backward, mul, sum } from '@recurrent/autograd';
import { ClockworkCell, JordanCell, SCRNCell } from '@recurrent/cells';
import { Recurrent } from '../src/recurrent.js';

const T = 50, B = 32, I = 64, H = 256;
const cells = {
  jordan: () => new JordanCell({ inputSize: I, hiddenSize: H, outputSize: 64 }),
  clockwork: () => new ClockworkCell({ inputSize: I, hiddenSize: H, periods: [1, 2, 4, 8] }),
  scrn: () => new SCRNCell({ inputSize: I, hiddenSize: H, contextSize: 64, outputSize: 64 }),
};
for (const [name, make] of Object.entries(cells)) {
  const layer = new Recurrent(make());
  const x = randn([T, B, I], new Generator(1));
  const weights = randn([T, B, layer.outputSize], new Generator(2));
  const times: number[] = [];
  for (let run = 0; run < 5; run++) {
    const start = performance.now();
    backward(sum(mul(layer.forward(x).output, weights)));
    times.push(performance.now() - start);
    layer.zeroGrad();
  }
  times.sort((a, b) => a - b);
  console.log(JSON.stringify({ cell: name, T, B, I, H, ms_per_step: Number((times[2] / T).toFixed(3)) }));
}
