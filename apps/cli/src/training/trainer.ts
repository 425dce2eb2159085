import { closeSync, fstatSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import { type Parameter } from '@recurrent/autograd';
import { type Generator, type GeneratorState } from '@recurrent/tensor';
import { type CheckpointState, type LoadedCheckpoint, checkSameModel, saveCheckpoint } from '../checkpoint/checkpoint.js';
import { describeFileError } from '../checkpoint/atomicWrite.js';
import { CliError } from '../cliError.js';
import { type Progress, createProgress } from './progress.js';
import type { TrainingTask } from './task.js';

/** The optimizer as the trainer uses it. */
export interface TrainerOptimizer {
  /** The groups' learning rates (the model's parameters first, then `--embedding-lr`'s group). */
  readonly paramGroups: readonly { lr: number }[];
  step(): void;
  zeroGrad(): void;
  stateDict(): unknown;
  loadStateDict(state: never): void;
}

/** Settings of {@link train}. */
export interface TrainerSettings {
  optimizer: TrainerOptimizer;
  /** Global gradient-norm clipping (none when undefined). */
  clip?: (parameters: Parameter[]) => void;
  /** Stop after this many seconds of training (evaluation excluded). */
  budgetSeconds?: number;
  /** Stop after this many optimizer steps. */
  maxSteps?: number;
  /** Evaluate every this many seconds of training (0: only at the end). */
  evalEverySeconds: number;
  /** Evaluate every this many optimizer steps instead (the evaluations then do not depend on the machine's speed). */
  evalEverySteps?: number;
  /** Checkpoint every this many steps (and at the end and on SIGINT). */
  checkpointEvery: number;
  keep: number;
  outDirectory: string;
  /** Everything about the run worth keeping (optimizer name, lr, batch…). */
  trainingConfig: Record<string, unknown>;
  logJson?: string;
  progress: boolean;
  /** Printed after each evaluation (samples for generative tasks). */
  onEvaluation?: (log: (line: string) => void) => void;
  /** Called with each step's loss (tests compare curves). */
  onStep?: (step: number, loss: number) => void;
  /** Evaluate at all (tests switch it off to stay fast). */
  evaluate?: boolean;
}

/** What a run ended with. */
export interface TrainerResult {
  step: number;
  trainSeconds: number;
  lastMetric: number | null;
  interrupted: boolean;
  checkpoint: string;
}

/** Runs `action`, turning what it throws into one `checkpoint:` line naming the part and the directory. */
function restoring<T>(part: string, directory: string, action: () => T): T {
  try {
    return action();
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`checkpoint: ${directory}: ${part}: ${(error as Error).message.replace(/\n\s*/g, '; ')}`);
  }
}

/**
 * Restores a task, its optimizer and its generators from a checkpoint (validated first). With
 * `optimizerName`, the checkpoint must have been trained with that optimizer.
 */
export function restore(task: TrainingTask, optimizer: TrainerOptimizer, loaded: LoadedCheckpoint, optimizerName?: string): { step: number; trainSeconds: number } {
  checkSameModel(loaded.state, task.name, task.modelConfig);
  const savedOptimizer = (loaded.state.training as { optimizer?: unknown }).optimizer ?? 'adam';
  if (optimizerName !== undefined && savedOptimizer !== optimizerName) {
    throw new CliError(`checkpoint: expected optimizer state of ${optimizerName}, got one saved by ${JSON.stringify(savedOptimizer)} in ${loaded.directory} (resume with --optimizer ${String(savedOptimizer)}, or start a new run)`);
  }
  try {
    task.model.loadStateDict(loaded.weights, { strict: true });
  } catch (error) {
    throw new CliError(`checkpoint: ${(error as Error).message.replace(/\n\s*/g, '; ')}`);
  }
  restoring('optimizer state', loaded.directory, () => optimizer.loadStateDict(loaded.optimizer as never));
  restoring('data state', loaded.directory, () => task.setDataState(loaded.data));
  for (const [name, generator] of Object.entries(task.generators)) {
    const state = loaded.state.rng[name] as GeneratorState | undefined;
    if (!state) throw new CliError(`checkpoint: expected generator state '${name}', got none`);
    restoring(`generator state '${name}'`, loaded.directory, () => generator.setState(state));
  }
  return { step: loaded.state.step, trainSeconds: loaded.state.trainSeconds };
}

/**
 * Trains a task: steps until the budget or step limit, evaluating every `evalEverySeconds` of
 * training time (evaluation time excluded) or every `evalEverySteps` steps, logging `{"train_s", "step", "metric", "value"}`
 * lines, checkpointing every `checkpointEvery` steps, at the end and on SIGINT.
 */
