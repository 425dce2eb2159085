import { Generator, randn } from '@recurrent/tensor';
import { describe, expect, it } from 'vitest';
import { decodeModel, encodeModel } from '../index.js';
import { LayerNormGRU, LayerNormLSTM } from '../layerNormRNN.js';
import { MinGRU, MinLSTM } from '../minRNN.js';

describe('model files of the min-RNN and layer-normalised layers', () => {
  it.each([
    ['MinGRU', () => new MinGRU({ inputSize: 3, hiddenSize: 5, numLayers: 2, scan: 'log', generator: new Generator(1) })],
    ['MinLSTM', () => new MinLSTM({ inputSize: 3, hiddenSize: 4, bias: false, generator: new Generator(2) })],
    ['LayerNormLSTM', () => new LayerNormLSTM({ inputSize: 3, hiddenSize: 4, bidirectional: true, generator: new Generator(3) })],
    ['LayerNormGRU', () => new LayerNormGRU({ inputSize: 3, hiddenSize: 4, numLayers: 2, eps: 1e-3, generator: new Generator(4) })],
  ])('%s round-trips: the same options, weights and outputs', (kind, make) => {
    const layer = make();
    const { module, description } = decodeModel(encodeModel(layer));
    expect(module.constructor).toBe(layer.constructor);
    expect(JSON.stringify(description)).toContain(`"kind":"${kind}"`);
    const x = randn([4, 2, 3], new Generator(5));
    expect(Array.from((module as typeof layer).forward(x).output.value.data)).toEqual(Array.from(layer.forward(x).output.value.data));
  });
});
