import { type LoadedCheckpoint, loadCheckpoint } from '../checkpoint/checkpoint.js';
import { CliError } from '../cliError.js';
import type { TrainOptions } from '../options.js';
import { buildTask } from '../tasks/registry.js';
import type { TrainingTask } from '../training/task.js';

/** Rebuilds a checkpoint's task and loads its weights (strict), for `sample`, `eval` and `export`. */
export async function restoreTask(path: string): Promise<{ task: TrainingTask; loaded: LoadedCheckpoint; options: TrainOptions }> {
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
  return { task, loaded, options };
}
