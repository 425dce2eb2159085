// Runner for the `safetensors_layout` family (test-vectors/local, scripts/vectors/safetensors_layout.py):
// the tensors of each case written by encodeSafetensors must give the bytes the reference writer's
// rules give (safetensors.torch.save_file: dtype, then name; header padded to 8 bytes).
import { createHash } from 'node:crypto';
import { encodeSafetensors } from '../../src/io/safetensors.js';
import { fromData } from '../../src/ops/creation.js';
import type { Tensor } from '../../src/tensor.js';

/** One case of the family. */
export interface LayoutCase {
  name: string;
  metadata: Record<string, string> | null;
  tensors: { name: string; dtype: 'F32' | 'F64' | 'I32'; shape: number[]; data: string }[];
  file: string;
  sha256: string;
}

const arrays = { F32: Float32Array, F64: Float64Array, I32: Int32Array } as const;

/** Throws unless encodeSafetensors writes the case's file byte for byte. */
export function runCase(testCase: LayoutCase): void {
  const tensors: Record<string, Tensor> = {};
  for (const t of testCase.tensors) tensors[t.name] = fromData(new arrays[t.dtype](Uint8Array.from(Buffer.from(t.data, 'base64')).buffer), t.shape);
  const bytes = encodeSafetensors(tensors, testCase.metadata ?? undefined);
  const digest = createHash('sha256').update(bytes).digest('hex');
  if (digest !== testCase.sha256 || Buffer.from(bytes).toString('base64') !== testCase.file) {
    throw new Error(`safetensors_layout ${testCase.name}: expected the reference layout (SHA-256 ${testCase.sha256}), got SHA-256 ${digest}`);
  }
}
