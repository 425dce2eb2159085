import { dirname } from 'node:path';
import type { Parameter } from '@recurrent/autograd';
import type { GpujsBackend } from '@recurrent/backend-gpujs';
import { type Backend, Generator } from '@recurrent/tensor';
import { type LoadedCheckpoint, loadCheckpoint } from '../checkpoint/checkpoint.js';
import { CliError } from '../cliError.js';
import { type ResolvedTrainOptions, type TrainOptions, parseTrainOptions, resolveTrainOptions } from '../options.js';
import { prepareLogFile, prepareOutputDirectory } from '../run/paths.js';
import { acquireRunLock, removeStaleTemporaries } from '../run/runLock.js';
import { buildTask, taskDefaults } from '../tasks/registry.js';
import { clipping, createOptimizer } from '../training/optimizers.js';
import { restore, train } from '../training/trainer.js';

export { prepareOutputDirectory } from '../run/paths.js';

/** `recurrent train <task> [options]`. */
export async function trainCommand(argv: string[]): Promise<number> {
  const options = parseTrainOptions(argv);
  return runTraining(options);
}

/** Trains a task with parsed options; prints the final metric line. */
export async function runTraining(options: TrainOptions): Promise<number> {
  const loaded = options.resume ? loadCheckpoint(options.resume) : null;
  // a resumed run writes on into its own run directory unless --out says otherwise
  const out = prepareOutputDirectory(options.out ?? (loaded ? dirname(dirname(loaded.directory)) : `runs/${options.task}`));
  // a resumed run takes every saved setting; only the flags given now override them
  const saved = (loaded?.state.training ?? {}) as Partial<TrainOptions>;
  const settings: ResolvedTrainOptions = resolveTrainOptions({ ...options, resume: options.resume, out }, saved);
  if (loaded && settings.task !== loaded.state.task) throw new CliError(`checkpoint: expected a checkpoint of task '${settings.task}', got one of task '${loaded.state.task}'`);
  if (settings.gpujsMode !== undefined && settings.backend !== 'gpujs') {
    throw new CliError(`recurrent train: --gpujs-mode expected --backend gpujs, got --backend ${settings.backend ?? 'native or cpu (the default)'}`, 2);
  }
  if (settings.threads !== undefined && (settings.backend === 'cpu' || settings.backend === 'gpujs')) {
    throw new CliError(`recurrent train: --threads expected --backend native (or no --backend), got --backend ${settings.backend}`, 2);
  }
  if (settings.task === 'forecast' && (settings.csv === undefined || settings.target === undefined)) {
    throw new CliError('recurrent train forecast: expected --csv FILE and --target COLUMN, got ' + (settings.csv === undefined ? 'no --csv' : 'no --target'), 2);
  }
  // every path is checked before any training: a bad --log-json must not cost the run
  if (settings.logJson !== undefined) settings.logJson = prepareLogFile(settings.logJson);
  const release = acquireRunLock(out);
  try {
    removeStaleTemporaries(out);
    // --backend gpujs / native: one backend for the whole run, every module's parameters and every input on it
    const gpujs = settings.backend === 'gpujs' ? await createGpujs(settings) : null;
    const chosen = gpujs ? { backend: gpujs, label: `gpujs (mode ${gpujs.mode})` } : await chooseBackend(settings);
    try {
      const code = await trainOn(settings, loaded, out, chosen);
      if (gpujs) console.log(gpujsSummary(gpujs));
      return code;
    } finally {
      gpujs?.dispose();
    }
  } finally {
    release();
  }
}

/**
 * `--backend native`, or no `--backend`: the native backend of @recurrent/backend-native (an
 * optional dependency, loaded only here) with `--threads`; without `--backend` a backend that does
 * not load (no toolchain at install, package absent) leaves the run on the CPU backend, saying why.
 */
async function chooseBackend(settings: TrainOptions): Promise<{ backend: Backend | null; label: string }> {
  if (settings.backend === 'cpu') return { backend: null, label: 'cpu' };
  try {
    const { createNativeBackend } = await import('@recurrent/backend-native');
    const backend = createNativeBackend({ threads: settings.threads });
    const threads = `${backend.threads} thread${backend.threads === 1 ? '' : 's'}`;
    return { backend, label: `native (${backend.isa} kernels, OpenBLAS ${backend.info.blasCore} kernels, ${threads})` };
  } catch (error) {
    const reason = (error as Error).message.split('\n')[0];
    if (settings.backend === 'native') throw new CliError(`recurrent train: --backend native could not start (${reason})`);
    return { backend: null, label: `cpu (the native backend did not load: ${reason})` };
  }
}

