// Parity runner for clockwork.json: a ClockworkCell run by Recurrent against PyTorch's values.
import { ClockworkCell } from '@recurrent/cells';
import type { VectorCase } from '@recurrent/test-vectors';
import { runCellCase } from './cellFamilies.js';

/** Runs one case of clockwork.json; throws on any mismatch. */
export function runCase(testCase: VectorCase, _root: string): void {
  const c = testCase.config;
  const cell = new ClockworkCell({ inputSize: c.input_size, hiddenSize: c.hidden_size, moduleSize: c.module_size, periods: c.periods, bias: c.bias });
  // t counts from config.time_origin (0 in the public vectors): module i updates iff t mod T_i == 0.
  runCellCase(testCase, cell, ['h0'], ['h_n'], c.time_origin ?? 0);
}
