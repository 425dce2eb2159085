// Runs one case of the `optim` family: five optimizer steps on stored gradients (optim.json; a
// null gradient means "no gradient at this step"), one gradient-clipping call, or six steps of an
// optimizer with parameter groups whose final state dict must have PyTorch's layout
// (optim_groups.json).
import { Parameter } from '@recurrent/autograd';
import { type Tensor, tensor } from '@recurrent/tensor';
import { type VectorCase, type VectorTensor, assertClose, decode } from '@recurrent/test-vectors';
import { Adagrad, Adam, AdamW, type Optimizer, RMSprop, SGD, clipGradNorm, clipGradValue } from '../../src/index.js';

function toTensor(stored: VectorTensor): Tensor {
  const { shape, data } = decode(stored);
  return tensor(data, { shape });
}

type Args = Record<string, any>;

/** Each `config.optimizer`, built from PyTorch's argument names. */
const optimizers: Record<string, (parameters: Parameter[], args: Args) => Optimizer> = {
  SGD: (p, a) => new SGD(p, { lr: a.lr, momentum: a.momentum, dampening: a.dampening, weightDecay: a.weight_decay, nesterov: a.nesterov }),
  Adam: (p, a) => new Adam(p, { lr: a.lr, betas: a.betas, eps: a.eps, weightDecay: a.weight_decay, amsgrad: a.amsgrad }),
  AdamW: (p, a) => new AdamW(p, { lr: a.lr, betas: a.betas, eps: a.eps, weightDecay: a.weight_decay, amsgrad: a.amsgrad }),
  RMSprop: (p, a) =>
    new RMSprop(p, { lr: a.lr, alpha: a.alpha, eps: a.eps, weightDecay: a.weight_decay, momentum: a.momentum, centered: a.centered }),
  Adagrad: (p, a) =>
    new Adagrad(p, { lr: a.lr, lrDecay: a.lr_decay, weightDecay: a.weight_decay, initialAccumulatorValue: a.initial_accumulator_value, eps: a.eps }),
};

function parametersOf(testCase: VectorCase, initial: Record<string, VectorTensor>): Parameter[] {
  return (testCase.param_names ?? Object.keys(initial)).map((name: string) => new Parameter(toTensor(initial[name]), name));
}

function runOptimizer(testCase: VectorCase): void {
  const { optimizer: kind, args } = testCase.config as { optimizer: string; args: Args };
  if (args.maximize) throw new Error(`${testCase.name}: expected maximize false, got true`);
  const build = optimizers[kind];
  if (!build) throw new Error(`optim parity: expected an optimizer among ${Object.keys(optimizers).join(', ')}, got '${kind}'`);
  const parameters = parametersOf(testCase, testCase.params!);
  const optimizer = build(parameters, args);
  (testCase.steps as { grads: Record<string, VectorTensor | null>; params: Record<string, VectorTensor> }[]).forEach((step, k) => {
    for (const parameter of parameters) {
      const stored = step.grads[parameter.name];
      parameter.grad = stored ? toTensor(stored) : null;
    }
    optimizer.step();
    for (const parameter of parameters) assertClose(`${testCase.name} step ${k} ${parameter.name}`, parameter.value, step.params[parameter.name]);
  });
}

function runClip(testCase: VectorCase): void {
  const { kind, args } = testCase.config as { kind: string; args: Args };
  const before = testCase.grads_before as Record<string, VectorTensor>;
  const parameters = parametersOf(testCase, before);
  for (const parameter of parameters) parameter.grad = toTensor(before[parameter.name]);
  if (kind === 'clip_grad_norm_') {
    const normType = args.norm_type === 'Infinity' ? Infinity : Number(args.norm_type);
    const total = clipGradNorm(parameters, args.max_norm, normType, { errorIfNonfinite: args.error_if_nonfinite });
    assertClose(`${testCase.name} total norm`, total, testCase.total_norm as VectorTensor);
  } else if (kind === 'clip_grad_value_') {
    clipGradValue(parameters, args.clip_value);
  } else {
    throw new Error(`optim parity: expected kind optimizer, clip_grad_norm_ or clip_grad_value_, got '${kind}'`);
  }
  const after = testCase.grads_after as Record<string, VectorTensor>;
  for (const parameter of parameters) assertClose(`${testCase.name} ${parameter.name}.grad`, parameter.grad!, after[parameter.name]);
}

/** PyTorch's option name in TS casing (`weight_decay` → `weightDecay`). */
const camel = (name: string) => name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** The options of a group in TS casing. */
const ours = (options: Args) => Object.fromEntries(Object.entries(options).map(([key, value]) => [camel(key), value]));

