// A 2-layer bidirectional LSTM over a batch of sequences of different lengths (unsorted).
import { Generator, randn } from '@recurrent/tensor';
import { LSTM } from '@recurrent/layers';

const lstm = new LSTM({ inputSize: 5, hiddenSize: 8, numLayers: 2, bidirectional: true, batchFirst: true, generator: new Generator(0) });
const x = randn([3, 7, 5], new Generator(1)); // [batch, time, features], padded to 7 steps
const { output, h_n } = lstm.forward(x, { lengths: [4, 7, 2] });
console.log(output.shape); // [3, 7, 16]: forward features 0–7, reverse 8–15; zero past each length
console.log(h_n.shape); // [4, 3, 8]: (layer 0 fwd, layer 0 rev, layer 1 fwd, layer 1 rev)
