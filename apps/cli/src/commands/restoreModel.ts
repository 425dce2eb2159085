import { existsSync, statSync } from 'node:fs';
import { ModelFileError, type ModelIO } from '@recurrent/layers';
import { loadModelFile } from '@recurrent/layers/node';
import { type LoadedCheckpoint, loadCheckpoint } from '../checkpoint/checkpoint.js';
import { CliError } from '../cliError.js';
import type { TrainOptions } from '../options.js';
import { taskKinds } from '../tasks/moduleKinds.js';
import { buildTask } from '../tasks/registry.js';
import type { TrainingTask } from '../training/task.js';

/** Where a restored model came from: a checkpoint directory or a model file. */
export interface RestoredSource {
  /** The checkpoint directory or the model file's path. */
  path: string;
  /** Optimizer steps the model was trained for. */
  step: number;
  /** The checkpoint, when the source was one. */
  checkpoint: LoadedCheckpoint | null;
  /** The model file's io (a checkpoint's model.safetensors has one too). */
  io: ModelIO | null;
}

/**
 * Rebuilds a task and loads its weights (strict), for `sample`, `eval` and `export`, from a run or
 * checkpoint directory or from any model file the trainer wrote (a checkpoint's
 * `model.safetensors`, copied anywhere): the file's description carries the training options.
 */
export async function restoreTask(path: string): Promise<{ task: TrainingTask; source: RestoredSource; options: TrainOptions }> {
  if (existsSync(path) && statSync(path).isFile()) return restoreFromModelFile(path);
  const loaded = loadCheckpoint(path);
  const options = loaded.state.training as unknown as TrainOptions;
  if (options?.task !== loaded.state.task) throw new CliError(`checkpoint: expected training options for task '${loaded.state.task}' in ${loaded.directory}, got ${JSON.stringify(options?.task)}`);
  const task = await buildTask(options);
  try {
    task.model.loadStateDict(loaded.weights, { strict: true });
  } catch (error) {
    throw new CliError(`checkpoint: ${(error as Error).message.replace(/\n\s*/g, '; ')}`);
  }
  task.model.eval();
  return { task, options, source: { path: loaded.directory, step: loaded.state.step, checkpoint: loaded, io: task.io ?? null } };
}

async function restoreFromModelFile(path: string): Promise<{ task: TrainingTask; source: RestoredSource; options: TrainOptions }> {
  let file: ReturnType<typeof loadModelFile>;
  try {
    file = loadModelFile(path, { kinds: taskKinds });
  } catch (error) {
    if (error instanceof ModelFileError) throw new CliError(`${path}: ${error.message} [${error.code}]`);
    throw error;
  }
  const extra = (file.io?.extra ?? null) as { training?: TrainOptions; step?: number } | null;
  const options = extra?.training;
  if (!options || typeof options.task !== 'string') throw new CliError(`${path}: expected a model file written by recurrent train (training options in its io), got one without them`);
  const task = await buildTask(options);
  try {
    task.model.loadStateDict(file.module.stateDict(), { strict: true });
  } catch (error) {
    throw new CliError(`${path}: ${(error as Error).message.replace(/\n\s*/g, '; ')}`);
  }
  task.model.eval();
  return { task, options, source: { path, step: extra?.step ?? 0, checkpoint: null, io: file.io } };
}
