// Parity runner for scrn.json: an SCRNCell run by Recurrent against PyTorch's values.
import { SCRNCell } from '@recurrent/cells';
import type { VectorCase } from '@recurrent/test-vectors';
import { runCellCase } from './cellFamilies.js';

/** Runs one case of scrn.json; throws on any mismatch. */
export function runCase(testCase: VectorCase, _root: string): void {
  const c = testCase.config;
  const cell = new SCRNCell({
    inputSize: c.input_size,
    hiddenSize: c.hidden_size,
    contextSize: c.context_size,
    outputSize: c.output_size,
    alpha: c.alpha,
    outputNonlinearity: c.output_nonlinearity,
    bias: c.bias,
  });
  runCellCase(testCase, cell, ['h0', 's0'], ['h_n', 's_n']);
}
