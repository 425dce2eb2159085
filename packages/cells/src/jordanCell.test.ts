import { describe, expect, it } from 'vitest';
import { Generator, type Tensor, zeros } from '@recurrent/tensor';
import { type Variable, add, backward, grad, gradcheck, matmul, mul, relu, sigmoid, sum, tanh } from '@recurrent/autograd';
import { JordanCell } from './jordanCell.js';
import { maxDifference, randomVariable, randomWeights } from '../test/gradientTools.js';

type Act = 'sigmoid' | 'tanh' | 'identity';

/** The same step from composed autograd ops. */
function composedStep(cell: JordanCell, x: Variable, yPrev: Variable | Tensor): Variable {
  let a = add(matmul(x, cell.weightIh, { transposeB: true }), matmul(yPrev, cell.weightOh, { transposeB: true }));
  if (cell.biasIh && cell.biasOh) a = add(add(a, cell.biasIh), cell.biasOh);
  const h = cell.nonlinearity === 'relu' ? relu(a) : tanh(a);
  let z = matmul(h, cell.weightHo, { transposeB: true });
  if (cell.biasHo) z = add(z, cell.biasHo);
  return cell.outputNonlinearity === 'sigmoid' ? sigmoid(z) : cell.outputNonlinearity === 'tanh' ? tanh(z) : z;
}

const configs: [('tanh' | 'relu'), Act, boolean][] = [
  ['tanh', 'sigmoid', true],
  ['tanh', 'tanh', false],
  ['relu', 'identity', true],
  ['relu', 'sigmoid', false],
];

describe('JordanCell', () => {
  it.each(configs)('fused step matches the composed ops and finite differences (%s, %s, bias %s)', (nonlinearity, outputNonlinearity, bias) => {
    const generator = new Generator(7);
    const cell = new JordanCell({ inputSize: 3, hiddenSize: 5, outputSize: 2, nonlinearity, outputNonlinearity, bias, generator, dtype: 'float64' });
    const xs = [randomVariable([4, 3], generator), randomVariable([4, 3], generator)];
    const y0 = randomVariable([4, 2], generator);
    const weights = [randomWeights([4, 2], generator), randomWeights([4, 2], generator)];
    const leaves: Variable[] = [...cell.parameters(), ...xs, y0];
    const run = (fused: boolean, inputs: Variable[] = xs, yStart: Variable = y0) => {
      let y: Variable | Tensor = yStart;
      return inputs.map((x) => (y = fused ? cell.step(x, [y]).output : composedStep(cell, x, y)));
    };
    const fusedOut = run(true);
    const composedOut = run(false);
    const lossOf = (outs: Variable[]) => add(sum(mul(outs[0], weights[0])), sum(mul(outs[1], weights[1])));
    const fusedGrads = grad([lossOf(fusedOut)], leaves);
    const composedGrads = grad([lossOf(composedOut)], leaves);
    for (let k = 0; k < 2; k++) expect(maxDifference(fusedOut[k].value, composedOut[k].value)).toBeLessThan(1e-12);
    leaves.forEach((leaf, i) => expect(maxDifference(fusedGrads[i]!, composedGrads[i]!)).toBeLessThan(1e-12));
    const checked = gradcheck((x0, x1, y) => run(true, [x0, x1], y), [...xs, y0].map((v) => v.value), { parameters: cell.parameters(), atol: 1e-6, rtol: 1e-6, name: 'JordanCell' });
    expect(checked.checked).toBe(leaves.reduce((n, leaf) => n + leaf.size, 0));
  });

  it('names its parameters as the vectors do and starts from zeros', () => {
    const cell = new JordanCell({ inputSize: 2, hiddenSize: 3, outputSize: 4 });
    expect(Object.keys(cell.stateDict())).toEqual(['weight_ih', 'bias_ih', 'weight_oh', 'bias_oh', 'weight_ho', 'bias_ho']);
    const x = zeros([1, 2]);
    const withZeros = cell.step(x, [zeros([1, 4])]).output.value;
    expect(maxDifference(cell.step(x).output.value, withZeros)).toBe(0);
    const bound = 1 / Math.sqrt(3);
    for (const p of cell.parameters()) for (const v of p.value.data) expect(Math.abs(v)).toBeLessThanOrEqual(bound);
  });

  it('draws the same weights from the same seed', () => {
    const a = new JordanCell({ inputSize: 2, hiddenSize: 3, outputSize: 4, seed: 5 });
    const b = new JordanCell({ inputSize: 2, hiddenSize: 3, outputSize: 4, seed: 5 });
    expect(maxDifference(a.weightHo.value, b.weightHo.value)).toBe(0);
  });

  it('backward reaches the parameters', () => {
    const cell = new JordanCell({ inputSize: 2, hiddenSize: 3, outputSize: 1 });
    const y = cell.step(zeros([2, 2])).output;
    backward(sum(y));
    // d b_ho = Σ_batch σ'(z) = Σ_batch y(1 − y)
    const expected = y.value.data[0] * (1 - y.value.data[0]) + y.value.data[1] * (1 - y.value.data[1]);
    expect(cell.biasHo!.grad!.data[0]).toBeCloseTo(expected, 6);
  });

  it('rejects bad shapes and sizes naming the cell', () => {
    const cell = new JordanCell({ inputSize: 4, hiddenSize: 3, outputSize: 2 });
    expect(() => cell.step(zeros([5, 3]))).toThrow('JordanCell: expected input [batch, 4], got [5, 3]');
    expect(() => cell.step(zeros([5, 4]), [zeros([5, 3])])).toThrow('JordanCell: expected y [batch, 2], got [5, 3]');
    expect(() => cell.step(zeros([5, 4]), [zeros([2, 2])])).toThrow("JordanCell: expected y with the input's batch size 5, got y [2, 2]");
    expect(() => cell.step(zeros([5, 4]), [zeros([5, 2]), zeros([5, 2])])).toThrow('JordanCell: expected state [y], got 2 tensors');
    expect(() => cell.step(zeros([5, 4], { dtype: 'float64' }))).toThrow('JordanCell: expected input of dtype float32, got float64');
    expect(() => new JordanCell({ inputSize: 4, hiddenSize: 0, outputSize: 2 })).toThrow('JordanCell: expected hiddenSize to be an integer ≥ 1, got number 0');
  });
});
