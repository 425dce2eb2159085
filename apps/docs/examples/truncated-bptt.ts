// Truncated backpropagation through time: a long stream cut into chunks of 20 steps; the state
// carries over from chunk to chunk as a value (detached), so each backward stays 20 steps deep.
import { Generator, randn, slice } from '@recurrent/tensor';
import { backward, detach, mean, mul } from '@recurrent/autograd';
import { GRU } from '@recurrent/layers';
import { SGD } from '@recurrent/optim';

const gru = new GRU({ inputSize: 4, hiddenSize: 16, generator: new Generator(0) });
const optimizer = new SGD(gru.parameters(), { lr: 0.1 });
const stream = randn([100, 1, 4], new Generator(1)); // [time, batch, features]
let h = null;
for (let start = 0; start < 100; start += 20) {
  const chunk = slice(stream, [{ start, end: start + 20 }]);
  const { output, h_n } = gru.forward(chunk, { h0: h });
  const loss = mean(mul(output, output));
  optimizer.zeroGrad();
  backward(loss);
  optimizer.step();
  h = detach(h_n); // carried forward, cut from the graph
  console.log(`steps ${start}–${start + 19}: loss ${loss.item().toFixed(4)}`);
}
