import { describe, expect, it } from 'vitest';
import { Generator, type Tensor, tensor, zeros } from '@recurrent/tensor';
import { type Variable, add, grad, gradcheck, matmul, mul, sum, tanh } from '@recurrent/autograd';
import { ClockworkCell } from './clockworkCell.js';
import { maxDifference, randomVariable, randomWeights } from '../test/gradientTools.js';

/** The block upper-triangular mask M (1 where column module ≥ row module). */
function maskOf(cell: ClockworkCell): Tensor {
  const H = cell.hiddenSize, k = cell.moduleSize;
  const values: number[] = [];
  for (let row = 0; row < H; row++) for (let column = 0; column < H; column++) values.push(Math.floor(column / k) >= Math.floor(row / k) ? 1 : 0);
  return tensor(values, { shape: [H, H], dtype: 'float64' });
}

/** The same step from composed ops: a dense masked product, then a 0/1 select per module. */
function composedStep(cell: ClockworkCell, x: Variable, hPrev: Variable | Tensor, time: number): Variable {
  let a = add(matmul(x, cell.weightIh, { transposeB: true }), matmul(hPrev, mul(cell.weightHh, maskOf(cell)), { transposeB: true }));
  if (cell.biasIh && cell.biasHh) a = add(add(a, cell.biasIh), cell.biasHh);
  const active = cell.activeModules(time);
  const on = tensor(Array.from({ length: cell.hiddenSize }, (_, j) => (active[Math.floor(j / cell.moduleSize)] ? 1 : 0)), { dtype: 'float64' });
  const off = tensor(Array.from(on.data, (v) => 1 - v), { dtype: 'float64' });
  return add(mul(tanh(a), on), mul(hPrev, off));
}

