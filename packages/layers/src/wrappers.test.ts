// Recurrent, Stacked and Bidirectional built from the built-in cells must give what the fused
// RNN / LSTM layers give with the same weights: outputs, final states and every gradient.
import { describe, expect, it } from 'vitest';
import { Generator, type Tensor, createCpuBackend, tensor, uniform } from '@recurrent/tensor';
import { type Module, Variable, add, grad, mul, sum } from '@recurrent/autograd';
import { ClockworkCell, JordanCell, LSTMCell, RNNCell, SCRNCell } from '@recurrent/cells';
import { Bidirectional } from './bidirectional.js';
import { LSTM } from './lstm.js';
import { Recurrent } from './recurrent.js';
import { RNN } from './rnn.js';
import { Stacked } from './stacked.js';

function maxDifference(a: Tensor, b: Tensor): number {
  expect(a.shape).toEqual(b.shape);
  let worst = 0;
  for (let i = 0; i < a.size; i++) worst = Math.max(worst, Math.abs(a.data[i] - b.data[i]));
  return worst;
}

/** Copies fused-layer parameters into a module whose names map by `rename`. */
function copyWeights(from: Module, to: Module, rename: (name: string) => string): void {
  const source = from.stateDict();
  const dict: Record<string, Tensor> = {};
  for (const name of Object.keys(source)) dict[rename(name)] = source[name];
  to.loadStateDict(dict);
}

/** Σ output ⊙ R + Σ h ⊙ R' and its gradients w.r.t. x and every parameter. */
function lossAndGrads(output: Variable, finals: Variable[], x: Variable, parameters: Variable[], generator: Generator) {
  const weigh = (v: Variable) => sum(mul(v, uniform([...v.shape], -1, 1, generator)));
  const loss = finals.reduce((total, h) => add(total, weigh(h)), weigh(output));
  return grad([loss], [x, ...parameters]);
}

const lengths = [5, 2, 4];

