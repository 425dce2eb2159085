// Parity runner for attention.json: the four scores of Attention (with masks), one decoder step
// and whole teacher-forced sequences of AttentionEncoderDecoder, against PyTorch's outputs,
// attention weights and the gradients of every parameter and input.
import { type Tensor, tensor } from '@recurrent/tensor';
import { Variable, add, backward, mul, sum } from '@recurrent/autograd';
import { GRUCell, LSTMCell } from '@recurrent/cells';
import { type VectorCase, type VectorTensor, assertClose, decode } from '@recurrent/test-vectors';
import {
  Attention, type AttentionScore, AttentionEncoderDecoder, Embedding, GRU, LSTM, Linear,
} from '../../src/index.js';

function toTensor(stored: VectorTensor): Tensor {
  const { data, shape, dtype } = decode(stored);
  return tensor(data, { shape, dtype: dtype === 'int32' ? 'int32' : 'float32' });
}

/** The model a step or sequence case describes. */
export function buildModel(config: Record<string, any>): AttentionEncoderDecoder {
  const { embedding_dim: E, encoder_hidden: He, decoder_hidden: Hd, combine_size: C } = config;
  const lstm = config.cell === 'lstm';
  const feeding = config.input_feeding as boolean;
  return new AttentionEncoderDecoder({
    sourceEmbedding: new Embedding({ numEmbeddings: config.source_vocabulary, embeddingDim: E }),
    encoder: lstm ? new LSTM({ inputSize: E, hiddenSize: He, bidirectional: true }) : new GRU({ inputSize: E, hiddenSize: He, bidirectional: true }),
    bridge: new Linear({ inFeatures: 2 * He, outFeatures: Hd }),
    targetEmbedding: new Embedding({ numEmbeddings: config.target_vocabulary, embeddingDim: E }),
    decoder: lstm ? new LSTMCell({ inputSize: E + (feeding ? C : 0), hiddenSize: Hd }) : new GRUCell({ inputSize: E + (feeding ? C : 0), hiddenSize: Hd }),
    attention: new Attention({ score: config.score as AttentionScore, querySize: Hd, keySize: 2 * He, attentionSize: config.attention_size }),
    combine: new Linear({ inFeatures: 2 * He + Hd, outFeatures: C, bias: false }),
    projection: new Linear({ inFeatures: C, outFeatures: config.target_vocabulary }),
    inputFeeding: feeding,
    bos: config.bos ?? 0,
    eos: 0,
  });
}

function buildAttention(config: Record<string, any>): Attention {
  return new Attention({ score: config.score, querySize: config.query_size, keySize: config.key_size, attentionSize: config.attention_size });
}

/** Runs one case; throws on any mismatch. */
export function runCase(testCase: VectorCase, _root: string): void {
  const { config, params = {}, inputs = {}, outputs = {}, grads = {}, loss } = testCase;
  const label = testCase.name;
  if (!loss) throw new Error(`attention parity ${label}: expected a loss, got none`);
  const module = config.kind === 'score' ? buildAttention(config) : buildModel(config);
  const names = module.namedParameters().map(([name]) => name);
  if (JSON.stringify(names) !== JSON.stringify(testCase.param_names)) {
    throw new Error(`attention parity ${label}: expected parameters ${testCase.param_names}, got ${names}`);
  }
  module.loadStateDict(Object.fromEntries(names.map((name) => [name, toTensor(params[name])])));
  const variables: Record<string, Variable> = {};
  for (const [name, stored] of Object.entries(inputs)) {
    if (stored.dtype !== 'int64') variables[name] = new Variable(toTensor(stored), { requiresGrad: true });
  }
  let produced: Record<string, Variable>;
  if (config.kind === 'score') {
    const attention = module as Attention;
    const { context, weights } = attention.forward(variables.query, attention.prepare(variables.keys, config.lengths));
    produced = { context, weights };
  } else if (config.kind === 'step') {
    const model = module as AttentionEncoderDecoder;
    const memory = model.attention.prepare(variables.keys, config.lengths);
    const previous = Array.from(toTensor(inputs.previous).data);
    const cell = config.cell === 'lstm' ? [variables.h, variables.c] : [variables.h];
    const step = model.decodeStep(previous, { cell, feed: variables.feed ?? null }, memory, 0);
    produced = { logits: step.logits, weights: step.weights, h: step.state.cell[0] as Variable, attentional: step.attentional };
    if (config.cell === 'lstm') produced.c = step.state.cell[1] as Variable;
  } else if (config.kind === 'sequence') {
    const model = module as AttentionEncoderDecoder;
    const { logits, weights } = model.forward(toTensor(inputs.source), toTensor(inputs.targets), { sourceLengths: config.lengths });
    produced = { logits, weights };
  } else {
    throw new Error(`attention parity ${label}: expected config.kind 'score', 'step' or 'sequence', got ${config.kind}`);
  }
  let total: Variable | null = null;
  for (const [name, weights] of Object.entries(loss.weights)) {
    if (!produced[name]) throw new Error(`${label}: expected an output ${name}, got none`);
    const term = sum(mul(produced[name], toTensor(weights)));
    total = total ? add(total, term) : term;
  }
  for (const [name, expected] of Object.entries(outputs)) assertClose(`${label} output ${name}`, produced[name].value, expected);
  assertClose(`${label} loss`, total!.value, loss.value);
  backward(total!);
  const parameters = Object.fromEntries(module.namedParameters());
  for (const [name, expected] of Object.entries(grads)) {
    const owner = parameters[name] ?? variables[name];
    if (!owner?.grad) throw new Error(`${label}: expected a gradient for ${name}, got none`);
    assertClose(`${label} grad ${name}`, owner.grad, expected);
  }
}
