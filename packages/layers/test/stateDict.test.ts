import { decodeSafetensors } from '@recurrent/tensor';
import { loadAsset, loadVectors, vectorsRoot } from '@recurrent/test-vectors';
import { describe, expect, it } from 'vitest';
import { GRU, LSTM } from '../src/index.js';
import { runCase } from './parity/stateDict.js';

const file = loadVectors('state_dict/state_dict.json');

describe('state_dict parity with PyTorch (safetensors in, forward, safetensors out)', () => {
  it.each(file.cases.map((c) => [c.name, c] as const))('%s', (_name, testCase) => {
    runCase(testCase, vectorsRoot());
  });
});

describe('strict loading of a PyTorch file into the wrong module', () => {
  const gruCase = file.cases.find((c) => c.config.module === 'GRU');
  it.runIf(gruCase)('lists every missing and unexpected key and shape mismatch in one error', () => {
    const { tensors } = decodeSafetensors(loadAsset(`state_dict/${gruCase!.safetensors.file}`));
    const config = gruCase!.config;
    const lstm = new LSTM({ inputSize: config.input_size, hiddenSize: config.hidden_size, numLayers: config.num_layers + 1 });
    let message = '';
    try {
      lstm.loadStateDict(tensors, { strict: true });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^LSTM\.loadStateDict: the state dict does not fit/);
    expect(message).toContain(`missing key weight_ih_l${config.num_layers}`);
    expect(message).toContain(`weight_ih_l0: expected shape [${4 * config.hidden_size}, ${config.input_size}], got [${3 * config.hidden_size}, ${config.input_size}]`);
    const gru = new GRU({ inputSize: config.input_size, hiddenSize: config.hidden_size, numLayers: config.num_layers });
    expect(() => gru.loadStateDict({ ...tensors, extra: tensors.weight_ih_l0 }, { strict: true })).toThrow('unexpected key extra');
  });
});
