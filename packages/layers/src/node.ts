// Node-only file functions for model files; the main entry stays browser-safe.
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Module } from '@recurrent/autograd';
import { type DecodeModelOptions, type EncodeModelOptions, type LoadedModel, decodeModel, encodeModel } from './model/modelFile.js';
import { ModelFileError } from './model/modelFileError.js';

/** Flushes a file or directory to disk (directories too, so that a rename inside them is durable). */
export function fsyncPath(path: string): void {
  const descriptor = openSync(path, 'r');
  try {
    fsyncSync(descriptor);
  } finally {
    closeSync(descriptor);
  }
}

/**
 * Writes a file so that readers only ever see the old content or the whole new content: the bytes
 * go to a temporary file in the same directory, are flushed with fsync, the temporary file is
 * renamed over the target (atomic within one file system) and the directory is flushed. Errors
 * are the file system's (a failed temporary file is removed first).
 *
 * @example
 * writeFileAtomic('run/checkpoint.json', '{}');
 */
export function writeFileAtomic(path: string, content: Uint8Array | string): void {
  const data = typeof content === 'string' ? new TextEncoder().encode(content) : content;
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const descriptor = openSync(temporary, 'w');
  try {
    let written = 0;
    while (written < data.length) written += writeSync(descriptor, data, written, data.length - written);
    fsyncSync(descriptor);
  } catch (error) {
    closeSync(descriptor);
    rmSync(temporary, { force: true });
    throw error;
  }
  closeSync(descriptor);
  renameSync(temporary, path);
  fsyncPath(dirname(path));
}

/**
 * Writes a model file (see `encodeModel`) so readers only ever see the old file or the whole new
 * one: the bytes go to a temporary file beside the target, are flushed with fsync, renamed over the
 * target, and the directory is flushed. Returns the number of bytes written.
 *
 * @example
 * saveModelFile(model, 'models/moby.safetensors', { io: { task: 'char-lm', vocabulary } });
 */
export function saveModelFile(module: Module, path: string, options: EncodeModelOptions = {}): number {
  const bytes = encodeModel(module, options);
  writeFileAtomic(path, bytes);
  return bytes.length;
}

/**
 * Reads and validates a model file from a path (see `decodeModel`): the model in evaluation mode,
 * its `io` and its description. A missing file is a `not-found` {@link ModelFileError}.
 *
 * @example
 * const { module, io } = loadModelFile('models/moby.safetensors');
 */
export function loadModelFile<M extends Module = Module>(path: string, options: DecodeModelOptions = {}): LoadedModel<M> {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new ModelFileError('not-found', `loadModel: expected a model file at ${path}, got ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return decodeModel<M>(bytes, options);
}
