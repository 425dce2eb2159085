import type { Module } from '@recurrent/autograd';
import type { ModelIO, ModuleKind } from '@recurrent/layers';
import type { Generator } from '@recurrent/tensor';

/** How a task's metric compares: lower is better (bits/char, error rate) or higher (accuracy). */
export type MetricDirection = 'lower' | 'higher';

/**
 * One task, built and ready to train: the model, its data stream and its metric. The trainer
 * owns the loop, the optimizer, clipping, time, evaluation schedule, progress and checkpoints; a
 * task only knows how to compute one training loss and one evaluation.
 */
export interface TrainingTask {
  /** The task's name, stored in checkpoints. */
  name: string;
  /** The model whose parameters are trained and saved. */
  model: Module;
  /** Everything that determines the model's architecture, compared when resuming. */
  modelConfig: Record<string, unknown>;
  /** Vocabulary symbols in index order, or null. */
  vocabulary: string[] | null;
  /** What turns raw input into the model's input and back, written into the model file. */
  io?: ModelIO;
  /** The evaluation metric's name (as `--log-json` writes it) and direction. */
  metric: { name: string; direction: MetricDirection };
  /** What the speed counts (`chars`, `seqs`) and how many of them one step consumes. */
  unit: { name: string; perStep: number };
  /** Optimizer steps in one pass over the training data. */
  stepsPerEpoch: number;
  /** Generators the training draws from (shuffling, dropout), saved in checkpoints. */
  generators: Record<string, Generator>;
  /** Computes the next batch's loss and its gradients (backward included); returns the loss. */
  trainStep(): number;
  /** The metric on the validation split, in evaluation mode; must not touch training state.
   * Intermediate evaluations (`final` false) may score a prefix of it to save time. */
  evaluate(final?: boolean): number;
  /** Kinds of the task's own modules the model file needs beside the library's (none of the built-in tasks needs one). */
  kinds?: readonly ModuleKind[];
  /** Checkpoint the weights as a plain PyTorch state dict, not a model file: for a model that
   * neither the library's kinds nor the cli's `taskKinds` describe (spam's, for now). */
  plainWeights?: boolean;
  /** Further figures of the last evaluation (a baseline's, other splits'), logged beside the
   * metric: `{"test_mae": 240.1, "test_mae_year_earlier": 269.0}`. */
  details?(): Record<string, number>;
  /** Where the data stream stands (may hold tensors, such as carried hidden states). */
  getDataState(): Record<string, unknown>;
  /** Restores {@link getDataState}'s value. */
  setDataState(state: Record<string, unknown>): void;
  /** A short generated text to show progress (char-lm, names), or null. */
  /** Generated text that starts with `prime` (kept), drawn with the sampling options. */
  sample?(length: number, sampling: SamplingSettings, prime: string, generator: Generator): string;
}

/** How `sample` draws each token: temperature, then top-k and top-p (nucleus) truncation. */
export interface SamplingSettings {
  temperature: number;
  topK?: number;
  topP?: number;
}
