// Parity runner for the `layer_norm_rnn` family (test-vectors/local/layer_norm_rnn.json): PyTorch's
// reference loop of the layer-normalised LSTM / GRU against the LayerNormLSTM / LayerNormGRU layers
// and, for one-direction cases, against LayerNormLSTMCell / LayerNormGRUCell stepped through
// Recurrent layer by layer. Outputs, final states, the loss and every gradient are compared.
import { type Tensor, tensor } from '@recurrent/tensor';
import { Variable, add, backward, concat, mul, narrow, reshape, sum } from '@recurrent/autograd';
import { LayerNormGRUCell, LayerNormLSTMCell } from '@recurrent/cells';
import { type VectorCase, type VectorTensor, assertClose, decode } from '@recurrent/test-vectors';
import { LayerNormGRU, LayerNormLSTM, Recurrent } from '../../src/index.js';

function toTensor(stored: VectorTensor): Tensor {
  const { data, shape } = decode(stored);
  return tensor(data, { shape, dtype: 'float32' });
}

type Produced = { outputs: Record<string, Variable>; parameters: Record<string, { grad: Tensor | null }> };
type Inputs = Record<string, Variable>;

function layer(testCase: VectorCase, inputs: Inputs): Produced {
  const { config, params = {} } = testCase;
  const options = { inputSize: config.input_size, hiddenSize: config.hidden_size, numLayers: config.num_layers, bidirectional: config.bidirectional, batchFirst: config.batch_first, eps: config.eps };
  const module = config.module === 'LayerNormLSTM' ? new LayerNormLSTM(options) : new LayerNormGRU(options);
  const names = module.namedParameters().map(([n]) => n);
  if (JSON.stringify(names) !== JSON.stringify(testCase.param_names)) throw new Error(`${testCase.name}: expected parameters ${testCase.param_names}, got ${names}`);
  module.loadStateDict(Object.fromEntries(names.map((n) => [n, toTensor(params[n])])));
  const result = module.forward(inputs.x, { h0: inputs.h0, c0: inputs.c0, lengths: config.lengths });
  return { outputs: result as unknown as Record<string, Variable>, parameters: Object.fromEntries(module.namedParameters()) };
}

function cells(testCase: VectorCase, inputs: Inputs): Produced {
  const { config, params = {} } = testCase;
  const lstm = config.module === 'LayerNormLSTM';
  const parameters: Produced['parameters'] = {};
  const B = config.batch, H = config.hidden_size;
  let input: Variable = inputs.x;
  const hs: Variable[] = [];
  const cs: Variable[] = [];
  for (let k = 0; k < config.num_layers; k++) {
    const options = { inputSize: k === 0 ? config.input_size : H, hiddenSize: H, eps: config.eps };
    const cell = lstm ? new LayerNormLSTMCell(options) : new LayerNormGRUCell(options);
    cell.loadStateDict(Object.fromEntries(cell.namedParameters().map(([n]) => [n, toTensor(params[`${n}_l${k}`])])));
    for (const [n, p] of cell.namedParameters()) parameters[`${n}_l${k}`] = p;
    const row = (s: Variable | undefined) => (s ? reshape(narrow(s, 0, k, 1), [B, H]) : undefined);
    const start = inputs.h0 ? (lstm ? [row(inputs.h0)!, row(inputs.c0)!] : [row(inputs.h0)!]) : undefined;
    const { output, state } = new Recurrent(cell, { batchFirst: config.batch_first }).forward(input, { initialState: start, lengths: config.lengths ?? undefined });
    hs.push(reshape(state[0], [1, B, H]));
    if (lstm) cs.push(reshape(state[1], [1, B, H]));
    input = output;
  }
  const outputs: Record<string, Variable> = { output: input, h_n: concat(hs, 0) };
  if (lstm) outputs.c_n = concat(cs, 0);
  return { outputs, parameters };
}

function check(testCase: VectorCase, label: string, run: (testCase: VectorCase, inputs: Inputs) => Produced): void {
  const { inputs = {}, outputs = {}, grads = {}, loss } = testCase;
  if (!loss) throw new Error(`layer_norm_rnn parity ${testCase.name}: expected a loss, got none`);
  const variables: Inputs = Object.fromEntries(Object.entries(inputs).map(([n, v]) => [n, new Variable(toTensor(v), { requiresGrad: true })]));
  const produced = run(testCase, variables);
  let total: Variable | null = null;
  for (const [name, weights] of Object.entries(loss.weights)) {
    const term = sum(mul(produced.outputs[name], toTensor(weights)));
    total = total ? add(total, term) : term;
  }
  for (const [name, expected] of Object.entries(outputs)) assertClose(`${testCase.name} ${label} ${name}`, produced.outputs[name].value, expected);
  assertClose(`${testCase.name} ${label} loss`, total!.value, loss.value);
  backward(total!);
  const owners: Record<string, { grad: Tensor | null } | undefined> = { ...produced.parameters, ...variables };
  for (const [name, expected] of Object.entries(grads)) {
    const owner = owners[name];
    if (!owner?.grad) throw new Error(`${testCase.name} ${label}: expected a gradient for ${name}, got none`);
    assertClose(`${testCase.name} ${label} grad ${name}`, owner.grad, expected);
  }
}

/** Runs one case through the layer (and, with one direction, through the cells); throws on any mismatch. */
export function runCase(testCase: VectorCase, _root: string): void {
  check(testCase, 'layer', layer);
  if (!testCase.config.bidirectional) check(testCase, 'cells', cells);
}
