// Parity runner for the `cell` family (cells.json): one step of RNNCell, LSTMCell or GRUCell with
// PyTorch's parameters, the loss Σ_k sum(output_k ⊙ weights_k), and every gradient compared.
import { type Tensor, tensor } from '@recurrent/tensor';
import { Variable, backward, mul, sum, add, type Module } from '@recurrent/autograd';
import { type VectorCase, type VectorTensor, assertClose, decode } from '@recurrent/test-vectors';
import { GRUCell, LSTMCell, RNNCell } from '../../src/index.js';

function toTensor(stored: VectorTensor): Tensor {
  const { data, shape } = decode(stored);
  return tensor(data, { shape, dtype: 'float32' });
}

function build(config: Record<string, any>): Module {
  const options = { inputSize: config.input_size, hiddenSize: config.hidden_size, bias: config.bias };
  if (config.cell === 'RNNCell') return new RNNCell({ ...options, nonlinearity: config.nonlinearity });
  if (config.cell === 'LSTMCell') return new LSTMCell(options);
  if (config.cell === 'GRUCell') return new GRUCell(options);
  throw new Error(`cell parity: expected cell RNNCell, LSTMCell or GRUCell, got ${config.cell}`);
}

/** Runs one case of cells.json; throws on any mismatch. */
export function runCase(testCase: VectorCase, _root: string): void {
  const { config, params = {}, inputs = {}, outputs = {}, grads = {}, loss } = testCase;
  if (!loss) throw new Error(`cell parity ${testCase.name}: expected a loss, got none`);
  const cell = build(config);
  const loaded: Record<string, Tensor> = {};
  for (const name of testCase.param_names ?? []) loaded[name] = toTensor(params[name]);
  cell.loadStateDict(loaded);
  const names = cell.namedParameters().map(([name]) => name);
  if (JSON.stringify(names) !== JSON.stringify(testCase.param_names)) {
    throw new Error(`cell parity ${testCase.name}: expected parameters ${testCase.param_names}, got ${names}`);
  }
  const variables: Record<string, Variable> = {};
  for (const [name, stored] of Object.entries(inputs)) variables[name] = new Variable(toTensor(stored), { requiresGrad: true });
  const x = variables.x;
  const produced: Record<string, Variable> = {};
  if (cell instanceof LSTMCell) {
    const state = variables.h0 ? { h: variables.h0, c: variables.c0 } : null;
    const { h, c } = cell.forward(x, state);
    Object.assign(produced, { h, c });
  } else {
    produced.h = (cell as RNNCell | GRUCell).forward(x, variables.h0 ?? null);
  }
  let total: Variable | null = null;
  for (const [name, weights] of Object.entries(loss.weights)) {
    const term = sum(mul(produced[name], toTensor(weights)));
    total = total ? add(total, term) : term;
  }
  for (const [name, expected] of Object.entries(outputs)) assertClose(`${testCase.name} output ${name}`, produced[name].value, expected);
  assertClose(`${testCase.name} loss`, total!.value, loss.value);
  backward(total!);
  const parameters = Object.fromEntries(cell.namedParameters());
  for (const [name, expected] of Object.entries(grads)) {
    const owner = parameters[name] ?? variables[name];
    if (!owner?.grad) throw new Error(`${testCase.name}: expected a gradient for ${name}, got none`);
    assertClose(`${testCase.name} grad ${name}`, owner.grad, expected);
  }
}
