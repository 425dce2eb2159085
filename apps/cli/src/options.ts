import { type ParseArgsConfig, parseArgs } from 'node:util';

type OptionSpec = NonNullable<ParseArgsConfig['options']>;
import type { GpujsMode } from '@recurrent/backend-gpujs';
import { nearestName } from '@recurrent/tensor';
import { CliError } from './cliError.js';

/** The tasks `recurrent train` knows. */
export const tasks = ['char-lm', 'seq-mnist', 'g2p', 'names', 'forecast', 'spam', 'births', 'g2p-attention', 'autoencoder'] as const;
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
  evalEvery?: number;
  /** Evaluate every this many optimizer steps instead of every `evalEvery` seconds (`--eval-every-steps`). */
  evalEverySteps?: number;
  /** Validation items scored at intermediate evaluations (all at the last one). */
  evalLimit?: number;
  checkpointEvery?: number;
  keep?: number;
  csv?: string;
  target?: string;
  progress?: boolean;
  sampleLength?: number;
  /** Refuse a model whose estimated memory exceeds this many GB (`--max-memory`, default 4). */
  maxMemory?: number;
}

/** The settings of a run once saved settings, given flags and defaults are merged. */
export type ResolvedTrainOptions = TrainOptions & Required<Pick<TrainOptions, 'evalEvery' | 'checkpointEvery' | 'keep' | 'progress' | 'sampleLength' | 'maxMemory' | 'optimizer' | 'seed'>>;

/**
 * Defaults of the run settings every task shares. The model's settings (`cell`, `dropout`, the
 * sizes) are left undefined here: the task's own defaults fill them when it is built, then the
 * shared ones (`sharedModelDefaults` of the task registry), so a task sees whether `--cell` was given.
 */
export const trainDefaults = {
  evalEvery: 30, checkpointEvery: 200, keep: 3, progress: true, sampleLength: 200, maxMemory: 4,
  optimizer: 'adam', seed: 0,
} as const satisfies Partial<TrainOptions>;

/**
 * A resumed run's settings: the saved ones, overridden by the flags given now, then the defaults
 * for whatever neither has (defaults never override a saved setting).
 */
export function resolveTrainOptions(given: TrainOptions, saved: Partial<TrainOptions> = {}): ResolvedTrainOptions {
  const defined = Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined));
  const savedDefined: Partial<TrainOptions> = Object.fromEntries(Object.entries(saved).filter(([, value]) => value !== undefined && value !== null));
  // a period given now replaces the saved one of either kind
  if (defined.evalEvery !== undefined) delete savedDefined.evalEverySteps;
  if (defined.evalEverySteps !== undefined) delete savedDefined.evalEvery;
  return { ...trainDefaults, ...savedDefined, ...defined } as ResolvedTrainOptions;
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
  'eval-every-steps': { type: 'string' },
  'eval-limit': { type: 'string' },
  'checkpoint-every': { type: 'string' },
  keep: { type: 'string' },
  csv: { type: 'string' },
  target: { type: 'string' },
  'no-progress': { type: 'boolean' },
  'sample-length': { type: 'string' },
  'max-memory': { type: 'string' },
} as const;

/** Flags only some tasks use: any other task refuses them rather than ignoring them. */
const taskFlags: Partial<Record<keyof typeof trainSpec, readonly TaskName[]>> = {
  bidirectional: ['seq-mnist', 'g2p'],
  bptt: ['char-lm', 'forecast', 'spam', 'births'],
  'embedding-size': ['char-lm', 'g2p', 'names', 'spam', 'g2p-attention', 'autoencoder'],
  'eval-limit': ['char-lm', 'seq-mnist', 'g2p', 'spam', 'g2p-attention', 'autoencoder'],
  'sample-length': ['char-lm', 'names'],
  csv: ['forecast'],
  target: ['forecast'],
};

