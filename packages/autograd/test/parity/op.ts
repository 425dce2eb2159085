// Runs one case of the `op` family (ops.json): builds the inputs, applies the op, seeds backward
// with the loss weights (the loss is Σ out ⊙ R, so ∂loss/∂out = R) and compares the output, the
// loss and every gradient with PyTorch's.
import { type Tensor, tensor } from '@recurrent/tensor';
import { type VectorCase, type VectorTensor, assertClose, decode } from '@recurrent/test-vectors';
import {
  Variable, add, backward, crossEntropy, div, exp, log, logSoftmax, logsumexp, matmul, mean, mseLoss, mul, relu,
  sigmoid, softmax, sub, sum, tanh, transpose,
} from '../../src/index.js';

function toTensor(stored: VectorTensor): Tensor {
  const { shape, dtype, data } = decode(stored);
  return tensor(data, { shape, dtype: dtype === 'float64' ? 'float32' : dtype });
}

type Inputs = Record<string, Variable>;
type Args = Record<string, any>;

const reduceOptions = (args: Args) => (args.dim === null || args.dim === undefined ? {} : { axis: args.dim as number, keepDims: Boolean(args.keepdim) });

/** The op of each `config.op`, applied to the case's inputs. */
const ops: Record<string, (inputs: Inputs, args: Args) => Variable> = {
  add: ({ a, b }) => add(a, b),
  sub: ({ a, b }) => sub(a, b),
  mul: ({ a, b }) => mul(a, b),
  div: ({ a, b }) => div(a, b),
  matmul: ({ a, b }) => matmul(a, b),
  sigmoid: ({ a }) => sigmoid(a),
  tanh: ({ a }) => tanh(a),
  relu: ({ a }) => relu(a),
  exp: ({ a }) => exp(a),
  log: ({ a }) => log(a),
  softmax: ({ a }, args) => softmax(a, args.dim),
  log_softmax: ({ a }, args) => logSoftmax(a, args.dim),
  logsumexp: ({ a }, args) => logsumexp(a, { axis: args.dim, keepDims: Boolean(args.keepdim) }),
  sum: ({ a }, args) => sum(a, reduceOptions(args)),
  mean: ({ a }, args) => mean(a, reduceOptions(args)),
  transpose: ({ a }, args) => transpose(a, args.dim0, args.dim1),
  cross_entropy: ({ input, target, weight }, args) =>
    crossEntropy(input, target.value, {
      weight: weight?.value ?? null, ignoreIndex: args.ignore_index, reduction: args.reduction, labelSmoothing: args.label_smoothing ?? 0,
    }),
  mse_loss: ({ input, target }, args) => mseLoss(input, target, { reduction: args.reduction }),
};

/** Runs one ops.json case; throws on any mismatch. */
export function runCase(testCase: VectorCase, root: string): void {
  void root;
  const { op, args, differentiable_inputs: differentiable } = testCase.config as { op: string; args: Args; differentiable_inputs: string[] };
  const apply = ops[op];
  if (!apply) throw new Error(`op parity: expected an op among ${Object.keys(ops).join(', ')}, got '${op}'`);
  const inputs: Inputs = {};
  for (const [name, stored] of Object.entries(testCase.inputs ?? {})) {
    inputs[name] = new Variable(toTensor(stored), { requiresGrad: differentiable.includes(name) });
  }
  const out = apply(inputs, args);
  const label = `${testCase.name} (${op})`;
  assertClose(`${label} out`, out.value, testCase.outputs!.out);
  const weights = toTensor(testCase.loss!.weights.out);
  let loss = 0;
  for (let i = 0; i < out.size; i++) loss += out.value.data[i] * weights.data[i];
  assertClose(`${label} loss`, loss, testCase.loss!.value);
  backward(out, { seed: weights });
  for (const [name, expected] of Object.entries(testCase.grads ?? {})) {
    const gradient = inputs[name]?.grad;
    if (!gradient) throw new Error(`${label}: expected a gradient for input '${name}', got none`);
    assertClose(`${label} d${name}`, gradient, expected);
  }
}
