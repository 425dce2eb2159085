import { type ParseArgsConfig, parseArgs } from 'node:util';

type OptionSpec = NonNullable<ParseArgsConfig['options']>;
import type { GpujsMode } from '@recurrent/backend-gpujs';
import { CliError } from './cliError.js';

/** The tasks `recurrent train` knows. */
export const tasks = ['char-lm', 'seq-mnist', 'g2p', 'names', 'forecast'] as const;
export type TaskName = (typeof tasks)[number];

/** Options of `recurrent train`, after defaults; `undefined` means "the task's default". */
export interface TrainOptions {
  task: TaskName;
  cell?: 'lstm' | 'gru' | 'rnn' | 'layernorm-lstm' | 'mingru' | 'minlstm';
  hiddenSize?: number;
  layers?: number;
  embeddingSize?: number;
  bidirectional?: boolean;
  dropout?: number;
  /** DropConnect probability on the recurrent weights (`WeightDrop`, fused cells; char-lm, g2p, names). */
  weightDrop?: number;
  /** Locked dropout on the embeddings and the recurrent outputs (char-lm, g2p, names). */
  lockedDropout?: number;
  /** A learning rate of its own for the embedding (a parameter group; char-lm, g2p, names). */
  embeddingLr?: number;
  optimizer?: 'adam' | 'adamw' | 'sgd' | 'rmsprop' | 'adagrad';
  lr?: number;
  batch?: number;
  bptt?: number;
  clip?: number;
  epochs?: number;
  budget?: number;
  seed?: number;
  /** The kernel backend; absent: the native one where it loads, else the CPU one. */
  backend?: 'cpu' | 'gpujs' | 'native';
  /** Threads of the native backend (BLAS products and gate loops; default every core). */
  threads?: number;
  /** The gpu.js mode with `--backend gpujs` (default: gpu.js chooses). */
  gpujsMode?: GpujsMode;
  /** Run directory (default: the resumed run's, else `runs/<task>`). */
  out?: string;
  resume?: string;
  logJson?: string;
  evalEvery: number;
  /** Validation items scored at intermediate evaluations (all at the last one). */
  evalLimit?: number;
  checkpointEvery: number;
  keep: number;
  csv?: string;
  target?: string;
  progress: boolean;
  sampleLength: number;
}

/** gpu.js modes `--gpujs-mode` accepts (listed here so parsing options never loads gpu.js). */
const gpujsModes = ['cpu', 'webasm', 'webgl2', 'webgl', 'headlessgl', 'gpu'] as const satisfies readonly GpujsMode[];

const trainSpec = {
  cell: { type: 'string' },
  'hidden-size': { type: 'string' },
  layers: { type: 'string' },
  'embedding-size': { type: 'string' },
  bidirectional: { type: 'boolean' },
  dropout: { type: 'string' },
  'weight-drop': { type: 'string' },
  'locked-dropout': { type: 'string' },
  'embedding-lr': { type: 'string' },
  optimizer: { type: 'string' },
  lr: { type: 'string' },
  batch: { type: 'string' },
  bptt: { type: 'string' },
  clip: { type: 'string' },
  epochs: { type: 'string' },
  budget: { type: 'string' },
  seed: { type: 'string' },
  backend: { type: 'string' },
  threads: { type: 'string' },
  'gpujs-mode': { type: 'string' },
  out: { type: 'string' },
  resume: { type: 'string' },
  'log-json': { type: 'string' },
  'eval-every': { type: 'string' },
  'eval-limit': { type: 'string' },
  'checkpoint-every': { type: 'string' },
  keep: { type: 'string' },
  csv: { type: 'string' },
  target: { type: 'string' },
  'no-progress': { type: 'boolean' },
  'sample-length': { type: 'string' },
} as const;

/** Parses argv with unknown options rejected, turning parse errors into one-line CliErrors. */
export function parse<T extends OptionSpec>(command: string, argv: string[], options: T): ReturnType<typeof parseArgs<{ args: string[]; options: T; allowPositionals: true; strict: true }>> {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new CliError(`recurrent ${command}: ${(error as Error).message.split('\n')[0]}`, 2);
  }
}

/** A numeric option: finite, within [min, max], an integer when asked. */
export function numberOption(command: string, name: string, text: string | undefined, rule: { min?: number; max?: number; integer?: boolean } = {}): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  const ok = text.trim() !== '' && Number.isFinite(value) && (!rule.integer || Number.isInteger(value)) && value >= (rule.min ?? -Infinity) && value <= (rule.max ?? Infinity);
  if (!ok) {
    const kind = rule.integer ? 'an integer' : 'a number';
    const range = rule.min !== undefined ? (rule.max !== undefined ? ` in [${rule.min}, ${rule.max}]` : ` ≥ ${rule.min}`) : '';
    throw new CliError(`recurrent ${command}: --${name} expected ${kind}${range}, got '${text}'`, 2);
  }
  return value;
}

