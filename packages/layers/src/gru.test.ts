import { describe, expect, it } from 'vitest';
import { Generator, tensor, uniform } from '@recurrent/tensor';
import { backward, mean, mul, sub } from '@recurrent/autograd';
import { GRU } from './gru.js';

describe('GRU', () => {
  it('learns a running mean: the training loss really falls (plain SGD)', () => {
    const [T, B, I, H] = [6, 16, 2, 3];
    const gru = new GRU({ inputSize: I, hiddenSize: H, batchFirst: true, generator: new Generator(1) });
    const x = uniform([B, T, I], -1, 1, new Generator(2));
    const target = new Float32Array(B * H);
    for (let b = 0; b < B; b++) {
      let total = 0;
      for (let t = 0; t < T; t++) total += x.data[(b * T + t) * I];
      target.fill(total / T, b * H, (b + 1) * H);
    }
    const y = tensor(target, { shape: [1, B, H] });
    const step = () => {
      const { h_n } = gru.forward(x);
      const error = sub(h_n, y);
      const loss = mean(mul(error, error));
      backward(loss);
      for (const p of gru.parameters()) {
        for (let i = 0; i < p.size; i++) p.value.data[i] -= 0.5 * p.grad!.data[i];
        p.zeroGrad();
      }
      return loss.item();
    };
    const first = step();
    let last = first;
    for (let i = 0; i < 150; i++) last = step();
    expect(last).toBeLessThan(first / 4);
  });

  it('keeps PyTorch state-dict names for deep bidirectional layers', () => {
    const gru = new GRU({ inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true, bias: false });
    expect(Object.keys(gru.stateDict())).toEqual([
      'weight_ih_l0', 'weight_hh_l0', 'weight_ih_l0_reverse', 'weight_hh_l0_reverse',
      'weight_ih_l1', 'weight_hh_l1', 'weight_ih_l1_reverse', 'weight_hh_l1_reverse',
    ]);
    expect(gru.stateDict().weight_ih_l1.shape).toEqual([12, 8]);
  });
});
