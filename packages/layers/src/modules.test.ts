import { describe, expect, it } from 'vitest';
import { type Backend, type Tensor, Generator, createCpuBackend, tensor, uniform } from '@recurrent/tensor';
import { Variable, backward, gradcheck, mul, sum } from '@recurrent/autograd';
import { Linear } from './linear.js';
import { Embedding } from './embedding.js';
import { Dropout } from './dropout.js';
import { LayerNorm } from './layerNorm.js';
import { Attention, type AttentionScore } from './attention.js';

describe('Linear', () => {
  it('computes x Wᵀ + b over leading axes, as a plain loop does', () => {
    const linear = new Linear({ inFeatures: 3, outFeatures: 2, seed: 4 });
    const x = uniform([2, 2, 3], -1, 1, new Generator(1));
    const y = linear.forward(x).value;
    expect(y.shape).toEqual([2, 2, 2]);
    const W = linear.weight.value.data, b = linear.bias!.value.data;
    for (let r = 0; r < 4; r++) {
      for (let o = 0; o < 2; o++) {
        let expected = b[o];
        for (let i = 0; i < 3; i++) expected += x.data[r * 3 + i] * W[o * 3 + i];
        expect(y.data[r * 2 + o]).toBeCloseTo(expected, 6);
      }
    }
    const bound = 1 / Math.sqrt(3);
    for (const v of W) expect(Math.abs(v)).toBeLessThanOrEqual(bound);
    expect(Object.keys(linear.stateDict())).toEqual(['weight', 'bias']);
    expect(() => linear.forward(uniform([2, 4], 0, 1, new Generator(0)))).toThrow('Linear: expected input [..., 3], got [2, 4]');
    expect(() => new Linear({ inFeatures: 3, outFeatures: 0 })).toThrow('Linear: expected outFeatures a positive integer, got 0');
  });
});

describe('Embedding', () => {
  it('looks rows up, keeps the padding row at zero and gives it no gradient', () => {
    const embedding = new Embedding({ numEmbeddings: 5, embeddingDim: 3, paddingIdx: -1, seed: 2 });
    expect(embedding.paddingIdx).toBe(4);
    expect(Array.from(embedding.weight.value.data.slice(12))).toEqual([0, 0, 0]);
    const indices = tensor([[1, 4, 1], [0, 4, 2]], { dtype: 'int32' });
    const y = embedding.forward(indices);
    expect(y.shape).toEqual([2, 3, 3]);
    expect(Array.from(y.value.data.slice(3, 6))).toEqual([0, 0, 0]);
    const weights = uniform([2, 3, 3], -1, 1, new Generator(3));
    backward(sum(mul(y, weights)));
    const g = embedding.weight.grad!.data;
    expect(Array.from(g.slice(12))).toEqual([0, 0, 0]);
    // Row 1 is used twice: its gradient is the sum of both positions' weights.
    for (let j = 0; j < 3; j++) expect(g[3 + j]).toBeCloseTo(weights.data[j] + weights.data[6 + j], 6);
    expect(Array.from(g.slice(9, 12))).toEqual([0, 0, 0]);
    expect(() => embedding.forward([5])).toThrow('Embedding: expected indices integers in [0, 4], got number 5 at [0]');
    expect(() => new Embedding({ numEmbeddings: 2.5, embeddingDim: 3 })).toThrow('Embedding: expected numEmbeddings a positive integer, got 2.5');
  });
});

describe('Dropout', () => {
  it('zeroes about p of the elements and scales the rest in training, and is the identity in eval', () => {
    const x = new Variable(tensor(new Array(4000).fill(1)), { requiresGrad: true });
    const dropout = new Dropout({ p: 0.25, seed: 1 });
    const y = dropout.forward(x);
    const kept = Array.from(y.value.data).filter((v) => v !== 0);
    expect(kept.length / 4000).toBeGreaterThan(0.72);
    expect(kept.length / 4000).toBeLessThan(0.78);
    for (const v of kept) expect(v).toBeCloseTo(1 / 0.75, 6);
    backward(sum(y));
    expect(Array.from(x.grad!.data)).toEqual(Array.from(y.value.data));
    const again = new Dropout({ p: 0.25, seed: 1 }).forward(x);
    expect(Array.from(again.value.data)).toEqual(Array.from(y.value.data));
    dropout.eval();
    expect(dropout.forward(x)).toBe(x);
    expect(() => new Dropout({ p: 1.5 })).toThrow('Dropout: expected p to be a finite number ≥ 0 and ≤ 1, got number 1.5');
  });
});

