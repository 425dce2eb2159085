import type { Backend } from '@recurrent/tensor';
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

/**
 * Builds a task's data and model from resolved options (data modules load lazily), with the
 * model's parameters and the input tensors on `backend` (default: the CPU backend).
 */
export async function buildTask(options: TrainOptions, backend?: Backend): Promise<TrainingTask> {
  const seed = options.seed ?? 0;
  const cell = options.cell ?? 'lstm';
  const dropout = options.dropout ?? 0;
  switch (options.task) {
    case 'char-lm': {
      const { charLmDefaults, charLmTask } = await import('./charLm.js');
      return charLmTask({
        cell, dropout, seed, backend,
        embeddingSize: options.embeddingSize ?? charLmDefaults.embeddingSize,
        hiddenSize: options.hiddenSize ?? charLmDefaults.hiddenSize,
        numLayers: options.layers ?? charLmDefaults.numLayers,
        batch: options.batch ?? charLmDefaults.batch,
        bptt: options.bptt ?? charLmDefaults.bptt,
        evalLimit: options.evalLimit,
      });
    }
    case 'seq-mnist': {
      const { seqMnistDefaults, seqMnistTask } = await import('./seqMnist.js');
      return seqMnistTask({
        cell, dropout, seed, backend, evalLimit: options.evalLimit,
        hiddenSize: options.hiddenSize ?? seqMnistDefaults.hiddenSize,
        numLayers: options.layers ?? seqMnistDefaults.numLayers,
        bidirectional: options.bidirectional ?? false,
        batch: options.batch ?? seqMnistDefaults.batch,
      });
    }
    case 'g2p': {
      const { g2pDefaults, g2pTask } = await import('./g2p.js');
      return g2pTask({
        cell, dropout, seed, backend, evalLimit: options.evalLimit,
        embeddingSize: options.embeddingSize ?? g2pDefaults.embeddingSize,
        hiddenSize: options.hiddenSize ?? g2pDefaults.hiddenSize,
        numLayers: options.layers ?? g2pDefaults.numLayers,
        bidirectional: options.bidirectional ?? g2pDefaults.bidirectional,
        batch: options.batch ?? g2pDefaults.batch,
      });
    }
    case 'names': {
      const { namesDefaults, namesTask } = await import('./names.js');
      return namesTask({
        cell, dropout, seed, backend,
        embeddingSize: options.embeddingSize ?? namesDefaults.embeddingSize,
        hiddenSize: options.hiddenSize ?? namesDefaults.hiddenSize,
        numLayers: options.layers ?? namesDefaults.numLayers,
        batch: options.batch ?? namesDefaults.batch,
      });
    }
    case 'forecast': {
      const { forecastDefaults, forecastTask } = await import('./forecast.js');
      return forecastTask({
        csv: options.csv!, target: options.target!, cell, dropout, seed, backend,
        hiddenSize: options.hiddenSize ?? forecastDefaults.hiddenSize,
        numLayers: options.layers ?? forecastDefaults.numLayers,
        batch: options.batch ?? forecastDefaults.batch,
        window: options.bptt ?? forecastDefaults.window,
      });
    }
    default:
      throw new CliError(`recurrent train: expected a task (char-lm, seq-mnist, g2p, names, forecast), got '${String(options.task)}'`, 2);
  }
}