/** Usage of each command, printed by `--help`. */
export const usages: Record<string, string> = {
  train: `usage: recurrent train <task> [options]

  tasks: ${tasks.join(', ')}
  --cell lstm|gru|rnn|layernorm-lstm|mingru|minlstm   --hidden-size N   --layers N   --dropout P
                           (each task's own default cell and dropout unless given; spam: gru, 0.3)
  --embedding-size N       (char-lm, g2p, names, spam, g2p-attention, autoencoder)
  --weight-drop P --locked-dropout P --embedding-lr X   (char-lm, g2p, names)
  --bidirectional          (seq-mnist, g2p)
  --bptt N                 (char-lm: window; forecast, births: past days read; spam: tokens read)
  --optimizer adam|adamw|sgd|rmsprop|adagrad   --lr X   --batch N   --clip X
  --epochs N | --budget SECONDS                --seed N
  --backend native|cpu|gpujs (default: native where it loads, else cpu) --threads N (native)
  [--gpujs-mode webasm|cpu|webgl2|webgl|headlessgl|gpu] (gpujs)
  --out DIR   --resume DIR   --log-json FILE   --eval-every SECONDS | --eval-every-steps N
  --eval-limit N           (char-lm, seq-mnist, g2p, spam, g2p-attention, autoencoder)
  --checkpoint-every STEPS   --keep N   --no-progress   --sample-length N (char-lm, names)
  --max-memory GB          refuse a model estimated to need more (default 4)
  forecast: --csv FILE --target COLUMN
  --resume DIR restores every saved setting; flags given again override them.`,
  sample: `usage: recurrent sample DIR [--length N] [--temperature T] [--top-k K] [--top-p P] [--prime TEXT] [--seed N]

  generates from a char-lm or names checkpoint (a run or checkpoint directory)`,
  eval: `usage: recurrent eval DIR

  evaluates a checkpoint on its task's validation split`,
  export: `usage: recurrent export DIR [--format safetensors|pytorch|onnx|model|bundle] [--output PATH]

  writes a checkpoint's weights (safetensors) or a PyTorch module folder (pytorch)`,
};

/** Thrown by {@link parse} for `--help`: the command prints its usage and exits 0. */
export class HelpRequested extends Error {
  constructor(readonly usage: string) {
    super(usage);
    this.name = 'HelpRequested';
  }
}

/** A number as users write it on a command line: decimal, no hex, no `Infinity`. */
const decimal = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Joins a string option and a following negative number (`--lr -1` → `--lr=-1`), which
 * parseArgs would otherwise read as an option of its own ("argument is ambiguous").
 */
function joinNegativeValues(argv: string[], options: OptionSpec): string[] {
  const out: string[] = [];
  for (let k = 0; k < argv.length; k++) {
    const name = argv[k].startsWith('--') ? argv[k].slice(2) : null;
    if (name !== null && options[name]?.type === 'string' && k + 1 < argv.length && /^-[\d.]/.test(argv[k + 1])) {
      out.push(`${argv[k]}=${argv[++k]}`);
    } else {
      out.push(argv[k]);
    }
  }
  return out;
}

/** Parses argv with unknown options rejected, turning parse errors into one-line CliErrors; `--help` throws {@link HelpRequested}. */
export function parse<T extends OptionSpec>(command: string, argv: string[], options: T): ReturnType<typeof parseArgs<{ args: string[]; options: T; allowPositionals: true; strict: true }>> {
  if (argv.includes('--help') || argv.includes('-h')) throw new HelpRequested(usages[command] ?? `usage: recurrent ${command}`);
  try {
    return parseArgs({ args: joinNegativeValues(argv, options), options, allowPositionals: true, strict: true });
  } catch (error) {
    const message = (error as Error).message.split('\n')[0];
    const unknown = /^Unknown option '(--?[^']+)'/.exec(message);
    if (unknown) {
      const near = nearestName(unknown[1].replace(/^-+/, ''), Object.keys(options));
      throw new CliError(`recurrent ${command}: unknown option '${unknown[1]}'${near ? ` (did you mean '--${near}'?)` : ''}; see recurrent ${command} --help`, 2);
    }
    throw new CliError(`recurrent ${command}: ${message}`, 2);
  }
}