describe('LayerNorm', () => {
  it('normalises the trailing axes, and its fused backward matches finite differences', () => {
    const generator = new Generator(5);
    const norm = new LayerNorm({ normalizedShape: [2, 3], dtype: 'float64' });
    norm.weight!.set(Array.from(uniform([6], 0.5, 1.5, generator).data));
    norm.bias!.set(Array.from(uniform([6], -1, 1, generator).data));
    const x = new Variable(uniform([4, 2, 3], -2, 2, generator, { dtype: 'float64' }), { requiresGrad: true });
    const y = norm.forward(x);
    for (let r = 0; r < 4; r++) {
      const row = Array.from(x.value.data.slice(r * 6, r * 6 + 6));
      const mean = row.reduce((a, b) => a + b, 0) / 6;
      const variance = row.reduce((a, b) => a + (b - mean) ** 2, 0) / 6;
      row.forEach((v, k) => {
        const expected = ((v - mean) / Math.sqrt(variance + 1e-5)) * norm.weight!.value.data[k] + norm.bias!.value.data[k];
        expect(y.value.data[r * 6 + k]).toBeCloseTo(expected, 10);
      });
    }
    const checked = gradcheck((input) => norm.forward(input), [x.value], { parameters: [norm.weight!, norm.bias!], atol: 1e-6, rtol: 1e-6, name: 'LayerNorm' });
    expect(checked.checked).toBe(x.size + norm.weight!.size + norm.bias!.size);
    expect(() => norm.forward(uniform([2, 3, 2], 0, 1, generator))).toThrow('LayerNorm: expected input [..., 2, 3], got [2, 3, 2]');
  });
});

describe('backend option', () => {
  const bits = (t: Tensor) => Array.from(new Uint32Array(new Float32Array(t.data).buffer));
  /** Builds a module twice (default backend and `backend`), runs forward and backward on each. */
  function both<M extends { parameters(): { value: Tensor; grad: Tensor | null }[] }>(make: (backend?: Backend) => M, run: (module: M, backend?: Backend) => Variable) {
    const backend = createCpuBackend({ name: 'own-cpu' });
    const results = [undefined, backend].map((on) => {
      const module = make(on);
      const y = run(module, on);
      backward(sum(mul(y, uniform(y.shape, -1, 1, new Generator(9), { backend: on }))));
      return { module, y };
    });
    return { backend, plain: results[0], own: results[1] };
  }
  const inputOn = (backend?: Backend) => uniform([3, 2, 4], -1, 1, new Generator(7), { backend });

  it.each([
    ['Linear', () => both((backend) => new Linear({ inFeatures: 4, outFeatures: 5, seed: 3, backend }), (m, backend) => m.forward(inputOn(backend)))],
    ['Embedding', () => both((backend) => new Embedding({ numEmbeddings: 6, embeddingDim: 4, paddingIdx: 0, seed: 3, backend }), (m) => m.forward([1, 0, 5, 2, 2, 3]))],
    ['LayerNorm', () => both((backend) => new LayerNorm({ normalizedShape: 4, backend }), (m, backend) => m.forward(inputOn(backend)))],
    ...(['general', 'concat', 'additive'] as AttentionScore[]).map((score) => [`Attention (${score})`, () => both(
      (backend) => new Attention({ score, querySize: 4, keySize: 4, attentionSize: 3, seed: 3, backend }),
      (m, backend) => m.forward(uniform([3, 4], -1, 1, new Generator(5), { backend }), m.prepare(inputOn(backend), [2, 1, 2])).context, // keys [3, 2, 4]
    )] as const),
  ] as const)('%s puts its parameters, outputs and gradients on the given backend, with the default backend\'s bits', (_name, build) => {
    const { backend, plain, own } = build();
    const parameters = own.module.parameters();
    expect(parameters.length).toBeGreaterThan(0);
    for (const parameter of parameters) expect(parameter.value.backend).toBe(backend);
    for (const parameter of plain.module.parameters()) expect(parameter.value.backend).not.toBe(backend);
    expect(own.y.value.backend).toBe(backend);
    expect(bits(own.y.value)).toEqual(bits(plain.y.value));
    parameters.forEach((parameter, i) => {
      expect(parameter.grad!.backend).toBe(backend);
      expect(bits(parameter.grad!)).toEqual(bits(plain.module.parameters()[i].grad!));
    });
  });

  it('Dropout makes its mask on the input\'s backend, with the default backend\'s bits', () => {
    const backend = createCpuBackend();
    const [plain, own] = [undefined, backend].map((on) => new Dropout({ p: 0.3, seed: 2 }).forward(inputOn(on)).value);
    expect(own.backend).toBe(backend);
    expect(bits(own)).toEqual(bits(plain));
  });
});
