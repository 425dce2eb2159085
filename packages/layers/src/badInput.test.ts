import { tensor } from '@recurrent/tensor';
import { describe, expect, it } from 'vitest';
import { CrossEntropyLoss, Dropout, Embedding, GRU, LSTM, LayerNorm, Linear, MinGRU, RNN, ctcLoss } from './index.js';

// Regression tests for issue 20: each of these was silently wrong or a bare RangeError before.
describe('layers: bad input is a clear error', () => {
  it('Embedding checks number indices before the int32 cast (NaN → row 0, 1.7 → row 1, 2³²+1 → row 1 before)', () => {
    const embedding = new Embedding({ numEmbeddings: 4, embeddingDim: 2 });
    expect(() => embedding.forward([NaN])).toThrow('Embedding: expected indices integers in [0, 3], got number NaN at [0]');
    expect(() => embedding.forward([0, 1.7])).toThrow('Embedding: expected indices integers in [0, 3], got number 1.7 at [1]');
    expect(() => embedding.forward([-0.5])).toThrow('Embedding: expected indices integers in [0, 3], got number -0.5 at [0]');
    expect(() => embedding.forward([[1], [2 ** 32 + 1]] as never)).toThrow('Embedding: expected indices integers in [0, 3], got number 4294967297 at [1, 0]');
    expect(() => embedding.forward(['1' as never])).toThrow('Embedding: expected indices integers in [0, 3], got "1" (a string) at [0]');
    expect(() => embedding.forward(7 as never)).toThrow('Embedding: expected indices as an int32 tensor or an array of integers, got number 7');
    expect(Array.from(embedding.forward([3, 0]).value.data)).toEqual([...embedding.weight.value.data.slice(6, 8), ...embedding.weight.value.data.slice(0, 2)]);
  });

  it('misspelt or wrongly typed options are errors with the nearest name', () => {
    expect(() => new Linear({ inFeatures: 2, outFeatures: 3, bais: false } as never)).toThrow("Linear: unknown option 'bais' (did you mean 'bias'?)");
    expect(() => new Linear({ inFeatures: 2, outFeatures: 3, bias: 'false' } as never)).toThrow('Linear: expected bias to be a boolean, got "false" (a string)');
    expect(() => new Embedding({ numEmbeddings: 2, embeddingDim: 3, paddingIndex: 0 } as never)).toThrow("Embedding: unknown option 'paddingIndex' (did you mean 'paddingIdx'?)");
    expect(() => new Dropout({ prob: 0.1 } as never)).toThrow("Dropout: unknown option 'prob' (options: p, generator, seed)");
    expect(() => new LayerNorm({ normalizedShape: 4, elementwiseAfine: false } as never)).toThrow("LayerNorm: unknown option 'elementwiseAfine' (did you mean 'elementwiseAffine'?)");
    expect(() => new CrossEntropyLoss({ ignoreIndx: 0 } as never)).toThrow("CrossEntropyLoss: unknown option 'ignoreIndx' (did you mean 'ignoreIndex'?)");
    const logProbs = tensor([[[-1, -1]], [[-1, -1]]]);
    expect(() => ctcLoss(logProbs, [1], [2], [1], { zeroInfinty: true } as never)).toThrow("ctcLoss: unknown option 'zeroInfinty' (did you mean 'zeroInfinity'?)");
  });

  it('huge sizes name the layer instead of a bare RangeError', () => {
    expect(() => new Linear({ inFeatures: 1_000_000, outFeatures: 1_000_000 })).toThrow('Linear: expected weight of at most 2147483647 elements, got [1000000, 1000000] (1000000000000 elements)');
    expect(() => new Embedding({ numEmbeddings: 2 ** 32 + 1, embeddingDim: 1 })).toThrow('Embedding: expected weight of at most 2147483647 elements, got [4294967297, 1]');
    expect(() => new LSTM({ inputSize: 2, hiddenSize: 2 ** 32 + 1 })).toThrow('LSTM: expected parameters of at most 2147483647 elements, got [17179869188, 2]');
    expect(() => new GRU({ inputSize: 2, hiddenSize: 1e6 })).toThrow('GRU: expected parameters of at most 2147483647 elements, got [3000000, 1000000]');
    expect(() => new RNN({ inputSize: 1e12, hiddenSize: 2 })).toThrow('RNN: expected parameters of at most 2147483647 elements, got [2, 1000000000000]');
    expect(() => new MinGRU({ inputSize: 2, hiddenSize: 2 ** 31 })).toThrow('MinGRU: expected parameters of at most 2147483647 elements');
  });
});
