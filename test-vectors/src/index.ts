import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Folder of the repository's copy of the public vectors. */
export const vectorsDir = resolve(dirname(fileURLToPath(import.meta.url)), '../pytorch');

/** Folder of the vector families this repository generates itself (`scripts/vectors/<family>.py`),
 * in the same format; `pnpm parity` without a folder runs them after the public set. */
export const localVectorsDir = resolve(dirname(fileURLToPath(import.meta.url)), '../local');
/** Folder of the repository's copy of the ONNX import vectors (`onnx_import`: models written by
 * `torch.onnx.export`, their inputs and PyTorch's outputs). */
export const onnxVectorsDir = resolve(dirname(fileURLToPath(import.meta.url)), '../onnx');

export * from './compare.js';
import type { VectorFile } from './compare.js';

/** The directory to read vectors from: `RECURRENT_VECTORS` when set (other vector sets in the
 * same format), else the repository's copy. */
export function vectorsRoot(): string {
  return process.env.RECURRENT_VECTORS ? resolve(process.env.RECURRENT_VECTORS) : vectorsDir;
}

/** Reads and parses one vector file, e.g. `loadVectors('lstm.json')`. */
export function loadVectors(file: string, root = vectorsRoot()): VectorFile {
  return JSON.parse(readFileSync(join(root, file), 'utf8')) as VectorFile;
}

/** Reads a binary asset (for example a safetensors file) next to the vector files. */
export function loadAsset(file: string, root = vectorsRoot()): Uint8Array {
  return new Uint8Array(readFileSync(join(root, file)));
}
