import { CliError } from '../cliError.js';
import { parse } from '../options.js';
import { taskDefaults } from '../tasks/registry.js';
import { restoreTask } from './restoreModel.js';

/** `recurrent eval DIR|MODEL.safetensors`: the task's metric on its validation (or test) split. */
export async function evalCommand(argv: string[]): Promise<number> {
  const { positionals } = parse('eval', argv, {} as const);
  if (positionals.length !== 1) throw new CliError(`recurrent eval: expected one checkpoint directory or model file, got ${positionals.length === 0 ? 'none' : positionals.join(' ')}`, 2);
  const { task, source, options } = await restoreTask(positionals[0]);
  const value = task.evaluate(true);
  if (!Number.isFinite(value)) throw new CliError(`recurrent eval: expected a finite ${task.metric.name} from ${source.path}, got ${value}`);
  console.log(`${source.checkpoint ? 'checkpoint' : 'model'}: ${source.path} (step ${source.step})`);
  console.log(`${taskDefaults(options.task).finalLabel}: ${value.toFixed(4)}`);
  return 0;
}