type Built = new (parameters: any, options: any) => Optimizer;
const classes: Record<string, Built> = { SGD, Adam, AdamW, RMSprop, Adagrad };

function runGroups(testCase: VectorCase): void {
  const config = testCase.config as {
    optimizer: string; defaults: Args; groups: { params: string[]; options: Args }[];
    add_param_group: { before_step: number; params: string[]; options: Args } | null;
  };
  const Kind = classes[config.optimizer];
  if (!Kind) throw new Error(`optim parity: expected an optimizer among ${Object.keys(classes).join(', ')}, got '${config.optimizer}'`);
  const parameters = parametersOf(testCase, testCase.params!);
  const byName = new Map(parameters.map((p) => [p.name, p]));
  const group = (names: string[], options: Args) => ({ params: names.map((n) => byName.get(n)!), ...ours(options) });
  const optimizer = new Kind(config.groups.map((g) => group(g.params, g.options)), ours(config.defaults));
  (testCase.steps as { grads: Record<string, VectorTensor | null>; params: Record<string, VectorTensor> }[]).forEach((step, k) => {
    if (config.add_param_group?.before_step === k) optimizer.addParamGroup(group(config.add_param_group.params, config.add_param_group.options));
    for (const parameter of parameters) {
      const stored = step.grads[parameter.name];
      parameter.grad = stored ? toTensor(stored) : null;
    }
    optimizer.step();
    for (const parameter of parameters) assertClose(`${testCase.name} step ${k} ${parameter.name}`, parameter.value, step.params[parameter.name]);
  });
  // the state dict in PyTorch's layout: the same groups, options and per-index state
  const expected = testCase.state_dict as { param_groups: Args[]; state: Record<string, Record<string, VectorTensor>> };
  const dict = JSON.parse(JSON.stringify(optimizer.stateDict()));
  if (dict.paramGroups.length !== expected.param_groups.length) throw new Error(`${testCase.name}: expected ${expected.param_groups.length} groups, got ${dict.paramGroups.length}`);
  expected.param_groups.forEach((theirs, g) => {
    const mine = dict.paramGroups[g];
    const wanted = ours(theirs);
    const keys = (o: object) => Object.keys(o).sort().join(', ');
    if (keys(mine) !== keys(wanted)) throw new Error(`${testCase.name} group ${g}: expected the keys ${keys(wanted)}, got ${keys(mine)}`);
    for (const key of Object.keys(wanted)) {
      if (JSON.stringify(mine[key]) !== JSON.stringify(wanted[key])) throw new Error(`${testCase.name} group ${g} ${key}: expected ${JSON.stringify(wanted[key])}, got ${JSON.stringify(mine[key])}`);
    }
  });
  const keys = (o: object) => Object.keys(o).sort().join(', ');
  if (keys(dict.state) !== keys(expected.state)) throw new Error(`${testCase.name}: expected state for ${keys(expected.state)}, got ${keys(dict.state)}`);
  for (const [index, entry] of Object.entries(expected.state)) {
    const mine = dict.state[index] as Record<string, number | number[]>;
    if (keys(mine) !== keys(entry)) throw new Error(`${testCase.name} state ${index}: expected the keys ${keys(entry)}, got ${keys(mine)}`);
    for (const [key, stored] of Object.entries(entry)) {
      const value = mine[key];
      if (typeof value === 'number') {
        if (value !== stored.data[0]) throw new Error(`${testCase.name} state ${index} ${key}: expected ${String(stored.data[0])}, got ${value}`);
      } else assertClose(`${testCase.name} state ${index} ${key}`, { shape: stored.shape, data: value }, stored);
    }
  }
  // and it loads back into a fresh optimizer of the same groups
  const fresh = new Kind(config.groups.map((g) => group(g.params, g.options)), ours(config.defaults));
  if (config.add_param_group) fresh.addParamGroup(group(config.add_param_group.params, config.add_param_group.options));
  fresh.loadStateDict(dict);
  if (JSON.stringify(fresh.stateDict()) !== JSON.stringify(dict)) throw new Error(`${testCase.name}: expected the state dict to round-trip`);
}

/** Runs one optim.json or optim_groups.json case; throws on any mismatch. */
export function runCase(testCase: VectorCase, root: string): void {
  void root;
  if (testCase.config.kind === 'optimizer') runOptimizer(testCase);
  else if (testCase.config.kind === 'optimizer_groups') runGroups(testCase);
  else runClip(testCase);
}
