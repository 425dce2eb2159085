// Clipping the global gradient norm before each update, as torch.nn.utils.clip_grad_norm_ does.
import { Generator, randn } from '@recurrent/tensor';
import { backward, mean, mul } from '@recurrent/autograd';
import { RNN } from '@recurrent/layers';
import { SGD, clipGradNorm } from '@recurrent/optim';

const rnn = new RNN({ inputSize: 4, hiddenSize: 32, generator: new Generator(0) });
const optimizer = new SGD(rnn.parameters(), { lr: 0.5 });
const { output } = rnn.forward(randn([50, 8, 4], new Generator(1)));
backward(mean(mul(output, output)));
const totalNorm = clipGradNorm(rnn.parameters(), 1.0); // the norm before clipping
optimizer.step();
console.log(`gradient norm ${totalNorm.toFixed(4)} clipped to at most 1`);
