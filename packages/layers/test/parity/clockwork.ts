// Parity runner for clockwork.json: a ClockworkCell run by Recurrent against PyTorch's values.
import { ClockworkCell } from '@recurrent/cells';
import type { VectorCase } from '@recurrent/test-vectors';
import { optionsOf, runCellCase } from './cellFamilies.js';

const keys = ['input_size', 'hidden_size', 'module_size', 'periods', 'bias'];

/** Runs one case of clockwork.json; throws on any mismatch. */
export function runCase(testCase: VectorCase, _root: string): void {
  const cell = new ClockworkCell(optionsOf(testCase.config, keys));
  // t counts from config.time_origin (0 in the public vectors): module i updates iff t mod T_i == 0.
  runCellCase(testCase, cell, ['h0'], ['h_n'], testCase.config.time_origin ?? 0);
}