function choice<T extends string>(command: string, name: string, text: string | undefined, allowed: readonly T[]): T | undefined {
  if (text === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(text)) throw new CliError(`recurrent ${command}: --${name} expected one of ${allowed.join(', ')}, got '${text}'`, 2);
  return text as T;
}

/** Parses `recurrent train <task> [options]`. */
export function parseTrainOptions(argv: string[]): TrainOptions {
  const { values, positionals } = parse('train', argv, trainSpec);
  if (positionals.length !== 1) throw new CliError(`recurrent train: expected one task (${tasks.join(', ')}), got ${positionals.length === 0 ? 'none' : positionals.join(' ')}`, 2);
  if (!(tasks as readonly string[]).includes(positionals[0])) throw new CliError(`recurrent train: expected a task (${tasks.join(', ')}), got '${positionals[0]}'`, 2);
  const task = positionals[0] as TaskName;
  const int = (name: keyof typeof trainSpec, min = 1) => numberOption('train', name, values[name] as string | undefined, { integer: true, min });
  const num = (name: keyof typeof trainSpec, min = 0, max?: number) => numberOption('train', name, values[name] as string | undefined, { min, max });
  const options: TrainOptions = {
    task,
    cell: choice('train', 'cell', values.cell, ['lstm', 'gru', 'rnn', 'layernorm-lstm', 'mingru', 'minlstm'] as const),
    hiddenSize: int('hidden-size'),
    layers: int('layers'),
    embeddingSize: int('embedding-size'),
    bidirectional: values.bidirectional,
    dropout: num('dropout', 0, 0.99),
    weightDrop: num('weight-drop', 0, 0.99),
    lockedDropout: num('locked-dropout', 0, 0.99),
    embeddingLr: num('embedding-lr'),
    optimizer: choice('train', 'optimizer', values.optimizer, ['adam', 'adamw', 'sgd', 'rmsprop', 'adagrad'] as const),
    lr: num('lr'),
    batch: int('batch'),
    bptt: int('bptt'),
    clip: num('clip'),
    epochs: num('epochs'),
    budget: num('budget'),
    seed: int('seed', 0),
    backend: choice('train', 'backend', values.backend, ['cpu', 'gpujs', 'native'] as const),
    threads: int('threads'),
    gpujsMode: choice('train', 'gpujs-mode', values['gpujs-mode'], gpujsModes),
    out: values.out,
    resume: values.resume,
    logJson: values['log-json'],
    evalEvery: num('eval-every') ?? 30,
    evalLimit: int('eval-limit'),
    checkpointEvery: int('checkpoint-every') ?? 200,
    keep: int('keep') ?? 3,
    csv: values.csv,
    target: values.target,
    progress: !values['no-progress'],
    sampleLength: int('sample-length', 0) ?? 200,
  };
  if (options.gpujsMode !== undefined && options.backend !== 'gpujs') {
    throw new CliError(`recurrent train: --gpujs-mode expected --backend gpujs, got --backend ${options.backend ?? 'native or cpu (the default)'}`, 2);
  }
  if (options.threads !== undefined && (options.backend === 'cpu' || options.backend === 'gpujs')) {
    throw new CliError(`recurrent train: --threads expected --backend native (or no --backend), got --backend ${options.backend}`, 2);
  }
  if (task === 'forecast' && (options.csv === undefined || options.target === undefined)) {
    throw new CliError('recurrent train forecast: expected --csv FILE and --target COLUMN, got ' + (options.csv === undefined ? 'no --csv' : 'no --target'), 2);
  }
  if (task !== 'forecast' && (options.csv !== undefined || options.target !== undefined)) {
    throw new CliError(`recurrent train ${task}: --csv and --target belong to the forecast task, got them for ${task}`, 2);
  }
  for (const [flag, value] of [['weight-drop', options.weightDrop], ['locked-dropout', options.lockedDropout], ['embedding-lr', options.embeddingLr]] as const) {
    if (value !== undefined && !['char-lm', 'g2p', 'names'].includes(task)) {
      throw new CliError(`recurrent train ${task}: --${flag} works with the tasks that embed tokens (char-lm, g2p, names), got it for ${task}`, 2);
    }
  }
  return options;
}
