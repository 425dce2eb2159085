import { backward, mean, mul, noGrad } from '@recurrent/autograd';
import { RNN, LSTM, GRU } from '@recurrent/layers';
import { Generator, randn } from '@recurrent/tensor';
import { createNativeBackend } from '../src/index.js';
const [cell, B, T, I, H] = [process.argv[2] ?? 'rnn', 32, 64, 64, 256];
const backend = createNativeBackend({ threads: 2 });
const totals = new Map<string, number>();
const k = backend.kernels as any;
for (const name of Object.keys(k)) {
  const f = k[name];
  if (typeof f === 'function') k[name] = (...a: unknown[]) => { const s = performance.now(); const r = f(...a); totals.set(name, (totals.get(name) ?? 0) + performance.now() - s); return r; };
}
const rec = k.recurrent;
for (const name of ['forward', 'backward']) { const f = rec[name].bind(rec); rec[name] = (...a: unknown[]) => { const s = performance.now(); const r = f(...a); totals.set('rec.' + name, (totals.get('rec.' + name) ?? 0) + performance.now() - s); return r; }; }
const generator = new Generator(0);
const options = { inputSize: I, hiddenSize: H, batchFirst: true, generator, backend };
const layer = cell === 'lstm' ? new LSTM(options) : cell === 'gru' ? new GRU(options) : new RNN(options);
const x = randn([B, T, I], generator, { backend });
const parameters = layer.parameters();
const step = () => {
  const { output } = layer.forward(x);
  backward(mean(mul(output, output)));
  for (const p of parameters) { const v = p.value.data, g = p.grad!.data; for (let i = 0; i < v.length; i++) v[i] -= 0.01 * g[i]; p.zeroGrad(); }
};
for (let i = 0; i < 3; i++) step();
totals.clear();
const n = 10; const s = performance.now();
for (let i = 0; i < n; i++) step();
const total = (performance.now() - s) / n;
console.log(`${cell} s1 train ${total.toFixed(2)} ms/step`);
let inKernels = 0;
for (const [name, t] of [...totals].sort((a, b) => b[1] - a[1])) { console.log(name.padEnd(16), (t / n).toFixed(2)); if (!name.startsWith('rec.') || true) inKernels += t / n; }
console.log('outside kernels', (total - inKernels).toFixed(2));
const s2 = performance.now(); for (let i = 0; i < n; i++) noGrad(() => layer.forward(x)); console.log('inference', ((performance.now() - s2) / n).toFixed(2));
