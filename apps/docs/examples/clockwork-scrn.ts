// A Clockwork RNN (modules with periods 1, 2, 4, 8) and an SCRN (slow context, α = 0.95).
import { Generator, randn } from '@recurrent/tensor';
import { ClockworkCell, SCRNCell } from '@recurrent/cells';
import { Recurrent } from '@recurrent/layers';

const x = randn([16, 2, 3], new Generator(0)); // [time, batch, features]
const clockwork = new Recurrent(new ClockworkCell({ inputSize: 3, hiddenSize: 16, moduleSize: 4, periods: [1, 2, 4, 8], generator: new Generator(1) }));
console.log('Clockwork outputs', clockwork.forward(x).output.shape);

const scrn = new Recurrent(new SCRNCell({ inputSize: 3, hiddenSize: 8, contextSize: 4, outputSize: 3, alpha: 0.95, generator: new Generator(2) }));
const { output, state } = scrn.forward(x);
console.log('SCRN outputs', output.shape, 'final hidden and context', state.map((s) => s.shape));