/** A numeric option: a decimal number, finite, within [min, max], an integer when asked. */
export function numberOption(command: string, name: string, text: string | undefined, rule: { min?: number; max?: number; integer?: boolean; above?: number } = {}): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  const ok = decimal.test(text.trim()) && Number.isFinite(value) && (!rule.integer || Number.isSafeInteger(value))
    && value >= (rule.min ?? -Infinity) && value <= (rule.max ?? Infinity) && (rule.above === undefined || value > rule.above);
  if (!ok) {
    const kind = rule.integer ? 'an integer' : 'a number';
    const bounds = [rule.above !== undefined ? `> ${rule.above}` : '', rule.min !== undefined ? `≥ ${rule.min}` : '', rule.max !== undefined ? `≤ ${rule.max}` : ''].filter(Boolean);
    const range = rule.min !== undefined && rule.max !== undefined ? ` in [${rule.min}, ${rule.max}]` : bounds.length ? ` ${bounds.join(' and ')}` : '';
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
  for (const [flag, users] of Object.entries(taskFlags) as [keyof typeof trainSpec, readonly TaskName[]][]) {
    if (values[flag] !== undefined && !users.includes(task)) {
      throw new CliError(`recurrent train ${task}: --${flag} is for ${users.join(', ')}, got it for ${task} (which would ignore it)`, 2);
    }
  }
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
    lr: numberOption('train', 'lr', values.lr, { above: 0 }),
    batch: int('batch'),
    bptt: int('bptt'),
    clip: num('clip'),
    epochs: numberOption('train', 'epochs', values.epochs, { above: 0 }),
    budget: num('budget'),
    seed: int('seed', 0),
    backend: choice('train', 'backend', values.backend, ['cpu', 'gpujs', 'native'] as const),
    threads: int('threads'),
    gpujsMode: choice('train', 'gpujs-mode', values['gpujs-mode'], gpujsModes),
    out: values.out,
    resume: values.resume,
    logJson: values['log-json'],
    evalEvery: num('eval-every'),
    evalEverySteps: int('eval-every-steps'),
    evalLimit: int('eval-limit'),
    checkpointEvery: int('checkpoint-every'),
    keep: int('keep'),
    csv: values.csv,
    target: values.target,
    progress: values['no-progress'] ? false : undefined,
    sampleLength: int('sample-length', 0),
    maxMemory: numberOption('train', 'max-memory', values['max-memory'], { above: 0 }),
  };
  if (options.epochs !== undefined && options.budget !== undefined) {
    throw new CliError(`recurrent train: expected --epochs or --budget, got both (--epochs ${options.epochs}, --budget ${options.budget})`, 2);
  }
  if (options.evalEvery !== undefined && options.evalEverySteps !== undefined) {
    throw new CliError(`recurrent train: expected --eval-every or --eval-every-steps, got both (--eval-every ${options.evalEvery}, --eval-every-steps ${options.evalEverySteps})`, 2);
  }
  if (options.threads !== undefined && (options.backend === 'cpu' || options.backend === 'gpujs')) {
    throw new CliError(`recurrent train: --threads expected --backend native (or no --backend), got --backend ${options.backend}`, 2);
  }
  if (options.gpujsMode !== undefined && options.backend !== 'gpujs' && options.resume === undefined) {
    throw new CliError(`recurrent train: --gpujs-mode expected --backend gpujs, got --backend ${options.backend ?? 'native or cpu (the default)'}`, 2);
  }
  if (task === 'forecast' && options.resume === undefined && (options.csv === undefined || options.target === undefined)) {
    throw new CliError('recurrent train forecast: expected --csv FILE and --target COLUMN, got ' + (options.csv === undefined ? 'no --csv' : 'no --target'), 2);
  }
  for (const [flag, value] of [['weight-drop', options.weightDrop], ['locked-dropout', options.lockedDropout], ['embedding-lr', options.embeddingLr]] as const) {
    if (value !== undefined && !['char-lm', 'g2p', 'names'].includes(task)) {
      throw new CliError(`recurrent train ${task}: --${flag} works with the tasks that embed tokens (char-lm, g2p, names), got it for ${task}`, 2);
    }
  }
  return options;
}
