import { fail } from '@recurrent/tensor';

/** Checks that an option is a positive integer: `Linear: expected inFeatures a positive integer, got 0`. */
export function checkPositiveInteger(op: string, name: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0) fail(op, `${name} a positive integer`, String(value));
  return value;
}
