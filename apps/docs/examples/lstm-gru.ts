// One step of each gated cell, with PyTorch's parameter names.
import { Generator, randn } from '@recurrent/tensor';
import { GRUCell, LSTMCell } from '@recurrent/cells';

const x = randn([3, 10], new Generator(0)); // [batch, inputSize]
const lstm = new LSTMCell({ inputSize: 10, hiddenSize: 20, generator: new Generator(1) });
const { h, c } = lstm.forward(x); // zero initial state
console.log(Object.keys(lstm.stateDict()), h.shape, c.shape); // weight_ih [80, 10], weight_hh [80, 20], …

const gru = new GRUCell({ inputSize: 10, hiddenSize: 20, resetAfter: false, generator: new Generator(2) });
console.log('GRU (Keras reset form)', gru.forward(x).shape);
