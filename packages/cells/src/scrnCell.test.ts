import { describe, expect, it } from 'vitest';
import { Generator, type Tensor, zeros } from '@recurrent/tensor';
import { type Variable, add, div, exp, grad, gradcheck, matmul, mul, sigmoid, sub, sum, tanh } from '@recurrent/autograd';
import { SCRNCell } from './scrnCell.js';
import { maxDifference, randomVariable, randomWeights } from '../test/gradientTools.js';

/** The same step from composed autograd ops; returns [y, h, s]. */
function composedStep(cell: SCRNCell, x: Variable, hPrev: Variable, sPrev: Variable): Variable[] {
  const bx = matmul(x, cell.weightIs, { transposeB: true });
  const s = cell.alphaParameter
    ? add(mul(sub(1, cell.alphaParameter), bx), mul(cell.alphaParameter, sPrev))
    : add(mul(1 - cell.alpha, bx), mul(cell.alpha, sPrev));
  let pre = add(add(matmul(s, cell.weightSh, { transposeB: true }), matmul(x, cell.weightIh, { transposeB: true })), matmul(hPrev, cell.weightHh, { transposeB: true }));
  if (cell.biasH) pre = add(pre, cell.biasH);
  const h = sigmoid(pre);
  let z = add(matmul(h, cell.weightHo, { transposeB: true }), matmul(s, cell.weightSo, { transposeB: true }));
  if (cell.biasO) z = add(z, cell.biasO);
  let y = z;
  if (cell.outputNonlinearity === 'tanh') y = tanh(z);
  if (cell.outputNonlinearity === 'softmax') {
    const e = exp(z);
    y = div(e, sum(e, { axis: -1, keepDims: true }));
  }
  return [y, h, s];
}

describe('SCRNCell', () => {
  it.each([
    ['identity', true, false],
    ['softmax', true, false],
    ['tanh', false, false],
    ['identity', true, true],
  ] as const)('fused steps match the composed ops and finite differences (%s, bias %s, learnAlpha %s)', (outputNonlinearity, bias, learnAlpha) => {
    const generator = new Generator(11);
    const cell = new SCRNCell({ inputSize: 3, hiddenSize: 4, contextSize: 2, outputSize: 3, alpha: 0.8, learnAlpha, outputNonlinearity, bias, generator, dtype: 'float64' });
    const xs = Array.from({ length: 3 }, () => randomVariable([2, 3], generator));
    const h0 = randomVariable([2, 4], generator);
    const s0 = randomVariable([2, 2], generator);
    const weights = xs.map(() => [randomWeights([2, 3], generator), randomWeights([2, 4], generator), randomWeights([2, 2], generator)]);
    const leaves: Variable[] = [...cell.parameters(), ...xs, h0, s0];
    const run = (fused: boolean, inputs: Variable[] = xs, hStart: Variable = h0, sStart: Variable = s0) => {
      let h = hStart, s = sStart;
      return inputs.map((x) => {
        const outs = fused ? (({ output, state }) => [output, ...state])(cell.step(x, [h, s])) : composedStep(cell, x, h, s);
        [, h, s] = outs;
        return outs;
      });
    };
    const lossOf = (steps: Variable[][]) => steps.flatMap((outs, t) => outs.map((o, k) => sum(mul(o, weights[t][k])))).reduce((a, b) => add(a, b));
    const fusedOut = run(true);
    const composedOut = run(false);
    const fusedGrads = grad([lossOf(fusedOut)], leaves);
    const composedGrads = grad([lossOf(composedOut)], leaves);
    fusedOut.forEach((outs, t) => outs.forEach((o, k) => expect(maxDifference(o.value, composedOut[t][k].value)).toBeLessThan(1e-12)));
    leaves.forEach((_, i) => expect(maxDifference(fusedGrads[i]!, composedGrads[i]!)).toBeLessThan(1e-12));
    const steps = xs.length;
    const checked = gradcheck((...inputs) => run(true, inputs.slice(0, steps), inputs[steps], inputs[steps + 1]).flat(), [...xs, h0, s0].map((v) => v.value), {
      parameters: cell.parameters(), atol: 1e-6, rtol: 1e-6, name: 'SCRNCell',
    });
    expect(checked.checked).toBe(leaves.reduce((n, leaf) => n + leaf.size, 0));
  });

  it('names its parameters as the vectors do', () => {
    const cell = new SCRNCell({ inputSize: 2, hiddenSize: 3, contextSize: 2, outputSize: 2 });
    expect(Object.keys(cell.stateDict())).toEqual(['weight_is', 'weight_ih', 'weight_sh', 'weight_hh', 'weight_ho', 'weight_so', 'bias_h', 'bias_o']);
    const learned = new SCRNCell({ inputSize: 2, hiddenSize: 3, contextSize: 2, outputSize: 2, learnAlpha: true, alpha: 0.9 });
    expect(Array.from(learned.stateDict().alpha.data)).toEqual([Math.fround(0.9), Math.fround(0.9)]);
  });

  it('orthogonal init gives R Rᵀ = I', () => {
    const cell = new SCRNCell({ inputSize: 2, hiddenSize: 4, contextSize: 2, outputSize: 2, recurrentInit: 'orthogonal' });
    const R = cell.weightHh.value.data;
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 4; j++) {
        let dot = 0;
        for (let k = 0; k < 4; k++) dot += R[i * 4 + k] * R[j * 4 + k];
        expect(dot).toBeCloseTo(i === j ? 1 : 0, 5);
      }
    }
  });

  it('softmax outputs sum to one', () => {
    const cell = new SCRNCell({ inputSize: 2, hiddenSize: 3, contextSize: 2, outputSize: 4, outputNonlinearity: 'softmax' });
    const y: Tensor = cell.step(randomVariable([2, 2], new Generator(1), 'float32')).output.value;
    for (let b = 0; b < 2; b++) expect(Array.from(y.data.slice(b * 4, b * 4 + 4)).reduce((a, v) => a + v, 0)).toBeCloseTo(1, 6);
  });

  it('rejects bad shapes naming the cell', () => {
    const cell = new SCRNCell({ inputSize: 2, hiddenSize: 3, contextSize: 2, outputSize: 2 });
    expect(() => cell.step(zeros([1, 3]))).toThrow('SCRNCell: expected input [batch, 2], got [1, 3]');
    expect(() => cell.step(zeros([1, 2]), [zeros([1, 3]), zeros([1, 3])])).toThrow('SCRNCell: expected s [batch, 2], got [1, 3]');
    expect(() => cell.step(zeros([1, 2]), [zeros([2, 3]), zeros([1, 2])])).toThrow("SCRNCell: expected h with the input's batch size 1, got h [2, 3]");
    expect(() => cell.step(zeros([1, 2]), [zeros([1, 3])])).toThrow('SCRNCell: expected state [h, s], got 1 tensors');
    expect(() => new SCRNCell({ inputSize: 2, hiddenSize: 0, contextSize: 2, outputSize: 2 })).toThrow('SCRNCell: expected hiddenSize to be an integer ≥ 1, got number 0');
    expect(() => new SCRNCell({ inputSize: 2, hiddenSize: 3, contextSize: 2, outputSize: 2, alpha: 1.5 })).toThrow('SCRNCell: expected alpha to be a finite number ≥ 0 and ≤ 1, got number 1.5');
  });
});
