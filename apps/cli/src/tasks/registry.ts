import type { Backend } from '@recurrent/tensor';
import { CliError } from '../cliError.js';
import type { TaskName, TrainOptions } from '../options.js';
import type { TrainingTask } from '../training/task.js';
import type { CellName, RecurrentModelSettings } from './models.js';
import { type ModelSize, checkMemory } from '../training/memoryEstimate.js';

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
  spam: { lr: 2e-3, clip: 1, budget: 300, finalLabel: 'test F1 (spam)' },
  'g2p-attention': { lr: 1e-3, budget: 600, finalLabel: 'validation phoneme error rate' },
  autoencoder: { lr: 3e-3, clip: 1, budget: 300, finalLabel: 'validation exact reconstruction' },
  births: { lr: 2e-3, clip: 1, budget: 180, finalLabel: 'validation MAE (births/day)' },
};

/** The cell and dropout of a task whose own defaults name neither (applied after the task's). */
export const sharedModelDefaults = { cell: 'lstm', dropout: 0 } as const satisfies { cell: CellName; dropout: number };

/** The defaults of a task. */
export function taskDefaults(task: TaskName): TaskDefaults {
  return defaults[task];
}

/** A task's own model defaults: its sizes, and optionally its cell and dropout. */
export interface TaskModelDefaults {
  hiddenSize: number;
  numLayers: number;
  batch: number;
  cell?: CellName;
  dropout?: number;
}

/**
 * What every task's model takes: each setting from the option given, else the task's own default,
 * else (cell and dropout only) {@link sharedModelDefaults}, so a task's default cell is kept
 * unless `--cell` names another.
 */
export function modelSettings(options: TrainOptions, defaults: TaskModelDefaults, backend?: Backend): RecurrentModelSettings {
  return {
    cell: options.cell ?? defaults.cell ?? sharedModelDefaults.cell,
    dropout: options.dropout ?? defaults.dropout ?? sharedModelDefaults.dropout,
    weightDrop: options.weightDrop,
    lockedDropout: options.lockedDropout,
    seed: options.seed ?? 0,
    backend,
    hiddenSize: options.hiddenSize ?? defaults.hiddenSize,
    numLayers: options.layers ?? defaults.numLayers,
    batch: options.batch ?? defaults.batch,
  };
}

/**
 * Builds a task's data and model from resolved options (data modules load lazily), with the
 * model's parameters and the input tensors on `backend` (default: the CPU backend).
 */
export async function buildTask(options: TrainOptions, backend?: Backend): Promise<TrainingTask> {
  const model = (defaults: TaskModelDefaults): RecurrentModelSettings => modelSettings(options, defaults, backend);
  // checked before any allocation: a huge size is one line, not a RangeError or minutes of swapping
  const fits = (settings: RecurrentModelSettings, size: Omit<ModelSize, 'cell' | 'hiddenSize' | 'numLayers' | 'batch'>) =>
    checkMemory({ cell: settings.cell, hiddenSize: settings.hiddenSize, numLayers: settings.numLayers, batch: settings.batch, ...size }, options.maxMemory ?? 4);
  switch (options.task) {
    case 'char-lm': {
      const { charLmDefaults, charLmTask } = await import('./charLm.js');
      const settings = model(charLmDefaults);
      const embeddingSize = options.embeddingSize ?? charLmDefaults.embeddingSize;
      // Moby Dick has 89 symbols; 128 bounds any corpus of ASCII text
      fits(settings, { inputSize: embeddingSize, vocabularySize: 128, outputSize: 128, bidirectional: false, steps: options.bptt ?? charLmDefaults.bptt });
      return charLmTask({
        ...model(charLmDefaults),
        embeddingSize: options.embeddingSize ?? charLmDefaults.embeddingSize,
        bptt: options.bptt ?? charLmDefaults.bptt,
        evalLimit: options.evalLimit,
      });
    }
    case 'seq-mnist': {
      const { seqMnistDefaults, seqMnistTask } = await import('./seqMnist.js');
      fits(model(seqMnistDefaults), { inputSize: 28, vocabularySize: 0, outputSize: 10, bidirectional: options.bidirectional ?? false, steps: 28 });
      return seqMnistTask({
        ...model(seqMnistDefaults),
        evalLimit: options.evalLimit,
        bidirectional: options.bidirectional ?? false,
      });
    }
    case 'g2p': {
      const { g2pDefaults, g2pTask } = await import('./g2p.js');
      fits(model(g2pDefaults), { inputSize: options.embeddingSize ?? g2pDefaults.embeddingSize, vocabularySize: 64, outputSize: 128, bidirectional: options.bidirectional ?? g2pDefaults.bidirectional, steps: 32 });
      return g2pTask({
        ...model(g2pDefaults),
        evalLimit: options.evalLimit,
        embeddingSize: options.embeddingSize ?? g2pDefaults.embeddingSize,
        bidirectional: options.bidirectional ?? g2pDefaults.bidirectional,
      });
    }
    case 'names': {
      const { namesDefaults, namesTask } = await import('./names.js');
      fits(model(namesDefaults), { inputSize: options.embeddingSize ?? namesDefaults.embeddingSize, vocabularySize: 64, outputSize: 64, bidirectional: false, steps: 20 });
      return namesTask({
        ...model(namesDefaults),
        embeddingSize: options.embeddingSize ?? namesDefaults.embeddingSize,
      });
    }
    case 'forecast': {
      const { forecastDefaults, forecastTask } = await import('./forecast.js');
      fits(model(forecastDefaults), { inputSize: 1, vocabularySize: 0, outputSize: 1, bidirectional: false, steps: options.bptt ?? forecastDefaults.window });
      return forecastTask({
        ...model(forecastDefaults),
        csv: options.csv!, target: options.target!,
        window: options.bptt ?? forecastDefaults.window,
      });
    }
    case 'spam': {
      const { spamDefaults, spamTask } = await import('./spam.js');
      return spamTask({ ...model(spamDefaults), evalLimit: options.evalLimit, embeddingSize: options.embeddingSize ?? spamDefaults.embeddingSize, maxTokens: options.bptt ?? spamDefaults.maxTokens });
    }
    case 'g2p-attention': {
      const { g2pAttentionDefaults, g2pAttentionTask } = await import('./g2pAttention.js');
      return g2pAttentionTask({ ...model(g2pAttentionDefaults), evalLimit: options.evalLimit, embeddingSize: options.embeddingSize ?? g2pAttentionDefaults.embeddingSize });
    }
    case 'autoencoder': {
      const { autoencoderDefaults, autoencoderTask } = await import('./autoencoder.js');
      return autoencoderTask({ ...model(autoencoderDefaults), evalLimit: options.evalLimit, embeddingSize: options.embeddingSize ?? autoencoderDefaults.embeddingSize });
    }
    case 'births': {
      const { birthsDefaults, birthsTask } = await import('./births.js');
      return birthsTask({ ...model(birthsDefaults), window: options.bptt ?? birthsDefaults.window });
    }
    default:
      throw new CliError(`recurrent train: expected a task (char-lm, seq-mnist, g2p, names, forecast, spam, births, g2p-attention, autoencoder), got '${String(options.task)}'`, 2);
  }
}
