import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Module } from '@recurrent/autograd';
import { type ModelIO, type ModuleKind, encodeModel } from '@recurrent/layers';
import { type Tensor, decodeSafetensors, encodeSafetensors, fromData } from '@recurrent/tensor';
import { CliError } from '../cliError.js';
import { fsyncPath, writeFileAtomic } from '@recurrent/layers/node';
import { describeFileError } from './atomicWrite.js';
import { checkFiniteWeights, validateState } from './validateState.js';

/** Version of the checkpoint layout written by this program. */
export const checkpointVersion = 1;

/** The JSON half of a training checkpoint. */
export interface CheckpointState {
  format: 'recurrent-checkpoint';
  version: number;
  /** The task (`char-lm`, `seq-mnist`, …). */
  task: string;
  /** Everything needed to rebuild the model, compared on resume. */
  model: Record<string, unknown>;
  /** The training options of the run (optimizer, learning rate, batch, …). */
  training: Record<string, unknown>;
  /** Vocabulary symbols, in index order, when the task has one. */
  vocabulary: string[] | null;
  /** The optimizer's state with its tensors replaced by `{ "$tensor": name }` references into
   * `state.safetensors`. */
  optimizer: unknown;
  /** Learning-rate schedule state. */
  schedule: Record<string, unknown> | null;
  /** `Generator.getState()` of every generator the run draws from. */
  rng: Record<string, unknown>;
  /** Where the data stream stands (task-specific; tensors such as carried hidden states are
   * `$tensor` references into `state.safetensors`). */
  data: Record<string, unknown>;
  /** Optimizer steps taken. */
  step: number;
  /** Seconds of training so far (evaluation excluded). */
  trainSeconds: number;
  /** Extra task-specific values (best metric, last evaluation). */
  extra?: Record<string, unknown>;
  /** `sha256:<hex>` of `model.safetensors` and `state.safetensors`, checked when loading. */
  checksums?: Record<string, string>;
}

