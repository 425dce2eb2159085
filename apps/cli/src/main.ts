// The `recurrent` command: `train`, `sample`, `eval`, `export`. User errors print one line on
// stderr and exit non-zero; only a bug in recurrent itself prints a stack trace.
import { CliError } from './cliError.js';
import { HelpRequested } from './options.js';
import { exitWithParent } from './run/parentWatch.js';

exitWithParent(Number(process.env.RECURRENT_LAUNCHER_PID));

const usage = `usage: recurrent <command> [options]

  train <task>       train a model; tasks: char-lm, seq-mnist, g2p, names, forecast, spam, births, g2p-attention, autoencoder
                     --cell lstm|gru|rnn|layernorm-lstm|mingru|minlstm --hidden-size N --layers N --embedding-size N --bidirectional
                     --dropout P --weight-drop P --locked-dropout P --embedding-lr X
                     --optimizer adam|adamw|sgd|rmsprop|adagrad --lr X --batch N --bptt N
                     --clip X --epochs N | --budget SECONDS --seed N --backend native|cpu|gpujs [--threads N] [--gpujs-mode webasm|cpu|…] --out DIR
                     --resume DIR --log-json FILE --eval-every SECONDS | --eval-every-steps N --checkpoint-every STEPS
                     --keep N --no-progress; forecast: --csv FILE --target COLUMN
  sample DIR         generate from a char-lm or names model: --length N --temperature T --top-k K --top-p P --prime TEXT (kept) --seed N
  eval DIR           evaluate a checkpoint on its task's validation split
  export DIR         --format safetensors|pytorch|onnx|model|bundle --output PATH

  recurrent <command> --help shows a command's options`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'train':
      return (await import('./commands/train.js')).trainCommand(rest);
    case 'sample':
      return (await import('./commands/sample.js')).sampleCommand(rest);
    case 'eval':
      return (await import('./commands/evaluate.js')).evalCommand(rest);
    case 'export':
      return (await import('./commands/export.js')).exportCommand(rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      console.log(usage);
      return command === undefined ? 2 : 0;
    default:
      throw new CliError(`recurrent: expected a command (train, sample, eval, export), got '${command}'`, 2);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof HelpRequested) {
      console.log(error.usage);
      process.exitCode = 0;
    } else if (error instanceof CliError || (error instanceof Error && error.name === 'DataError')) {
      console.error(error.message.split('\n')[0]);
      process.exitCode = error instanceof CliError ? error.exitCode : 1;
    } else if (error instanceof Error && /^(EACCES|EROFS|ENOSPC|ENOENT|ENOTDIR|EEXIST|EISDIR)/.test((error as NodeJS.ErrnoException).code ?? '')) {
      const system = error as NodeJS.ErrnoException;
      console.error(`recurrent: ${system.code}: cannot ${system.syscall ?? 'access'} ${system.path ?? ''}`.trimEnd());
      process.exitCode = 1;
    } else if (error instanceof RangeError && /Invalid typed array length|Array buffer allocation failed|Invalid array length/.test(error.message)) {
      // sizes past the memory estimate's reach (it runs before every model is built)
      console.error(`recurrent: expected sizes that fit in memory, got an allocation that failed (${error.message}); try smaller --hidden-size, --layers or --batch`);
      process.exitCode = 1;
    } else {
      console.error(error);
      process.exitCode = 70;
    }
  },
);
