import { describe, expect, it } from 'vitest';
import { Generator, uniform } from '@recurrent/tensor';
import { Variable, add, backward, mul, noGrad, sum } from '@recurrent/autograd';
import { LSTM } from './lstm.js';

describe('LSTM', () => {
  it('has gradients that match finite differences (2 layers, bidirectional, projection, lengths)', () => {
    const lstm = new LSTM({ inputSize: 3, hiddenSize: 4, projSize: 2, numLayers: 2, bidirectional: true, generator: new Generator(2) });
    const x = new Variable(uniform([4, 2, 3], -1, 1, new Generator(3)), { requiresGrad: true });
    const h0 = new Variable(uniform([4, 2, 2], -1, 1, new Generator(4)), { requiresGrad: true });
    const c0 = new Variable(uniform([4, 2, 4], -1, 1, new Generator(5)), { requiresGrad: true });
    const lengths = [4, 2];
    const weights = [uniform([4, 2, 4], -1, 1, new Generator(6)), uniform([4, 2, 2], -1, 1, new Generator(7)), uniform([4, 2, 4], -1, 1, new Generator(8))];
    const run = () => {
      const r = lstm.forward(x, { h0, c0, lengths });
      return [r.output, r.h_n, r.c_n];
    };
    const outputs = run();
    backward(outputs.map((o, i) => sum(mul(o, weights[i]))).reduce((a, b) => add(a, b)));
    const loss = () => noGrad(run).reduce((total, o, i) => {
      let s = 0;
      for (let j = 0; j < o.size; j++) s += o.value.data[j] * weights[i].data[j];
      return total + s;
    }, 0);
    for (const v of [x, h0, c0, ...lstm.parameters()]) {
      const data = v.value.data as Float32Array;
      for (let i = 0; i < data.length; i += 3) {
        const saved = data[i];
        data[i] = saved + 1e-3;
        const plus = loss();
        data[i] = saved - 1e-3;
        const minus = loss();
        data[i] = saved;
        const numeric = (plus - minus) / (Math.fround(saved + 1e-3) - Math.fround(saved - 1e-3));
        const analytic = v.grad!.data[i];
        expect(Math.abs(analytic - numeric), `${v.toString()}[${i}]: ${analytic} vs ${numeric}`).toBeLessThanOrEqual(1e-3 + 1e-2 * Math.abs(numeric));
      }
    }
  });

  it('keeps PyTorch state-dict names and order', () => {
    const lstm = new LSTM({ inputSize: 3, hiddenSize: 4, projSize: 2, numLayers: 2, bidirectional: true });
    expect(Object.keys(lstm.stateDict()).slice(0, 10)).toEqual([
      'weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0', 'weight_hr_l0',
      'weight_ih_l0_reverse', 'weight_hh_l0_reverse', 'bias_ih_l0_reverse', 'bias_hh_l0_reverse', 'weight_hr_l0_reverse',
    ]);
    expect(lstm.stateDict().weight_ih_l1.shape).toEqual([16, 4]);
    expect(lstm.stateDict().weight_hh_l1_reverse.shape).toEqual([16, 2]);
  });
});