/** `sha256:<hex>` of some bytes. */
export function checksum(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** A checkpoint read back: model weights, optimizer state with tensors restored, and the JSON. */
export interface LoadedCheckpoint {
  directory: string;
  weights: Record<string, Tensor>;
  optimizer: unknown;
  data: Record<string, unknown>;
  state: CheckpointState;
}

const stepPattern = /^step-(\d{9})$/;

/**
 * Writes `<runDirectory>/checkpoints/step-NNNNNNNNN/` holding `model.safetensors`,
 * `state.safetensors` (optimizer moments, carried hidden states) and `checkpoint.json`. Given the
 * `model`, `model.safetensors` is a model file (`encodeModel`: the architecture, the task's `io`
 * and the training options beside the PyTorch-named weights, so `loadModel` rebuilds it anywhere
 * and `safetensors.torch.load_file` still reads the weights); otherwise the plain `weights`. The files go into a temporary
 * directory first, each written atomically and flushed; the directory is then renamed into place
 * and its parent flushed, so a crash leaves either the whole checkpoint or none. Only the newest
 * `keep` checkpoints are kept.
 *
 * @example
 * saveCheckpoint('runs/moby', { weights: model.stateDict(), optimizer: adam.stateDict(), data, state }, 3);
 */
export function saveCheckpoint(
  runDirectory: string,
  contents: {
    weights: Record<string, Tensor>; model?: Module; io?: ModelIO; kinds?: readonly ModuleKind[]; optimizer: unknown; data: Record<string, unknown>;
    state: Omit<CheckpointState, 'format' | 'version' | 'optimizer' | 'data'>;
  },
  keep = 3,
): string {
  const parent = join(runDirectory, 'checkpoints');
  const name = `step-${String(contents.state.step).padStart(9, '0')}`;
  const target = join(parent, name);
  const stateTensors: Record<string, Tensor> = {};
  const optimizer = extractTensors(contents.optimizer, stateTensors, 'optimizer');
  const data = extractTensors(contents.data, stateTensors, 'data') as Record<string, unknown>;
  const modelBytes = contents.model
    ? encodeModel(contents.model, { kinds: contents.kinds, io: { ...contents.io, extra: { ...(contents.io?.extra as object | undefined), trainedBy: 'recurrent', task: contents.state.task, step: contents.state.step, training: JSON.parse(JSON.stringify(contents.state.training)) } } })
    : encodeSafetensors(contents.weights, { format: 'pt' });
  const stateBytes = encodeSafetensors(stateTensors);
  const checksums = { 'model.safetensors': checksum(modelBytes), 'state.safetensors': checksum(stateBytes) };
  const state: CheckpointState = { format: 'recurrent-checkpoint', version: checkpointVersion, ...contents.state, optimizer, data, checksums };
  const temporary = join(parent, `.${name}.${process.pid}.tmp`);
  // a checkpoint of the same step is moved aside, not deleted, until the new one is in place
  const aside = join(parent, `.${name}.old.${process.pid}.tmp`);
  let movedAside = false;
  try {
    mkdirSync(parent, { recursive: true });
    rmSync(temporary, { recursive: true, force: true });
    mkdirSync(temporary);
    writeFileAtomic(join(temporary, 'model.safetensors'), modelBytes);
    writeFileAtomic(join(temporary, 'state.safetensors'), stateBytes);
    // written last: a directory with checkpoint.json is complete
    writeFileAtomic(join(temporary, 'checkpoint.json'), `${JSON.stringify(state, null, 1)}\n`);
    if (existsSync(target)) {
      rmSync(aside, { recursive: true, force: true });
      renameSync(target, aside);
      movedAside = true;
    }
    renameSync(temporary, target);
    fsyncPath(parent);
  } catch (error) {
    const reason = describeFileError(error);
    if (reason === null) throw error;
    // a failed write (a full disk) leaves no temporary directory, and the checkpoints before it as they were
    rmSync(temporary, { recursive: true, force: true });
    if (movedAside && !existsSync(target)) renameSync(aside, target);
    const newest = listCheckpoints(runDirectory).at(-1);
    throw new CliError(`recurrent: cannot write checkpoint ${target} (${reason}); the newest complete checkpoint is ${newest ?? 'none'}`);
  }
  if (movedAside) rmSync(aside, { recursive: true, force: true });
  const all = listCheckpoints(runDirectory);
  for (const old of all.slice(0, Math.max(0, all.length - keep))) rmSync(old, { recursive: true, force: true });
  return target;
}

/** Complete checkpoint directories of a run, oldest first. */
export function listCheckpoints(runDirectory: string): string[] {
  const parent = join(runDirectory, 'checkpoints');
  if (!existsSync(parent)) return [];
  return readdirSync(parent)
    .filter((name) => stepPattern.test(name) && existsSync(join(parent, name, 'checkpoint.json')))
    .sort()
    .map((name) => join(parent, name));
}

/** The checkpoint a path names: a checkpoint directory itself, or a run directory (its newest). */
export function resolveCheckpoint(path: string): string {
  if (!existsSync(path) || !statSync(path).isDirectory()) throw new CliError(`checkpoint: expected a run or checkpoint directory, got '${path}' (not a directory)`);
  if (existsSync(join(path, 'checkpoint.json'))) return path;
  const all = listCheckpoints(path);
  if (all.length === 0) throw new CliError(`checkpoint: expected a checkpoint in '${path}', got none (no checkpoints/step-*/checkpoint.json)`);
  return all[all.length - 1];
}

/**
 * Reads and validates a checkpoint (a checkpoint directory or a run directory, whose newest
 * checkpoint is taken): the JSON's format and version, both safetensors files, and every
 * `$tensor` reference. Throws a {@link CliError} naming what is wrong.
 */
export function loadCheckpoint(path: string): LoadedCheckpoint {
  const directory = resolveCheckpoint(path);
  let state: CheckpointState;
  const jsonFile = join(directory, 'checkpoint.json');
  try {
    state = JSON.parse(readFileSync(jsonFile, 'utf8')) as CheckpointState;
  } catch (error) {
    throw new CliError(`checkpoint: expected JSON in ${jsonFile}, got ${(error as Error).message}`);
  }
  if (state?.format !== 'recurrent-checkpoint' || state.version !== checkpointVersion) {
    throw new CliError(`checkpoint: expected a recurrent checkpoint version ${checkpointVersion} in ${directory}, got format ${JSON.stringify(state?.format)} version ${JSON.stringify(state?.version)}`);
  }
  validateState(state, jsonFile);
  const read = (file: string) => {
    const path = join(directory, file);
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(path);
    } catch (error) {
      throw new CliError(`checkpoint: expected a readable ${path}, got ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    const expected = state.checksums?.[file];
    if (expected !== undefined && checksum(bytes) !== expected) {
      throw new CliError(`checkpoint: ${path}: expected checksum ${expected} (from checkpoint.json), got ${checksum(bytes)}: the file is damaged`);
    }
    try {
      return decodeSafetensors(bytes).tensors;
    } catch (error) {
      throw new CliError(`checkpoint: ${path}: ${(error as Error).message}`);
    }
  };
  const weights = read('model.safetensors');
  checkFiniteWeights(weights, join(directory, 'model.safetensors'));
  const stateTensors = read('state.safetensors');
  const optimizer = restoreTensors(state.optimizer, stateTensors);
  const data = restoreTensors(state.data, stateTensors) as Record<string, unknown>;
  return { directory, weights, optimizer, data, state };
}

/**
 * Checks that a checkpoint belongs to the model about to be built: same task, same model
 * configuration. Throws one line naming the first difference.
 */
export function checkSameModel(state: CheckpointState, task: string, model: Record<string, unknown>): void {
  if (state.task !== task) throw new CliError(`checkpoint: expected a checkpoint of task '${task}', got one of task '${state.task}'`);
  for (const key of new Set([...Object.keys(model), ...Object.keys(state.model)])) {
    if (JSON.stringify(model[key]) !== JSON.stringify(state.model[key])) {
      throw new CliError(`checkpoint: expected a model with ${key}=${JSON.stringify(model[key])}, got a checkpoint of another model (${key}=${JSON.stringify(state.model[key])})`);
    }
  }
}

function isTensorLike(value: unknown): value is Tensor {
  return typeof value === 'object' && value !== null && 'data' in value && 'shape' in value && 'dtype' in value && ArrayBuffer.isView((value as Tensor).data);
}

/** Replaces tensors in a JSON-like tree by `{ $tensor: name }` and long number arrays by
 * `{ $array: name }`, collecting them under those names. */
export function extractTensors(value: unknown, into: Record<string, Tensor>, path: string): unknown {
  if (isTensorLike(value)) {
    into[path] = value;
    return { $tensor: path };
  }
  // long number arrays (optimizer moments) go to the binary file, as float64 so they stay exact
  if (Array.isArray(value) && value.length >= 64 && value.every((item) => typeof item === 'number')) {
    into[path] = fromData(Float64Array.from(value as number[]), [value.length]);
    return { $array: path };
  }
  if (Array.isArray(value)) return value.map((item, k) => extractTensors(item, into, `${path}.${k}`));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, extractTensors(item, into, `${path}.${key}`)]));
  }
  if (typeof value === 'number' && !Number.isFinite(value)) return { $number: String(value) };
  return value;
}

/** The inverse of {@link extractTensors}. */
export function restoreTensors(value: unknown, tensors: Record<string, Tensor>): unknown {
  if (Array.isArray(value)) return value.map((item) => restoreTensors(item, tensors));
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    if (typeof record.$tensor === 'string') {
      const tensor = tensors[record.$tensor];
      if (!tensor) throw new CliError(`checkpoint: expected tensor '${record.$tensor}' in state.safetensors, got none`);
      return tensor;
    }
    if (typeof record.$array === 'string') {
      const tensor = tensors[record.$array];
      if (!tensor) throw new CliError(`checkpoint: expected array '${record.$array}' in state.safetensors, got none`);
      return Array.from(tensor.data);
    }
    if (typeof record.$number === 'string') return Number(record.$number);
    return Object.fromEntries(Object.entries(record).map(([key, item]) => [key, restoreTensors(item, tensors)]));
  }
  return value;
}
