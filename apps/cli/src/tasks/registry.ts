import { CliError } from '../cliError.js';
import type { TaskName, TrainOptions } from '../options.js';
import type { TrainingTask } from '../training/task.js';

/** Per-task defaults: learning rate, clipping, time budget, the final line's label. */
export interface TaskDefaults {
  lr: number;
  clip?: number;
  /** Seconds of training when neither --budget nor --epochs is given. */
  budget: number;
  /** Label of the last line, e.g. `validation bits/char`. */
  finalLabel: string;
  /** Text that starts samples. */
  prime?: string;
}

const defaults: Record<TaskName, TaskDefaults> = {
  'char-lm': { lr: 2e-3, clip: 1, budget: 600, finalLabel: 'validation bits/char', prime: 'The ' },
  'seq-mnist': { lr: 1e-3, budget: 600, finalLabel: 'test accuracy' },
  g2p: { lr: 1e-3, budget: 600, finalLabel: 'validation phoneme error rate' },
  names: { lr: 3e-3, clip: 1, budget: 120, finalLabel: 'validation bits/char' },
  forecast: { lr: 3e-3, clip: 1, budget: 60, finalLabel: 'validation RMSE' },
};

/** The defaults of a task. */
export function taskDefaults(task: TaskName): TaskDefaults {
  return defaults[task];
}

/** Builds a task's data and model from resolved options (data modules load lazily). */
export async function buildTask(options: TrainOptions): Promise<TrainingTask> {
  const seed = options.seed ?? 0;
  const cell = options.cell ?? 'lstm';
  const dropout = options.dropout ?? 0;
  switch (options.task) {
    case 'char-lm': {
      const { charLmDefaults, charLmTask } = await import('./charLm.js');
      return charLmTask({
        cell, dropout, seed,
        embeddingSize: options.embeddingSize ?? charLmDefaults.embeddingSize,
        hiddenSize: options.hiddenSize ?? charLmDefaults.hiddenSize,
        numLayers: options.layers ?? charLmDefaults.numLayers,
        batch: options.batch ?? charLmDefaults.batch,
        bptt: options.bptt ?? charLmDefaults.bptt,
        evalLimit: options.evalLimit,
      });
    }
    default:
      throw new CliError(`recurrent train: task '${options.task}' is not available yet`);
  }
}
