// Runs one case of the `schedule` family (test-vectors/local/schedules.json): a schedule built from
// PyTorch's arguments on an optimizer of one to three groups, stepped a few hundred times; every
// group's lr, and momentum or β1, must match PyTorch's after construction and after each step.
import { Parameter } from '@recurrent/autograd';
import { zeros } from '@recurrent/tensor';
import { type VectorCase, assertClose } from '@recurrent/test-vectors';
import * as optim from '../../src/index.js';

type Args = Record<string, any>;

/** The functions the vectors name (scripts/vectors/schedules.py has the same table). */
const lambdas: Record<string, (epoch: number) => number> = {
  'pow_0.97': (e) => 0.97 ** e,
  'inverse_0.05': (e) => 1 / (1 + 0.05 * e),
  'constant_0.99': () => 0.99,
  'every_10th_0.5': (e) => (e % 10 === 0 ? 0.5 : 1.0),
};

const special: Record<string, string> = { T_max: 'tMax', T_0: 't0', T_mult: 'tMult' };
const camel = (name: string) => special[name] ?? name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

function options(args: Args): Args {
  const out: Args = {};
  for (const [key, value] of Object.entries(args)) {
    if (key === 'lr_lambda') out.lrLambda = Array.isArray(value) ? value.map((n: string) => lambdas[n]) : lambdas[value];
    else out[camel(key)] = value;
  }
  return out;
}

type Built = { step(metric?: number): void; lastLrs: number[] };
type ScheduleClass = new (optimizer: optim.Optimizer<any>, options: any) => Built;

function build(name: string, args: Args, optimizer: optim.Optimizer<any>): Built {
  if (name === 'SequentialLR') {
    const schedulers = (args.schedulers as { scheduler: string; args: Args }[]).map((s) => build(s.scheduler, s.args, optimizer));
    return new optim.SequentialLR(optimizer, { schedulers: schedulers as unknown as optim.LRScheduler[], milestones: args.milestones });
  }
  if (name === 'ChainedScheduler') {
    const schedulers = (args.schedulers as { scheduler: string; args: Args }[]).map((s) => build(s.scheduler, s.args, optimizer));
    return new optim.ChainedScheduler(schedulers as unknown as optim.LRScheduler[]);
  }
  const Kind = (optim as unknown as Record<string, ScheduleClass>)[name];
  if (typeof Kind !== 'function') throw new Error(`schedule parity: expected a schedule of @recurrent/optim, got '${name}'`);
  return new Kind(optimizer, options(args));
}

/** Runs one schedules.json case; throws on any mismatch. */
export function runCase(testCase: VectorCase, root: string): void {
  void root;
  const config = testCase.config as { scheduler: string; args: Args; optimizer: string; group_lrs: number[]; num_steps: number; metrics: number[] | null };
  const groups = config.group_lrs.map((lr, g) => ({ params: [new Parameter(zeros([2]), `p${g}`)], lr }));
  const Kind = { SGD: optim.SGD, Adam: optim.Adam, AdamW: optim.AdamW }[config.optimizer];
  if (!Kind) throw new Error(`schedule parity: expected SGD, Adam or AdamW, got '${config.optimizer}'`);
  const optimizer: optim.Optimizer<any> = new Kind(groups, config.optimizer === 'SGD' ? { lr: 0.1, momentum: 0.9 } : {});
  const schedule = build(config.scheduler, config.args, optimizer);
  const momentum = () => optimizer.paramGroups.map((g: any) => (g.betas ? g.betas[0] : g.momentum) as number);
  const lrs = [schedule.lastLrs];
  const momenta = [momentum()];
  for (let k = 0; k < config.num_steps; k++) {
    optimizer.step();
    if (config.metrics) schedule.step(config.metrics[k]);
    else schedule.step();
    lrs.push(schedule.lastLrs);
    momenta.push(momentum());
  }
  const G = groups.length;
  const outputs = testCase.outputs!;
  assertClose(`${testCase.name} lr`, { shape: [config.num_steps + 1, G], data: lrs.flat() }, outputs.lr);
  assertClose(`${testCase.name} momentum`, { shape: [config.num_steps + 1, G], data: momenta.flat() }, outputs.momentum);
}
