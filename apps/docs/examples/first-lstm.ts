// A first LSTM: a batch of 4 sequences of 10 steps with 8 features, through 2 layers of 32 units,
// trained one step to shrink its outputs. Runs in Node and in the browser.
import { Generator, randn } from '@recurrent/tensor';
import { backward, mean, mul } from '@recurrent/autograd';
import { LSTM } from '@recurrent/layers';
import { Adam } from '@recurrent/optim';

const lstm = new LSTM({ inputSize: 8, hiddenSize: 32, numLayers: 2, batchFirst: true, generator: new Generator(0) });
const optimizer = new Adam(lstm.parameters(), { lr: 1e-3 });
const x = randn([4, 10, 8], new Generator(1)); // [batch, time, features]
const { output, h_n, c_n } = lstm.forward(x); // [4, 10, 32], [2, 4, 32], [2, 4, 32]
const loss = mean(mul(output, output));
backward(loss);
optimizer.step();
console.log(output.shape, h_n.shape, c_n?.shape, loss.item());
