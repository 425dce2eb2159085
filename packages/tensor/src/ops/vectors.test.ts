import { assertClose, decode, loadVectors, type VectorCase, type VectorTensor } from '@recurrent/test-vectors';
import { describe, expect, it } from 'vitest';
import type { Tensor } from '../tensor.js';
import { tensor } from './creation.js';
import { add, div, exp, log, mul, relu, sigmoid, sub, tanh } from './elementwise.js';
import { matmul } from './matmul.js';
import { transpose } from './movement.js';
import { logSoftmax, logsumexp, mean, softmax, sum } from './reduce.js';

type Args = Record<string, any>;
type Inputs = Record<string, Tensor>;

/** The forward of every pure tensor op in ops.json, by PyTorch op name (losses belong to layers). */
const forwards: Record<string, (inputs: Inputs, args: Args) => Tensor> = {
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
  logsumexp: ({ a }, args) => logsumexp(a, { axis: args.dim, keepDims: args.keepdim }),
  sum: ({ a }, args) => sum(a, { axis: args.dim ?? undefined, keepDims: args.keepdim }),
  mean: ({ a }, args) => mean(a, { axis: args.dim ?? undefined, keepDims: args.keepdim }),
  transpose: ({ a }, args) => transpose(a, args.dim0, args.dim1),
};

function load(stored: VectorTensor): Tensor {
  const { shape, dtype, data } = decode(stored);
  return tensor(data, { shape, dtype });
}

const cases = loadVectors('ops.json').cases.filter((c: VectorCase) => c.config.op in forwards);

describe('ops.json forward values', () => {
  it('covers the pure tensor ops of the file', () => {
    expect(cases.length).toBeGreaterThan(0);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, testCase) => {
    const inputs: Inputs = {};
    for (const [name, stored] of Object.entries(testCase.inputs ?? {})) inputs[name] = load(stored);
    const out = forwards[testCase.config.op](inputs, testCase.config.args ?? {});
    assertClose(`${testCase.name}.out`, out, testCase.outputs!.out);
  });
});
