// Parity runner for the `layer` (rnn_tanh, rnn_relu, lstm, lstm_proj, gru) and `packed` families,
// and the local `lstm_peephole`, `gru_reset_before`, `lstm_hard_sigmoid` and `gru_hard_sigmoid` families (reference loops of
// scripts/vectors/recurrent_variants.py): PyTorch's nn.RNN / nn.LSTM / nn.GRU with its parameters,
// the loss Σ_k sum(output_k ⊙ weights_k), and every output, final state and gradient compared.
import { type Tensor, tensor } from '@recurrent/tensor';
import { Variable, add, backward, mul, sum } from '@recurrent/autograd';
import { type VectorCase, type VectorTensor, assertClose as assertWithin, decode, tolerance as float32Tolerance } from '@recurrent/test-vectors';
import { type Backend, cpu } from '@recurrent/tensor';
import { GRU, LSTM, RNN } from '../../src/index.js';

type Tolerance = { absolute: number; relative: number };

// test-vectors types its limits as the float32 constants; other backends pass their own
const assertClose = (label: string, actual: Parameters<typeof assertWithin>[1], expected: Parameters<typeof assertWithin>[2], limits?: Tolerance) =>
  assertWithin(label, actual, expected, (limits ?? float32Tolerance) as typeof float32Tolerance);

function toTensor(stored: VectorTensor, backend: Backend = cpu): Tensor {
  const { data, shape } = decode(stored);
  return tensor(data, { shape, dtype: 'float32', backend });
}

/** The layer a case's config describes (PyTorch's arguments in TS casing). */
export function buildLayer(config: Record<string, any>, backend: Backend = cpu): RNN | LSTM | GRU {
  const options = {
    inputSize: config.input_size, hiddenSize: config.hidden_size, numLayers: config.num_layers, bias: config.bias,
    batchFirst: config.batch_first, bidirectional: config.bidirectional, dropout: config.dropout, backend,
  };
  if (config.module === 'RNN') return new RNN({ ...options, nonlinearity: config.nonlinearity });
  const recurrentActivation = config.recurrent_activation === 'hard_sigmoid' ? 'hardSigmoid' : 'sigmoid';
  if (config.module === 'LSTM') return new LSTM({ ...options, projSize: config.proj_size, peephole: config.peephole ?? false, recurrentActivation });
  if (config.module === 'GRU') return new GRU({ ...options, resetAfter: config.reset_after ?? true, recurrentActivation });
  throw new Error(`layer parity: expected module RNN, LSTM or GRU, got ${config.module}`);
}

/** Runs one case on `backend` (default: the CPU); throws on any mismatch. */
export function runCase(testCase: VectorCase, _root: string, backend: Backend = cpu, tolerance?: Tolerance): void {
  const { config, params = {}, inputs = {}, outputs = {}, grads = {}, loss } = testCase;
  if (!loss) throw new Error(`layer parity ${testCase.name}: expected a loss, got none`);
  const layer = buildLayer(config, backend);
  const names = layer.namedParameters().map(([name]) => name);
  if (JSON.stringify(names) !== JSON.stringify(testCase.param_names)) {
    throw new Error(`layer parity ${testCase.name}: expected parameters ${testCase.param_names}, got ${names}`);
  }
  layer.loadStateDict(Object.fromEntries(names.map((name) => [name, toTensor(params[name], backend)])));
  const variables: Record<string, Variable> = {};
  for (const [name, stored] of Object.entries(inputs)) variables[name] = new Variable(toTensor(stored, backend), { requiresGrad: true });
  const result = layer.forward(variables.x, { h0: variables.h0, c0: variables.c0, lengths: config.lengths ?? null } as never);
  const produced = result as unknown as Record<string, Variable>;
  let total: Variable | null = null;
  for (const [name, weights] of Object.entries(loss.weights)) {
    if (!produced[name]) throw new Error(`${testCase.name}: expected an output ${name}, got none`);
    const term = sum(mul(produced[name], toTensor(weights, backend)));
    total = total ? add(total, term) : term;
  }
  for (const [name, expected] of Object.entries(outputs)) assertClose(`${testCase.name} output ${name}`, produced[name].value, expected, tolerance);
  assertClose(`${testCase.name} loss`, total!.value, loss.value, tolerance);
  backward(total!);
  const parameters = Object.fromEntries(layer.namedParameters());
  for (const [name, expected] of Object.entries(grads)) {
    const owner = parameters[name] ?? variables[name];
    if (!owner?.grad) throw new Error(`${testCase.name}: expected a gradient for ${name}, got none`);
    assertClose(`${testCase.name} grad ${name}`, owner.grad, expected, tolerance);
  }
}
