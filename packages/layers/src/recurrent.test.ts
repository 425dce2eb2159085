import { describe, expect, it } from 'vitest';
import { Generator, tensor, uniform } from '@recurrent/tensor';
import { Variable, detach, grad, sum } from '@recurrent/autograd';
import { ClockworkCell, SCRNCell } from '@recurrent/cells';
import { Recurrent } from './recurrent.js';

describe('Recurrent', () => {
  it('runs truncated BPTT: chunks carried by detached states give the full run, and no gradient crosses', () => {
    const layer = new Recurrent(new ClockworkCell({ inputSize: 2, hiddenSize: 6, periods: [1, 2, 3] }));
    const x = new Variable(uniform([9, 2, 2], -1, 1, new Generator(1)), { requiresGrad: true });
    const full = layer.forward(x).output.value;
    // Steps 0–4 and 5–8 as two leaf chunks.
    const chunk = (from: number, to: number) => new Variable(tensor(x.value.data.slice(from * 4, to * 4), { shape: [to - from, 2, 2] }), { requiresGrad: true });
    const first = chunk(0, 5);
    const second = chunk(5, 9);
    const a = layer.forward(first);
    const b = layer.forward(second, { initialState: a.state.map((s) => detach(s)), timeOffset: 5 });
    for (let i = 0; i < a.output.size; i++) expect(a.output.value.data[i]).toBeCloseTo(full.data[i], 6);
    for (let i = 0; i < b.output.size; i++) expect(b.output.value.data[i]).toBeCloseTo(full.data[20 * 3 + i], 6);
    const [dFirst, dSecond] = grad([sum(b.output)], [first, second]);
    expect(dFirst).toBeNull();
    expect(dSecond!.data.some((v) => v !== 0)).toBe(true);
    // Without the offset the clock restarts and the slower modules fire at the wrong steps.
    const restarted = layer.forward(second, { initialState: a.state.map((s) => detach(s)) }).output.value;
    expect(Array.from(restarted.data)).not.toEqual(Array.from(b.output.value.data));
  });

  it('keeps the state dict of its cell and takes an initial state of the right shapes', () => {
    const cell = new SCRNCell({ inputSize: 3, hiddenSize: 4, contextSize: 2, outputSize: 2 });
    const layer = new Recurrent(cell, { batchFirst: true });
    expect(Object.keys(layer.stateDict())).toEqual(Object.keys(cell.stateDict()));
    expect(layer.parameters()[0]).toBe(cell.parameters()[0]);
    const x = uniform([2, 3, 3], -1, 1, new Generator(2));
    const { output, state } = layer.forward(x, { initialState: [uniform([2, 4], 0, 1, new Generator(3)), uniform([2, 2], 0, 1, new Generator(4))] });
    expect(output.shape).toEqual([2, 3, 2]);
    expect(state.map((s) => s.shape)).toEqual([[2, 4], [2, 2]]);
    expect(() => layer.forward(x, { initialState: [uniform([2, 4], 0, 1, new Generator(3))] })).toThrow('Recurrent(SCRNCell): expected 2 initial state tensors, got 1');
    expect(() => layer.forward(x, { timeOffset: -1 })).toThrow('Recurrent(SCRNCell): expected timeOffset to be an integer ≥ 0, got number -1');
  });
});
