// Runs one case of the `optim` family (optim.json): five optimizer steps on stored gradients
// (a null gradient means "no gradient at this step"), or one gradient-clipping call.
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

/** Runs one optim.json case; throws on any mismatch. */
export function runCase(testCase: VectorCase, root: string): void {
  void root;
  if (testCase.config.kind === 'optimizer') runOptimizer(testCase);
  else runClip(testCase);
}
