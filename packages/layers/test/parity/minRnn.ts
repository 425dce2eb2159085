// Parity runner for the `min_rnn` family (test-vectors/local/min_rnn.json): PyTorch's reference loop
// of minGRU / minLSTM against our layers three times: the MinGRU / MinLSTM layers (the parallel scan
// in linear and in log space) and MinGRUCell / MinLSTMCell stepped through Recurrent (the sequential definition). Outputs,
// final states, the loss Σ_k sum(output_k ⊙ weights_k) and every gradient are compared.
import { type Tensor, tensor } from '@recurrent/tensor';
import { Variable, add, backward, concat, mul, narrow, reshape, sum } from '@recurrent/autograd';
import { MinGRUCell, MinLSTMCell } from '@recurrent/cells';
import { type VectorCase, type VectorTensor, assertClose, decode } from '@recurrent/test-vectors';
import { MinGRU, MinLSTM, Recurrent } from '../../src/index.js';

function toTensor(stored: VectorTensor): Tensor {
  const { data, shape } = decode(stored);
  return tensor(data, { shape, dtype: 'float32' });
}

type Produced = { output: Variable; h_n: Variable; parameters: Record<string, { grad: Tensor | null }> };

const parallel = (scan: 'linear' | 'log') => (testCase: VectorCase, x: Variable, h0: Variable | undefined): Produced => {
  const { config, params = {} } = testCase;
  const options = { inputSize: config.input_size, hiddenSize: config.hidden_size, numLayers: config.num_layers, bias: config.bias, batchFirst: config.batch_first, scan };
  const layer = config.module === 'MinGRU' ? new MinGRU(options) : new MinLSTM(options);
  layer.loadStateDict(Object.fromEntries(Object.entries(params).map(([name, stored]) => [name, toTensor(stored)])));
  const { output, h_n } = layer.forward(x, { h0, lengths: config.lengths });
  return { output, h_n, parameters: Object.fromEntries(layer.namedParameters()) };
};

function sequential(testCase: VectorCase, x: Variable, h0: Variable | undefined): Produced {
  const { config, params = {} } = testCase;
  const parameters: Produced['parameters'] = {};
  let input: Variable = x;
  const finals: Variable[] = [];
  for (let k = 0; k < config.num_layers; k++) {
    const options = { inputSize: k === 0 ? config.input_size : config.hidden_size, hiddenSize: config.hidden_size, bias: config.bias };
    const cell = config.module === 'MinGRU' ? new MinGRUCell(options) : new MinLSTMCell(options);
    cell.loadStateDict(Object.fromEntries(cell.namedParameters().map(([name]) => [name, toTensor(params[`${name}_l${k}`])])));
    for (const [name, parameter] of cell.namedParameters()) parameters[`${name}_l${k}`] = parameter;
    const layer = new Recurrent(cell, { batchFirst: config.batch_first });
    const start = h0 ? [reshape(narrow(h0, 0, k, 1), [config.batch, config.hidden_size])] : undefined;
    const { output, state } = layer.forward(input, { initialState: start, lengths: config.lengths ?? undefined });
    finals.push(reshape(state[0], [1, config.batch, config.hidden_size]));
    input = output;
  }
  return { output: input, h_n: concat(finals, 0), parameters };
}

function check(testCase: VectorCase, label: string, run: (testCase: VectorCase, x: Variable, h0: Variable | undefined) => Produced): void {
  const { inputs = {}, outputs = {}, grads = {}, loss } = testCase;
  if (!loss) throw new Error(`min_rnn parity ${testCase.name}: expected a loss, got none`);
  const x = new Variable(toTensor(inputs.x), { requiresGrad: true });
  const h0 = inputs.h0 ? new Variable(toTensor(inputs.h0), { requiresGrad: true }) : undefined;
  const produced = run(testCase, x, h0);
  const named: Record<string, Variable> = { output: produced.output, h_n: produced.h_n };
  let total: Variable | null = null;
  for (const [name, weights] of Object.entries(loss.weights)) {
    const term = sum(mul(named[name], toTensor(weights)));
    total = total ? add(total, term) : term;
  }
  for (const [name, expected] of Object.entries(outputs)) assertClose(`${testCase.name} ${label} ${name}`, named[name].value, expected);
  assertClose(`${testCase.name} ${label} loss`, total!.value, loss.value);
  backward(total!);
  const owners: Record<string, { grad: Tensor | null } | undefined> = { ...produced.parameters, x, h0 };
  for (const [name, expected] of Object.entries(grads)) {
    const owner = owners[name];
    if (!owner?.grad) throw new Error(`${testCase.name} ${label}: expected a gradient for ${name}, got none`);
    assertClose(`${testCase.name} ${label} grad ${name}`, owner.grad, expected);
  }
}

/** Runs one case through the parallel scan and through the cells; throws on any mismatch. */
export function runCase(testCase: VectorCase, _root: string): void {
  check(testCase, 'scan', parallel('linear'));
  check(testCase, 'log-space scan', parallel('log'));
  check(testCase, 'cells', sequential);
}
