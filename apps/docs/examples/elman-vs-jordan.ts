// The same sequence through an Elman network (hidden state fed back) and a Jordan network
// (previous output fed back), each run over the sequence by Recurrent(cell).
import { Generator, randn } from '@recurrent/tensor';
import { ElmanCell, JordanCell } from '@recurrent/cells';
import { Recurrent } from '@recurrent/layers';

const x = randn([12, 2, 3], new Generator(0)); // [time, batch, features]
const jordan = new Recurrent(new JordanCell({ inputSize: 3, hiddenSize: 16, outputSize: 4, generator: new Generator(1) }));
const { output: y, state } = jordan.forward(x);
console.log('Jordan outputs', y.shape, 'final output fed back', state[0].shape);

const elman = new ElmanCell({ inputSize: 3, hiddenSize: 16, generator: new Generator(2) });
let h = elman.forward(randn([2, 3], new Generator(3)));
h = elman.forward(randn([2, 3], new Generator(4)), h);
console.log('Elman state after two steps', h.shape);
