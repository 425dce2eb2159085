// Parity runner for jordan.json: a JordanCell run by Recurrent against PyTorch's values.
import { JordanCell } from '@recurrent/cells';
import type { VectorCase } from '@recurrent/test-vectors';
import { runCellCase } from './cellFamilies.js';

/** Runs one case of jordan.json; throws on any mismatch. */
export function runCase(testCase: VectorCase, _root: string): void {
  const c = testCase.config;
  const cell = new JordanCell({
    inputSize: c.input_size,
    hiddenSize: c.hidden_size,
    outputSize: c.output_size,
    nonlinearity: c.nonlinearity,
    outputNonlinearity: c.output_nonlinearity,
    bias: c.bias,
  });
  runCellCase(testCase, cell, ['y0'], ['y_n']);
}