export async function train(task: TrainingTask, settings: TrainerSettings, start: { step: number; trainSeconds: number; checkpoint?: string } = { step: 0, trainSeconds: 0 }): Promise<TrainerResult> {
  let { step, trainSeconds } = start;
  let interrupted = false;
  let firstSignal = 0;
  const onSignal = () => {
    const now = Date.now();
    if (interrupted && now - firstSignal > 2000) process.exit(130);
    if (!interrupted) firstSignal = now;
    interrupted = true;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const progress: Progress = createProgress(settings.progress, task, settings);
  const log = (line: string) => progress.log(line);
  let lastMetric: number | null = null;
  const everySteps = settings.evalEverySteps;
  let nextEval = everySteps === undefined && settings.evalEverySeconds > 0 ? (Math.floor(trainSeconds / settings.evalEverySeconds) + 1) * settings.evalEverySeconds : Infinity;
  const checkpoint = () => saveCheckpoint(settings.outDirectory, { weights: task.model.stateDict(), model: task.plainWeights ? undefined : task.model, io: task.io, kinds: task.kinds, optimizer: settings.optimizer.stateDict(), data: task.getDataState(), state: stateOf(task, settings, step, trainSeconds, lastMetric) }, settings.keep);
  const evaluate = (final: boolean) => {
    if (settings.evaluate === false) return;
    lastMetric = task.evaluate(final);
    task.model.train();
    const details = task.details?.();
    if (settings.logJson) {
      try {
        appendLine(settings.logJson, JSON.stringify({ train_s: round(trainSeconds), step, metric: task.metric.name, value: lastMetric, ...(details ? { details } : {}) }));
      } catch (error) {
        // the training so far is kept: a checkpoint (on its own disk) before stopping
        let saved: string;
        try {
          saved = `checkpoint saved to ${checkpoint()}`;
        } catch (failure) {
          saved = `no checkpoint saved either (${(failure as Error).message})`;
        }
        throw new CliError(`recurrent train: cannot append to --log-json ${settings.logJson} (${describeFileError(error) ?? (error as Error).message}); ${saved}`);
      }
    }
    log(`step ${step} · ${round(trainSeconds)} s · ${task.metric.name} ${lastMetric.toFixed(4)}`);
    if (details) log(Object.entries(details).map(([name, value]) => `${name} ${value.toFixed(4)}`).join(' · '));
    settings.onEvaluation?.(log);
  };
  const done = () => (settings.budgetSeconds !== undefined && trainSeconds >= settings.budgetSeconds) || (settings.maxSteps !== undefined && step >= settings.maxSteps);
  let lastCheckpoint = '';
  task.model.train();
  try {
    while (!done() && !interrupted) {
      const began = performance.now();
      settings.optimizer.zeroGrad();
      const loss = task.trainStep();
      if (!Number.isFinite(loss)) throw new CliError(`train: the loss became ${loss} at step ${step + 1}; try a lower --lr or --clip 1`);
      settings.clip?.(task.model.parameters());
      settings.optimizer.step();
      step++;
      const seconds = (performance.now() - began) / 1000;
      trainSeconds += seconds;
      settings.onStep?.(step, loss);
      progress.update(step, trainSeconds, loss, lastMetric, task.unit.perStep / seconds);
      // the last evaluation is the full one after the loop
      if (everySteps !== undefined) {
        if (step % everySteps === 0 && !done()) evaluate(false);
      } else if (trainSeconds >= nextEval && !done()) {
        evaluate(false);
        nextEval += settings.evalEverySeconds * Math.max(1, Math.ceil((trainSeconds - nextEval) / settings.evalEverySeconds + 1e-9));
      }
      if (step % settings.checkpointEvery === 0) lastCheckpoint = checkpoint();
      // yields to the event loop so a SIGINT handler can run between steps
      if (step % 5 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    if (!interrupted) evaluate(true);
    // a resumed run that took no step (its budget was spent) keeps the checkpoint it started from
    // rather than writing it again over itself
    lastCheckpoint = step === start.step && start.checkpoint !== undefined ? start.checkpoint : checkpoint();
  } finally {
    progress.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
  }
  if (interrupted) console.error(`interrupted at step ${step}: checkpoint saved to ${lastCheckpoint}`);
  return { step, trainSeconds, lastMetric, interrupted, checkpoint: lastCheckpoint };
}

function stateOf(task: TrainingTask, settings: TrainerSettings, step: number, trainSeconds: number, lastMetric: number | null): Omit<CheckpointState, 'format' | 'version' | 'optimizer' | 'data'> {
  const rng: Record<string, unknown> = {};
  for (const [name, generator] of Object.entries(task.generators) as [string, Generator][]) rng[name] = generator.getState();
  return {
    task: task.name,
    model: task.modelConfig,
    training: settings.trainingConfig,
    vocabulary: task.vocabulary,
    schedule: null,
    rng,
    step,
    trainSeconds,
    extra: { metric: task.metric.name, value: lastMetric },
  };
}

/** Appends one line to a file; a write that fails part-way (a full disk) is cut back, so the file keeps whole lines only. */
function appendLine(path: string, line: string): void {
  const descriptor = openSync(path, 'a');
  const size = fstatSync(descriptor).size;
  try {
    const bytes = new TextEncoder().encode(`${line}\n`);
    for (let written = 0; written < bytes.length;) written += writeSync(descriptor, bytes, written, bytes.length - written);
  } catch (error) {
    try {
      ftruncateSync(descriptor, size);
    } catch {
      // the error that matters is the write's
    }
    throw error;
  } finally {
    closeSync(descriptor);
  }
}

function round(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
