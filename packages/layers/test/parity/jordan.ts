// Parity runner for jordan.json: a JordanCell run by Recurrent against PyTorch's values.
import { JordanCell } from '@recurrent/cells';
import type { VectorCase } from '@recurrent/test-vectors';
import { optionsOf, runCellCase } from './cellFamilies.js';

const keys = ['input_size', 'hidden_size', 'output_size', 'nonlinearity', 'output_nonlinearity', 'bias'];

/** Runs one case of jordan.json; throws on any mismatch. */
export function runCase(testCase: VectorCase, _root: string): void {
  const cell = new JordanCell(optionsOf(testCase.config, keys));
  runCellCase(testCase, cell, ['y0'], ['y_n']);
}
