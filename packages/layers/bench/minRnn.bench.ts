// The min-RNN rows of `pnpm bench:rnn` (also runnable alone: `tsx --conditions=source
// bench/minRnn.bench.ts`): one train step (forward, backpropagation through time of
// mean(y²), a plain SGD step) of MinGRU and MinLSTM beside the fused LSTM of the same width, in the
// same run, at T = 64, 256 and 1024 (B 16, I 64, H 128, batch-first). The min-RNNs' recurrence is a
// parallel scan with no matrix product inside; the LSTM's has one per step. The three layers' steps
// are interleaved, so a shared machine's load falls on all of them alike.
import { type Backend, Generator, randn } from '@recurrent/tensor';
import { backward, mean, mul } from '@recurrent/autograd';
import { LSTM, MinGRU, MinLSTM } from '../src/index.js';

interface Row { impl: string; cell: string; T: number; B: number; I: number; H: number; mode: 'train'; ms_per_step: number }

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1];

/** A train step of one layer at sequence length T. */
function trainStep(cell: string, T: number, backend: Backend | undefined): () => void {
  const B = 16, I = 64, H = 128;
  const generator = new Generator(0);
  const options = { inputSize: I, hiddenSize: H, batchFirst: true, generator, backend };
  const layer = cell === 'lstm' ? new LSTM(options) : cell === 'mingru' ? new MinGRU(options) : new MinLSTM(options);
  const x = randn([B, T, I], generator, { backend });
  const parameters = layer.parameters();
  return () => {
    const { output } = layer.forward(x);
    backward(mean(mul(output, output)));
    for (const p of parameters) {
      const value = p.value.data, gradient = p.grad!.data;
      for (let i = 0; i < value.length; i++) value[i] -= 0.01 * gradient[i];
      p.zeroGrad();
    }
  };
}

const cells = ['lstm', 'mingru', 'minlstm'];

/** Median ms per step of each cell at T, the cells' steps interleaved so that a machine's load falls on all alike. */
function measureInterleaved(T: number, backend: Backend | undefined): Map<string, number> {
  const steps = cells.map((cell) => trainStep(cell, T, backend));
  const warmup = T >= 1024 ? 1 : 2, iters = T >= 1024 ? 5 : 7;
  for (let i = 0; i < warmup; i++) for (const step of steps) step();
  const times = cells.map(() => [] as number[]);
  for (let i = 0; i < iters; i++) {
    steps.forEach((step, c) => {
      const start = performance.now();
      step();
      times[c].push(performance.now() - start);
    });
  }
  return new Map(cells.map((cell, c) => [cell, median(times[c])]));
}

/** Measures and prints the rows and a table (LSTM ÷ min-RNN: above 1 means the min-RNN is faster). */
export function runMinRnnBench(backend?: Backend): Row[] {
  const rows: Row[] = [];
  for (const T of [64, 256, 1024]) {
    const measured = measureInterleaved(T, backend);
    for (const cell of cells) {
      const row: Row = { impl: 'recurrent', cell, T, B: 16, I: 64, H: 128, mode: 'train', ms_per_step: measured.get(cell)! };
      rows.push(row);
      console.log(JSON.stringify(row));
    }
  }
  const at = (cell: string, T: number) => rows.find((r) => r.cell === cell && r.T === T)!.ms_per_step;
  console.log('');
  console.log('min-RNN train step beside the fused LSTM of the same width (B 16, I 64, H 128), ms per step (median, steps interleaved), this run:');
  console.log('| T | LSTM | minGRU | minLSTM | LSTM ÷ minGRU | LSTM ÷ minLSTM |');
  console.log('|---:|---:|---:|---:|---:|---:|');
  for (const T of [64, 256, 1024]) {
    console.log(`| ${T} | ${at('lstm', T).toFixed(1)} | ${at('mingru', T).toFixed(1)} | ${at('minlstm', T).toFixed(1)} | ${(at('lstm', T) / at('mingru', T)).toFixed(2)}× | ${(at('lstm', T) / at('minlstm', T)).toFixed(2)}× |`);
  }
  return rows;
}

if (process.argv[1]?.endsWith('minRnn.bench.ts')) runMinRnnBench();
