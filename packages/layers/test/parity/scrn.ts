// Parity runner for scrn.json: an SCRNCell run by Recurrent against PyTorch's values.
import { SCRNCell } from '@recurrent/cells';
import type { VectorCase } from '@recurrent/test-vectors';
import { optionsOf, runCellCase } from './cellFamilies.js';

const keys = ['input_size', 'hidden_size', 'context_size', 'output_size', 'alpha', 'output_nonlinearity', 'bias'];

/** Runs one case of scrn.json; throws on any mismatch. */
export function runCase(testCase: VectorCase, _root: string): void {
  const cell = new SCRNCell(optionsOf(testCase.config, keys));
  runCellCase(testCase, cell, ['h0', 's0'], ['h_n', 's_n']);
}