/** The gpu.js backend of `--backend gpujs` (`--gpujs-mode`, else gpu.js chooses). */
async function createGpujs(settings: ResolvedTrainOptions): Promise<GpujsBackend> {
  const { createGpujsBackend } = await import('@recurrent/backend-gpujs');
  try {
    return createGpujsBackend({ mode: settings.gpujsMode });
  } catch (error) {
    throw new CliError(`recurrent train: --backend gpujs could not start gpu.js${settings.gpujsMode ? ` in mode ${settings.gpujsMode}` : ''} (${(error as Error).message.split('\n')[0]})`);
  }
}

/** One line: the gpu.js mode, the kernel classes that ran, the launches and the CPU fallbacks. */
export function gpujsSummary(backend: GpujsBackend): string {
  const classes = [...backend.kernelClasses].join(', ') || 'none';
  const fallbacks = [...backend.fallbacks].sort((a, b) => b[1] - a[1]);
  const total = fallbacks.reduce((sum, [, count]) => sum + count, 0);
  const listed = fallbacks.map(([name, count]) => `${name} ${count}`).join(', ');
  return `gpujs: mode ${backend.mode}, kernels ${classes}, ${backend.device.launches} launches, CPU fallbacks ${total}${total ? ` (${listed})` : ''}`;
}

async function trainOn(settings: ResolvedTrainOptions, loaded: LoadedCheckpoint | null, out: string, chosen: { backend: Backend | null; label: string }): Promise<number> {
  const { backend } = chosen;
  const defaults = taskDefaults(settings.task);
  const lr = settings.lr ?? defaults.lr;
  const clip = settings.clip ?? defaults.clip;
  const task = await buildTask(settings, backend ?? undefined);
  // once the task is built (a bad option fails before): which backend the run computes on
  console.log(`backend: ${chosen.label}`);
  const embedding = (task.model as { embedding?: { parameters(): Parameter[] } }).embedding;
  const optimizer = createOptimizer(settings.optimizer, task.model.parameters(), lr, settings.embeddingLr !== undefined && embedding ? { parameters: embedding.parameters(), lr: settings.embeddingLr } : undefined);
  let start: { step: number; trainSeconds: number; checkpoint?: string } = { step: 0, trainSeconds: 0 };
  if (loaded) {
    start = { ...restore(task, optimizer, loaded, settings.optimizer), checkpoint: loaded.directory };
    // the optimizer state brings back the rates it was saved with; the run's settings (the saved
    // ones, overridden by what was passed again) decide them, so `--resume R --lr X` runs at X
    optimizer.paramGroups[0].lr = lr;
    if (optimizer.paramGroups.length > 1 && settings.embeddingLr !== undefined) optimizer.paramGroups[1].lr = settings.embeddingLr;
    console.error(`resumed from ${loaded.directory} at step ${start.step} (${start.trainSeconds.toFixed(1)} s of training)`);
  }
  const budgetSeconds = settings.budget ?? (settings.epochs === undefined ? defaults.budget : undefined);
  const maxSteps = settings.epochs !== undefined ? Math.ceil(settings.epochs * task.stepsPerEpoch) : undefined;
  const sampler = new Generator(settings.seed + 1);
  const result = await train(task, {
    optimizer,
    clip: clipping(clip),
    budgetSeconds,
    maxSteps,
    evalEverySeconds: settings.evalEvery,
    evalEverySteps: settings.evalEverySteps,
    checkpointEvery: settings.checkpointEvery,
    keep: settings.keep,
    outDirectory: out,
    trainingConfig: { ...settings, lr, clip, resume: undefined, logJson: undefined, out: undefined },
    logJson: settings.logJson,
    progress: settings.progress,
    onEvaluation: task.sample && settings.sampleLength > 0
      ? (log) => log(`sample: ${JSON.stringify(task.sample!(settings.sampleLength, { temperature: 0.8 }, defaults.prime ?? '', sampler)).slice(1, -1)}`)
      : undefined,
  }, start);
  console.log(`checkpoint: ${result.checkpoint}`);
  if (result.lastMetric !== null) console.log(`${defaults.finalLabel}: ${result.lastMetric.toFixed(4)}`);
  return result.interrupted ? 130 : 0;
}
