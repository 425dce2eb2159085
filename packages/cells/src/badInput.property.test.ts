import { Variable } from '@recurrent/autograd';
import { Generator, type Tensor, randn } from '@recurrent/tensor';
import { BadInputs, describeCall } from '@recurrent/tensor/testing';
import { describe, expect, it } from 'vitest';
import {
  ClockworkCell, ElmanCell, GRUCell, JordanCell, LSTMCell, LayerNormGRUCell, LayerNormLSTMCell, MinGRUCell, MinLSTMCell, RNNCell,
  type RecurrentCell, SCRNCell,
} from './index.js';

// Property-style (issue 20): random option objects for every cell's constructor, then random
// inputs, states and times for its step and forward. Each call gives a correct result or one
// clear Error naming the cell (or the op that checked), never a TypeError, a RangeError or a hang.
const bad = new BadInputs(20);
const size = () => bad.integer(1, 4);
const common = {
  inputSize: size, hiddenSize: size, bias: () => bad.pick([true, false]), seed: () => bad.integer(0, 9),
  generator: () => new Generator(bad.integer(0, 9)),
};
const withInit = { ...common, recurrentInit: () => bad.pick(['uniform', 'orthogonal']) };
const dtype = () => bad.pick(['float32', 'float64']);

const cells: [string, (options: never) => RecurrentCell, Record<string, () => unknown>][] = [
  ['RNNCell', (o) => new RNNCell(o), { ...withInit, nonlinearity: () => bad.pick(['tanh', 'relu']) }],
  ['ElmanCell', (o) => new ElmanCell(o), withInit],
  ['LSTMCell', (o) => new LSTMCell(o), { ...withInit, projSize: () => bad.integer(0, 3), peephole: () => bad.pick([true, false]), unitForgetBias: () => bad.pick([true, false]) }],
  ['GRUCell', (o) => new GRUCell(o), { ...withInit, resetAfter: () => bad.pick([true, false]) }],
  ['JordanCell', (o) => new JordanCell(o), { ...common, outputSize: size, nonlinearity: () => bad.pick(['tanh', 'relu']), outputNonlinearity: () => bad.pick(['sigmoid', 'tanh', 'identity']), dtype }],
  ['ClockworkCell', (o) => new ClockworkCell(o), { ...withInit, periods: () => Array.from({ length: bad.integer(1, 3) }, () => bad.integer(1, 4)), moduleSize: size, dtype }],
  ['SCRNCell', (o) => new SCRNCell(o), { ...withInit, contextSize: size, outputSize: size, alpha: () => bad.random.uniform(), learnAlpha: () => bad.pick([true, false]), outputNonlinearity: () => bad.pick(['identity', 'softmax', 'tanh']), dtype }],
  ['MinGRUCell', (o) => new MinGRUCell(o), common],
  ['MinLSTMCell', (o) => new MinLSTMCell(o), common],
  ['LayerNormLSTMCell', (o) => new LayerNormLSTMCell(o), { ...common, eps: () => 1e-5 }],
  ['LayerNormGRUCell', (o) => new LayerNormGRUCell(o), { ...common, eps: () => 1e-5 }],
];

const rounds = 250;
// ops a step may hand bad input to: they name themselves (`matmul: expected …`)
const owners = (name: string) => new RegExp(`^(${name}|${name}\\.\\w+|matmul|add|mul|concat|cat|tensor|reshape)(\\(\\))?: `);

/** A step input: mostly the right shape, often not; sometimes not a tensor at all. */
function stepInput(cell: RecurrentCell): unknown {
  const batch = bad.integer(0, 3);
  return bad.pick<() => unknown>([
    () => randn([batch, cell.inputSize], bad.random),
    () => randn([batch, cell.inputSize], bad.random),
    () => new Variable(randn([batch, cell.inputSize], bad.random)),
    () => bad.tensor(),
    () => bad.anyValue(),
  ])();
}

/** A state for a step: none, the right one, the wrong count, wrong shapes or not tensors. */
function stepState(cell: RecurrentCell, x: unknown): unknown {
  const batch = (x as Tensor)?.shape?.[0] ?? 1;
  return bad.pick<() => unknown>([
    () => null, () => undefined,
    () => cell.initialState(Number.isSafeInteger(batch) && batch >= 1 ? batch : 1),
    () => cell.stateSizes.map((width) => randn([batch, width], bad.random)),
    () => cell.stateSizes.slice(1).map((width) => randn([batch, width], bad.random)),
    () => [...cell.stateSizes, 2].map(() => bad.tensor(2)),
    () => bad.anyValue(),
  ])();
}

describe('every cell: random options, inputs and states give a result or one clear error', () => {
  it.each(cells)('%s', (name, make, valid) => {
    const problems: string[] = [];
    const note = (problem: string | null) => problem && problems.length < 5 && problems.push(problem);
    for (let k = 0; k < rounds; k++) {
      const options = bad.options(valid, ['hiddenSise', 'inputsize', 'bias_', 'recurrentInt', 'projsize']);
      const built = bad.build(new RegExp(`^${name}: `), () => make(options as never), options, describeCall(`new ${name}`, options));
      note(built.problem);
      if (!built.value) continue;
      const c = built.value;
      const x = stepInput(c);
      const state = stepState(c, x);
      const time = bad.pick([0, 1, 5, -1, 1.5, NaN, undefined]);
      note(bad.check(owners(name), () => {
        const result = c.step(x as never, state as never, time as never);
        // a result only for a batch of the cell's inputs, of the contract's shapes
        const batch = (x as Tensor).shape[0];
        expect(result.output.shape).toEqual([batch, c.outputSize]);
        expect(result.state.map((s) => s.shape)).toEqual(c.stateSizes.map((width) => [batch, width]));
      }, describeCall(`${name}.step`, x, state, time)));
      const batch = bad.pick([0, 1, 2, -1, 1.5, NaN, '2', 2 ** 31]);
      note(bad.check(new RegExp(`^${name}(\\.initialState)?: `), () => {
        const zeros = c.initialState(batch as never);
        expect(zeros.map((s) => s.shape)).toEqual(c.stateSizes.map((width) => [batch, width]));
      }, describeCall(`${name}.initialState`, batch)));
    }
    expect(problems).toEqual([]);
  });
});