describe('ClockworkCell', () => {
  it.each([
    [[1, 2, 4], 2, true],
    [[1, 3], 1, false],
    [[2, 5, 7], 2, true],
  ])('fused steps match the composed ops and finite differences (periods %j, module %i, bias %s)', (periods, moduleSize, bias) => {
    const generator = new Generator(3);
    const hiddenSize = periods.length * moduleSize;
    const cell = new ClockworkCell({ inputSize: 3, hiddenSize, periods, bias, generator, dtype: 'float64' });
    // Fill the masked blocks too: they must neither be read nor get gradient.
    for (let i = 0; i < cell.weightHh.size; i++) if (cell.weightHh.value.data[i] === 0) cell.weightHh.value.data[i] = 0.5;
    const steps = 5;
    const xs = Array.from({ length: steps }, () => randomVariable([2, 3], generator));
    const h0 = randomVariable([2, hiddenSize], generator);
    const weights = xs.map(() => randomWeights([2, hiddenSize], generator));
    const leaves: Variable[] = [...cell.parameters(), ...xs, h0];
    const run = (fused: boolean, inputs: Variable[] = xs, hStart: Variable = h0) => {
      let h = hStart;
      return inputs.map((x, t) => (h = fused ? cell.step(x, [h], t).output : composedStep(cell, x, h, t)));
    };
    const lossOf = (outs: Variable[]) => outs.map((o, t) => sum(mul(o, weights[t]))).reduce((a, b) => add(a, b));
    const fusedOut = run(true);
    const composedOut = run(false);
    const fusedGrads = grad([lossOf(fusedOut)], leaves);
    const composedGrads = grad([lossOf(composedOut)], leaves);
    fusedOut.forEach((o, t) => expect(maxDifference(o.value, composedOut[t].value)).toBeLessThan(1e-12));
    leaves.forEach((_, i) => expect(maxDifference(fusedGrads[i]!, composedGrads[i]!)).toBeLessThan(1e-12));
    const mask = maskOf(cell);
    const dWhh = fusedGrads[1]!;
    for (let i = 0; i < mask.size; i++) if (mask.data[i] === 0) expect(dWhh.data[i]).toBe(0);
    const checked = gradcheck((...inputs) => run(true, inputs.slice(0, steps), inputs[steps]), [...xs, h0].map((v) => v.value), {
      parameters: cell.parameters(), atol: 1e-6, rtol: 1e-6, name: 'ClockworkCell',
    });
    expect(checked.checked).toBe(leaves.reduce((n, leaf) => n + leaf.size, 0));
  });

  it('updates module i only when t mod T_i == 0', () => {
    const cell = new ClockworkCell({ inputSize: 1, hiddenSize: 3, periods: [1, 2, 3] });
    expect([0, 1, 2, 3, 4, 6].map((t) => cell.activeModules(t))).toEqual([
      [true, true, true], [true, false, false], [true, true, false], [true, false, true], [true, true, false], [true, true, true],
    ]);
    const h = tensor([[0.1, 0.2, 0.3]]);
    const next = cell.step(tensor([[1]]), [h], 1).output.value;
    expect(Array.from(next.data.slice(1))).toEqual(Array.from(h.data.slice(1)));
    expect(next.data[0]).not.toBe(h.data[0]);
  });

  it('stores weight_hh with zeros below the diagonal blocks', () => {
    const cell = new ClockworkCell({ inputSize: 2, hiddenSize: 6, periods: [1, 2, 4] });
    expect(Object.keys(cell.stateDict())).toEqual(['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh']);
    const mask = maskOf(cell);
    for (let i = 0; i < mask.size; i++) expect(cell.weightHh.value.data[i] === 0).toBe(mask.data[i] === 0);
  });

  it('orthogonal init makes each module block orthogonal and keeps the mask', () => {
    const cell = new ClockworkCell({ inputSize: 2, hiddenSize: 6, periods: [1, 2, 4], recurrentInit: 'orthogonal' });
    const W = cell.weightHh.value.data;
    for (let start = 0; start < 6; start += 2) {
      for (let i = 0; i < 2; i++) {
        for (let j = 0; j < 2; j++) {
          let dot = 0;
          for (let k = 0; k < 2; k++) dot += W[(start + i) * 6 + start + k] * W[(start + j) * 6 + start + k];
          expect(dot).toBeCloseTo(i === j ? 1 : 0, 5);
        }
      }
    }
    const mask = maskOf(cell);
    for (let i = 0; i < mask.size; i++) if (mask.data[i] === 0) expect(W[i]).toBe(0);
  });

  it('rejects bad options and shapes naming the cell', () => {
    expect(() => new ClockworkCell({ inputSize: 2, hiddenSize: 10, periods: [1, 2, 4] })).toThrow(
      'ClockworkCell: expected hiddenSize 10 split into 3 modules, got periods [1, 2, 4] that do not split it',
    );
    expect(() => new ClockworkCell({ inputSize: 2, hiddenSize: 6, periods: [1, 4, 2] })).toThrow(
      'ClockworkCell: expected periods of strictly increasing positive integers, got [1, 4, 2]',
    );
    expect(() => new ClockworkCell({ inputSize: 2, hiddenSize: -1, periods: [1] })).toThrow('ClockworkCell: expected hiddenSize to be an integer ≥ 1, got number -1');
    const cell = new ClockworkCell({ inputSize: 2, hiddenSize: 4, periods: [1, 2] });
    expect(() => cell.step(zeros([3, 5]), undefined, 0)).toThrow('ClockworkCell: expected input [batch, 2], got [3, 5]');
    expect(() => cell.step(zeros([3, 2]), [zeros([3, 5])], 0)).toThrow('ClockworkCell: expected h [batch, 4], got [3, 5]');
    expect(() => cell.step(zeros([3, 2]), [zeros([1, 4])], 0)).toThrow("ClockworkCell: expected h with the input's batch size 3, got h [1, 4]");
    expect(() => cell.step(zeros([3, 2]), undefined, -1)).toThrow('ClockworkCell: expected a time index, an integer ≥ 0, got -1');
  });
});