describe('Recurrent, Stacked, Bidirectional against the fused layers', () => {
  it('Recurrent(RNNCell) with unsorted lengths, batch-first, equals RNN', () => {
    const fused = new RNN({ inputSize: 3, hiddenSize: 4, batchFirst: true, generator: new Generator(1) });
    const layer = new Recurrent(new RNNCell({ inputSize: 3, hiddenSize: 4 }), { batchFirst: true });
    copyWeights(fused, layer, (n) => n.replace('_l0', ''));
    const x = new Variable(uniform([3, 5, 3], -1, 1, new Generator(2)), { requiresGrad: true });
    const a = fused.forward(x, { lengths });
    const b = layer.forward(x, { lengths });
    expect(maxDifference(a.output.value, b.output.value)).toBeLessThan(1e-6);
    for (let i = 0; i < 12; i++) expect(b.state[0].value.data[i]).toBeCloseTo(a.h_n.value.data[i], 6);
    const ga = lossAndGrads(a.output, [], x, fused.parameters(), new Generator(3));
    const gb = lossAndGrads(b.output, [], x, layer.parameters(), new Generator(3));
    ga.forEach((g, i) => expect(maxDifference(g!, gb[i]!)).toBeLessThan(1e-5));
    for (let t = 2; t < 5; t++) for (let j = 0; j < 3; j++) expect(gb[0]!.data[(1 * 5 + t) * 3 + j]).toBe(0);
  });

  it('Stacked([LSTMCell, LSTMCell]) equals a two-layer LSTM, final states included', () => {
    const fused = new LSTM({ inputSize: 3, hiddenSize: 4, numLayers: 2, generator: new Generator(4) });
    const stacked = new Stacked([new LSTMCell({ inputSize: 3, hiddenSize: 4 }), new LSTMCell({ inputSize: 4, hiddenSize: 4 })]);
    copyWeights(fused, stacked, (n) => `${n.slice(-1)}.${n.slice(0, -3)}`);
    const x = new Variable(uniform([5, 3, 3], -1, 1, new Generator(5)), { requiresGrad: true });
    const a = fused.forward(x, { lengths });
    const b = stacked.forward(x, { lengths });
    expect(maxDifference(a.output.value, b.output.value)).toBeLessThan(1e-6);
    // h_n rows are layers; Stacked's states are [[h, c] of layer 0, [h, c] of layer 1].
    for (let layer = 0; layer < 2; layer++) {
      for (let i = 0; i < 12; i++) {
        expect(b.states[layer][0].value.data[i]).toBeCloseTo(a.h_n.value.data[layer * 12 + i], 6);
        expect(b.states[layer][1].value.data[i]).toBeCloseTo(a.c_n!.value.data[layer * 12 + i], 6);
      }
    }
    const ga = lossAndGrads(a.output, [], x, fused.parameters(), new Generator(6));
    const gb = lossAndGrads(b.output, [], x, stacked.parameters(), new Generator(6));
    ga.forEach((g, i) => expect(maxDifference(g!, gb[i]!)).toBeLessThan(1e-5));
  });

  it('Bidirectional(RNNCell, RNNCell) with lengths equals a bidirectional RNN', () => {
    const fused = new RNN({ inputSize: 3, hiddenSize: 4, bidirectional: true, generator: new Generator(7) });
    const bi = new Bidirectional(new RNNCell({ inputSize: 3, hiddenSize: 4 }), new RNNCell({ inputSize: 3, hiddenSize: 4 }));
    copyWeights(fused, bi, (n) => (n.endsWith('_reverse') ? `reverse.${n.slice(0, -11)}` : `forward.${n.slice(0, -3)}`));
    const x = new Variable(uniform([5, 3, 3], -1, 1, new Generator(8)), { requiresGrad: true });
    const a = fused.forward(x, { lengths });
    const b = bi.forward(x, { lengths });
    expect(maxDifference(a.output.value, b.output.value)).toBeLessThan(1e-6);
    for (let direction = 0; direction < 2; direction++) {
      for (let i = 0; i < 12; i++) expect(b.state[direction].value.data[i]).toBeCloseTo(a.h_n.value.data[direction * 12 + i], 6);
    }
    const ga = lossAndGrads(a.output, [], x, fused.parameters(), new Generator(9));
    const gb = lossAndGrads(b.output, [], x, bi.parameters(), new Generator(9));
    ga.forEach((g, i) => expect(maxDifference(g!, gb[i]!)).toBeLessThan(1e-5));
  });

  it.each(['sum', 'mul', 'average'] as const)('merge %s combines the two directions of the concat output', (merge) => {
    const make = (seed: number) => new JordanCell({ inputSize: 3, hiddenSize: 4, outputSize: 2, seed });
    const concat = new Bidirectional(make(1), make(2));
    const merged = new Bidirectional(make(1), make(2), { merge });
    const x = uniform([4, 2, 3], -1, 1, new Generator(10));
    const both = concat.forward(x, { lengths: [4, 3] }).output.value;
    const out = merged.forward(x, { lengths: [4, 3] }).output.value;
    expect(out.shape).toEqual([4, 2, 2]);
    for (let row = 0; row < 8; row++) {
      for (let j = 0; j < 2; j++) {
        const f = both.data[row * 4 + j], r = both.data[row * 4 + 2 + j];
        const expected = merge === 'sum' ? f + r : merge === 'mul' ? f * r : (f + r) / 2;
        expect(out.data[row * 2 + j]).toBeCloseTo(expected, 6);
      }
    }
  });

  it('stacks any mix of cells and layers, bidirectional ones included', () => {
    const deep = new Stacked(
      [
        new Bidirectional(new SCRNCell({ inputSize: 3, hiddenSize: 4, contextSize: 2, outputSize: 3 }), new SCRNCell({ inputSize: 3, hiddenSize: 4, contextSize: 2, outputSize: 3, seed: 1 }), { batchFirst: true }),
        new LSTM({ inputSize: 6, hiddenSize: 5, batchFirst: true }),
        new JordanCell({ inputSize: 5, hiddenSize: 4, outputSize: 2 }),
      ],
      { batchFirst: true, dropout: 0.2, seed: 3 },
    );
    expect(deep.stateCount).toBe(4 + 2 + 1);
    expect(Object.keys(deep.stateDict())).toContain('0.reverse.weight_is');
    expect(Object.keys(deep.stateDict())).toContain('1.weight_ih_l0');
    const x = new Variable(uniform([2, 6, 3], -1, 1, new Generator(11)), { requiresGrad: true });
    const { output, states } = deep.forward(x, { lengths: [6, 3] });
    expect(output.shape).toEqual([2, 6, 2]);
    expect(states.map((s) => s.length)).toEqual([4, 2, 1]);
    const [dx] = grad([sum(output)], [x]);
    for (let t = 3; t < 6; t++) for (let j = 0; j < 3; j++) expect(dx!.data[(6 + t) * 3 + j]).toBe(0);
    expect(() => new Stacked([new LSTM({ inputSize: 3, hiddenSize: 2 })], { batchFirst: true })).toThrow('Stacked: expected layers with batchFirst true, got a LSTM with batchFirst false');
  });

  it('passes timeOffset to its layers (a clockwork cell in truncated BPTT)', () => {
    const make = () => new ClockworkCell({ inputSize: 2, hiddenSize: 4, periods: [1, 3], seed: 2 });
    const x = uniform([4, 1, 2], -1, 1, new Generator(5));
    const alone = new Recurrent(make()).forward(x, { timeOffset: 1 }).output.value;
    const stacked = new Stacked([make()]).forward(x, { timeOffset: 1 }).output.value;
    const fromZero = new Stacked([make()]).forward(x).output.value;
    expect(maxDifference(stacked, alone)).toBe(0);
    expect(maxDifference(fromZero, alone)).toBeGreaterThan(0);
  });

  it('gives a built-in cell zero states on its own backend', () => {
    const backend = createCpuBackend();
    const cell = new LSTMCell({ inputSize: 3, hiddenSize: 4, backend });
    for (const state of cell.initialState(2)) expect(state.backend).toBe(backend);
  });

  it('applies dropout between layers in training mode only', () => {
    const make = () => [new JordanCell({ inputSize: 3, hiddenSize: 4, outputSize: 4, seed: 1 }), new JordanCell({ inputSize: 4, hiddenSize: 4, outputSize: 2, seed: 2 })];
    const [first, second] = make();
    const deep = new Stacked([first, second], { dropout: 0.5, seed: 4 });
    const x = uniform([5, 2, 3], -1, 1, new Generator(13));
    const manual = new Recurrent(second).forward(new Recurrent(first).forward(x).output).output.value;
    const training = deep.forward(x).output.value;
    expect(maxDifference(training, manual)).toBeGreaterThan(1e-3);
    deep.eval();
    expect(maxDifference(deep.forward(x).output.value, manual)).toBe(0);
  });

  it('rejects bad input, lengths and initial states', () => {
    const layer = new Recurrent(new JordanCell({ inputSize: 3, hiddenSize: 4, outputSize: 2 }));
    const x = uniform([5, 2, 3], -1, 1, new Generator(12));
    expect(() => layer.forward(uniform([5, 2, 4], 0, 1, new Generator(0)))).toThrow('Recurrent(JordanCell): expected input with 3 features [time, batch, features], got [5, 2, 4]');
    expect(() => layer.forward(x, { lengths: [6, 2] })).toThrow('Recurrent(JordanCell): expected lengths in [1, 5], got 6 at index 0');
    expect(() => layer.forward(x, { lengths: [0, 2] })).toThrow('Recurrent(JordanCell): expected lengths in [1, 5], got 0 at index 0');
    expect(() => layer.forward(x, { lengths: [1] })).toThrow('Recurrent(JordanCell): expected 2 lengths (one per sequence), got 1');
    expect(() => layer.forward(x, { initialState: [uniform([2, 3], 0, 1, new Generator(0))] })).toThrow('Recurrent(JordanCell): expected initial state 0 of shape [2, 2], got [2, 3]');
    const rnn = new Recurrent(new RNNCell({ inputSize: 3, hiddenSize: 4 }));
    expect(() => rnn.forward(uniform([5, 2, 2], 0, 1, new Generator(0)))).toThrow('Recurrent(RNNCell): expected input with 3 features');
    const bi = new Bidirectional(new JordanCell({ inputSize: 3, hiddenSize: 4, outputSize: 2 }), new JordanCell({ inputSize: 3, hiddenSize: 4, outputSize: 2 }));
    expect(() => bi.forward(x, { initialState: [uniform([2, 2], 0, 1, new Generator(0))] })).toThrow('Bidirectional: expected 2 initial state tensors (forward, then reverse), got 1');
    expect(() => bi.forward(x, { lengths: tensor([5, 9], { dtype: 'int32' }) })).toThrow('Bidirectional: expected lengths in [1, 5], got 9 at index 1');
    const deep = new Stacked([new JordanCell({ inputSize: 3, hiddenSize: 4, outputSize: 2 })]);
    expect(() => deep.forward(x, { initialState: [] })).toThrow('Stacked: expected 1 initial state tensors (all layers, in order), got 0');
    expect(deep.forward(x, { lengths: tensor([5, 3], { dtype: 'int32' }) }).output.shape).toEqual([5, 2, 2]);
    expect(() => new Bidirectional(new JordanCell({ inputSize: 3, hiddenSize: 4, outputSize: 2 }), new JordanCell({ inputSize: 3, hiddenSize: 4, outputSize: 3 }), { merge: 'sum' })).toThrow(
      'Bidirectional: expected directions with equal output sizes to sum, got 2 and 3',
    );
  });
});
