import { Parameter } from '@recurrent/autograd';
import { Generator, randn, tensor } from '@recurrent/tensor';
import { describe, expect, it } from 'vitest';
import { clipGradNorm, clipGradValue } from './clip.js';

describe('clipping', () => {
  it('clipGradNorm returns the norm before clipping and leaves the norm at maxNorm·total/(total + 1e-6)', () => {
    const generator = new Generator(1);
    const parameters = [new Parameter(randn([3, 2], generator)), new Parameter(randn([4], generator)), new Parameter(randn([2], generator))];
    for (const p of parameters) p.grad = randn(p.shape, generator);
    parameters[2].grad = null;
    let expected = 0;
    for (const p of parameters) for (const g of p.grad?.data ?? []) expected += g * g;
    const total = clipGradNorm(parameters, 0.5);
    expect(total).toBeCloseTo(Math.sqrt(expected), 6);
    let after = 0;
    for (const p of parameters) for (const g of p.grad?.data ?? []) after += g * g;
    expect(Math.sqrt(after)).toBeCloseTo((0.5 * total) / (total + 1e-6), 6);
  });

  it('names bad arguments and non-finite norms when asked', () => {
    const p = new Parameter(tensor([1, 2]));
    p.grad = tensor([NaN, 1]);
    expect(() => clipGradNorm([p], -1)).toThrow('clipGradNorm: expected maxNorm ≥ 0, got number -1');
    expect(() => clipGradNorm([p], 1, 1, { errorIfNonfinite: true })).toThrow('clipGradNorm: expected a finite total norm of the gradients, got NaN');
    expect(() => clipGradValue([p], -1)).toThrow('clipGradValue: expected clipValue ≥ 0, got number -1');
    expect(() => clipGradNorm([p], 1, 2, { errorIfNonFinite: true } as never)).toThrow("clipGradNorm: unknown option 'errorIfNonFinite' (did you mean 'errorIfNonfinite'?)");
    expect(() => clipGradNorm([p], '1' as never)).toThrow('clipGradNorm: expected maxNorm ≥ 0, got "1" (a string)');
  });
});
