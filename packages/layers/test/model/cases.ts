// Models of every kind a model file describes, each with a forward pass on a fixed input, for the
// round-trip tests (Node and chromium).
import { Generator, type Tensor, option, randn, tensor } from '@recurrent/tensor';
import { Module, type Variable, noGrad } from '@recurrent/autograd';
import { ClockworkCell, GRUCell, JordanCell, LSTMCell, RNNCell, SCRNCell } from '@recurrent/cells';
import {
  Attention, AttentionEncoderDecoder, Bidirectional, Dropout, LayerNormGRU, LayerNormLSTM, MinGRU, MinLSTM, Embedding, EncoderDecoder, GRU, LSTM, LayerNorm, Linear, type ModuleKind, RNN, Recurrent,
  PooledClassifier, SequenceModel, Stacked, TokenModel, CalendarForecaster, dailyCalendar, dailyCalendarInputs,
} from '../../src/index.js';

/** A user's own module: a Linear whose output is scaled by a factor. */
export class Scaled extends Module {
  constructor(readonly inner: Linear, readonly factor: number) {
    super();
    this.registerModule('inner', inner);
  }
}

export const scaledKind: ModuleKind = {
  kind: 'Scaled',
  matches: (module) => module instanceof Scaled,
  describe: (module) => ({ options: { factor: (module as Scaled).factor }, children: { inner: (module as Scaled).inner } }),
  schema: { factor: option.number() },
  required: ['factor'],
  childNames: () => ['inner'],
  build: (options, children) => new Scaled(children.inner as Linear, options.factor as number),
};

export interface ModelCase {
  name: string;
  make(seed: number): Module;
  run(module: Module): Float32Array;
}

const x = (shape: number[]) => randn(shape, new Generator(99));
const ids = (rows: number[][]) => tensor(rows, { dtype: 'int32' });
const out = (v: Variable) => Float32Array.from(v.value.data);
const g = (seed: number) => new Generator(seed);
/** A module whose parameters are drawn from the seed (as training would leave them), not its fixed initialisation. */
function trained<M extends Module>(module: M, seed: number): M {
  for (const parameter of module.parameters()) parameter.set(randn(parameter.shape, g(seed)).data);
  return module;
}
const sequence = (module: Module, input: Tensor) => noGrad(() => out((module as Recurrent).forward(input).output));

export const modelCases: ModelCase[] = [
  { name: 'Linear', make: (s) => new Linear({ inFeatures: 5, outFeatures: 3, generator: g(s) }), run: (m) => noGrad(() => out((m as Linear).forward(x([2, 5])))) },
  { name: 'Linear without bias', make: (s) => new Linear({ inFeatures: 5, outFeatures: 3, bias: false, generator: g(s) }), run: (m) => noGrad(() => out((m as Linear).forward(x([2, 5])))) },
  { name: 'Embedding with paddingIdx', make: (s) => new Embedding({ numEmbeddings: 7, embeddingDim: 3, paddingIdx: 2, generator: g(s) }), run: (m) => noGrad(() => out((m as Embedding).forward(ids([[1, 2, 6]])))) },
  { name: 'LayerNorm', make: (s) => trained(new LayerNorm({ normalizedShape: [4], eps: 1e-3 }), s), run: (m) => noGrad(() => out((m as LayerNorm).forward(x([3, 4])))) },
  { name: 'Dropout', make: () => new Dropout({ p: 0.3 }), run: (m) => noGrad(() => out((m as Dropout).forward(x([3, 4])))) },
  { name: 'RNN relu, 2 layers', make: (s) => new RNN({ inputSize: 3, hiddenSize: 4, numLayers: 2, nonlinearity: 'relu', generator: g(s) }), run: (m) => sequence(m, x([5, 2, 3])) },
  { name: 'LSTM bidirectional with projection', make: (s) => new LSTM({ inputSize: 3, hiddenSize: 5, projSize: 2, numLayers: 2, bidirectional: true, generator: g(s) }), run: (m) => sequence(m, x([4, 2, 3])) },
  { name: 'LSTM with peepholes and hard-sigmoid gates', make: (s) => new LSTM({ inputSize: 3, hiddenSize: 4, peephole: true, recurrentActivation: 'hardSigmoid', generator: g(s) }), run: (m) => sequence(m, x([4, 2, 3])) },
  { name: 'GRU with the reset gate before the product', make: (s) => new GRU({ inputSize: 3, hiddenSize: 4, resetAfter: false, numLayers: 2, generator: g(s) }), run: (m) => sequence(m, x([4, 2, 3])) },
  { name: 'GRU batch-first without bias', make: (s) => new GRU({ inputSize: 3, hiddenSize: 4, bias: false, batchFirst: true, generator: g(s) }), run: (m) => sequence(m, x([2, 4, 3])) },
  { name: 'Recurrent(RNNCell)', make: (s) => new Recurrent(new RNNCell({ inputSize: 3, hiddenSize: 4, nonlinearity: 'relu', generator: g(s) })), run: (m) => sequence(m, x([4, 2, 3])) },
  { name: 'Recurrent(LSTMCell) with peepholes and projection', make: (s) => new Recurrent(new LSTMCell({ inputSize: 3, hiddenSize: 5, projSize: 2, peephole: true, generator: g(s) })), run: (m) => sequence(m, x([4, 2, 3])) },
  { name: 'Recurrent(GRUCell) reset before', make: (s) => new Recurrent(new GRUCell({ inputSize: 3, hiddenSize: 4, resetAfter: false, generator: g(s) }), { reverse: true }), run: (m) => sequence(m, x([4, 2, 3])) },
  { name: 'Recurrent(JordanCell)', make: (s) => new Recurrent(new JordanCell({ inputSize: 3, hiddenSize: 4, outputSize: 2, outputNonlinearity: 'tanh', generator: g(s) })), run: (m) => sequence(m, x([4, 2, 3])) },
  { name: 'Recurrent(ClockworkCell)', make: (s) => new Recurrent(new ClockworkCell({ inputSize: 3, hiddenSize: 6, periods: [1, 2, 4], generator: g(s) })), run: (m) => sequence(m, x([5, 2, 3])) },
  { name: 'Recurrent(SCRNCell) learning alpha', make: (s) => new Recurrent(new SCRNCell({ inputSize: 3, hiddenSize: 4, contextSize: 2, outputSize: 3, learnAlpha: true, generator: g(s) })), run: (m) => sequence(m, x([4, 2, 3])) },
  {
    name: 'Stacked (GRUCell, LSTM, JordanCell) with dropout',
    make: (s) => new Stacked([new GRUCell({ inputSize: 3, hiddenSize: 4, generator: g(s) }), new LSTM({ inputSize: 4, hiddenSize: 3, generator: g(s + 1) }), new JordanCell({ inputSize: 3, hiddenSize: 3, outputSize: 2, generator: g(s + 2) })], { dropout: 0.2 }),
    run: (m) => sequence(m, x([4, 2, 3])),
  },
  {
    name: 'Bidirectional GRU classifier (SequenceModel)',
    make: (s) => new SequenceModel({ rnn: new GRU({ inputSize: 3, hiddenSize: 4, bidirectional: true, generator: g(s) }), linear: new Linear({ inFeatures: 8, outFeatures: 2, generator: g(s + 1) }) }),
    run: (m) => noGrad(() => out((m as SequenceModel).forward(x([5, 2, 3])))),
  },
  {
    name: 'Bidirectional(LSTMCell, SCRNCell) summed',
    make: (s) => new Bidirectional(new LSTMCell({ inputSize: 3, hiddenSize: 3, generator: g(s) }), new SCRNCell({ inputSize: 3, hiddenSize: 4, contextSize: 2, outputSize: 3, generator: g(s + 1) }), { merge: 'sum' }),
    run: (m) => sequence(m, x([4, 2, 3])),
  },
  {
    name: 'Embedding → LSTM → Linear language model (TokenModel)',
    make: (s) => new TokenModel({ embedding: new Embedding({ numEmbeddings: 9, embeddingDim: 4, generator: g(s) }), rnn: new LSTM({ inputSize: 4, hiddenSize: 6, numLayers: 2, generator: g(s + 1) }), linear: new Linear({ inFeatures: 6, outFeatures: 9, generator: g(s + 2) }) }),
    run: (m) => noGrad(() => out((m as TokenModel).forward(ids([[1, 2], [3, 4], [8, 0]]), null).logits)),
  },
  {
    name: 'Embedding → BiGRU → max and mean → Linear text classifier (PooledClassifier)',
    make: (s) => new PooledClassifier({
      embedding: new Embedding({ numEmbeddings: 9, embeddingDim: 4, paddingIdx: 0, generator: g(s) }), rnn: new GRU({ inputSize: 4, hiddenSize: 3, bidirectional: true, generator: g(s + 1) }),
      linear: new Linear({ inFeatures: 12, outFeatures: 2, generator: g(s + 2) }), dropout: 0.3,
    }),
    run: (m) => noGrad(() => { m.eval(); return out((m as PooledClassifier).forward(ids([[1, 2], [3, 4], [8, 0]]), [3, 2])); }),
  },
  {
    name: 'LSTM → calendar embeddings → MLP forecaster (CalendarForecaster), 2 layers',
    make: (s) => new CalendarForecaster({
      rnn: new LSTM({ inputSize: 11, hiddenSize: 5, numLayers: 2, generator: g(s) }), weekday: new Embedding({ numEmbeddings: 7, embeddingDim: 2, generator: g(s + 1) }),
      day: new Embedding({ numEmbeddings: 366, embeddingDim: 3, generator: g(s + 2) }), step: new Embedding({ numEmbeddings: 4, embeddingDim: 2, generator: g(s + 3) }),
      hidden: new Linear({ inFeatures: 5 + 2 + 3 + 2 + 3, outFeatures: 6, generator: g(s + 4) }), output: new Linear({ inFeatures: 6, outFeatures: 1, generator: g(s + 5) }),
    }),
    run: (m) => noGrad(() => {
      const values = Float64Array.from({ length: 380 }, (_, k) => 100 + 30 * Math.sin(k / 3) + (k % 7));
      const input = dailyCalendarInputs({ values, ...dailyCalendar('2015-03-01', 384) }, [370, 379], { normalization: { mean: 90, std: 20 }, window: 6, horizon: 4 });
      return out((m as CalendarForecaster).forward(input));
    }),
  },
  {
    name: 'EncoderDecoder (Stacked GRUCell encoder, GRUCell decoder, token source)',
    make: (s) => new EncoderDecoder({
      sourceEmbedding: new Embedding({ numEmbeddings: 8, embeddingDim: 3, generator: g(s) }), encoder: new Stacked([new GRUCell({ inputSize: 3, hiddenSize: 5, generator: g(s + 1) })]),
      targetEmbedding: new Embedding({ numEmbeddings: 6, embeddingDim: 3, generator: g(s + 2) }), decoder: new GRUCell({ inputSize: 3, hiddenSize: 5, generator: g(s + 3) }),
      projection: new Linear({ inFeatures: 5, outFeatures: 6, generator: g(s + 4) }), bos: 1, eos: 2,
    }),
    run: (m) => noGrad(() => out((m as EncoderDecoder).forward(ids([[1, 2], [3, 4], [7, 0]]), ids([[3, 4], [5, 2]])))),
  },
  {
    name: 'EncoderDecoder (LSTMCell encoder and decoder, float source)',
    make: (s) => new EncoderDecoder({
      encoder: new LSTMCell({ inputSize: 3, hiddenSize: 4, generator: g(s) }), targetEmbedding: new Embedding({ numEmbeddings: 5, embeddingDim: 2, generator: g(s + 1) }),
      decoder: new LSTMCell({ inputSize: 2, hiddenSize: 4, generator: g(s + 2) }), projection: new Linear({ inFeatures: 4, outFeatures: 5, generator: g(s + 3) }), bos: 0, eos: 4,
    }),
    run: (m) => noGrad(() => out((m as EncoderDecoder).forward(x([3, 2, 3]), ids([[1, 2], [3, 4]])))),
  },
  { name: 'MinGRU, 2 layers, log-space scan', make: (s) => new MinGRU({ inputSize: 3, hiddenSize: 5, numLayers: 2, scan: 'log', generator: g(s) }), run: (m) => sequence(m, x([4, 2, 3])) },
  { name: 'MinLSTM without bias', make: (s) => new MinLSTM({ inputSize: 3, hiddenSize: 4, bias: false, generator: g(s) }), run: (m) => sequence(m, x([4, 2, 3])) },
  { name: 'LayerNormLSTM bidirectional', make: (s) => trained(new LayerNormLSTM({ inputSize: 3, hiddenSize: 4, bidirectional: true, generator: g(s) }), s), run: (m) => sequence(m, x([4, 2, 3])) },
  { name: 'LayerNormGRU, 2 layers', make: (s) => trained(new LayerNormGRU({ inputSize: 3, hiddenSize: 4, numLayers: 2, eps: 1e-3, generator: g(s) }), s), run: (m) => sequence(m, x([4, 2, 3])) },
  {
    name: 'Embedding → MinGRU → Linear language model (TokenModel)',
    make: (s) => new TokenModel({ embedding: new Embedding({ numEmbeddings: 9, embeddingDim: 4, generator: g(s) }), rnn: new MinGRU({ inputSize: 4, hiddenSize: 6, generator: g(s + 1) }) as never, linear: new Linear({ inFeatures: 6, outFeatures: 9, generator: g(s + 2) }) }),
    run: (m) => noGrad(() => out((m as TokenModel).forward(ids([[1, 2], [3, 4], [8, 0]]), null).logits)),
  },
  ...(['dot', 'general', 'concat', 'additive'] as const).map((score): ModelCase => ({
    name: `Attention (${score})`,
    make: (s) => trained(new Attention({ score, querySize: 4, keySize: 4, attentionSize: score === 'dot' ? undefined : 3, generator: g(s) }), s),
    run: (m) => noGrad(() => {
      const attention = m as Attention;
      const { context, weights } = attention.forward(x([2, 4]), attention.prepare(randn([2, 5, 4], new Generator(7)), [5, 3]));
      return Float32Array.from([...context.value.data, ...weights.value.data]);
    }),
  })),
  {
    name: 'AttentionEncoderDecoder (bidirectional LSTM encoder, LSTMCell decoder, input feeding)',
    make: (s) => new AttentionEncoderDecoder({
      sourceEmbedding: new Embedding({ numEmbeddings: 7, embeddingDim: 3, generator: g(s) }), encoder: new LSTM({ inputSize: 3, hiddenSize: 4, bidirectional: true, generator: g(s + 1) }),
      bridge: new Linear({ inFeatures: 8, outFeatures: 5, generator: g(s + 2) }), targetEmbedding: new Embedding({ numEmbeddings: 6, embeddingDim: 3, generator: g(s + 3) }),
      decoder: new LSTMCell({ inputSize: 3 + 5, hiddenSize: 5, generator: g(s + 4) }), attention: trained(new Attention({ score: 'general', querySize: 5, keySize: 8 }), s + 5),
      combine: new Linear({ inFeatures: 13, outFeatures: 5, bias: false, generator: g(s + 6) }), projection: new Linear({ inFeatures: 5, outFeatures: 6, generator: g(s + 7) }),
      inputFeeding: true, bos: 5, eos: 0,
    }),
    run: (m) => noGrad(() => {
      const { logits, weights } = (m as AttentionEncoderDecoder).forward(ids([[1, 2], [3, 4], [6, 0]]), ids([[3, 4], [5, 2]]), { sourceLengths: [3, 2] });
      return Float32Array.from([...logits.value.data, ...weights.value.data]);
    }),
  },
  {
    name: 'AttentionEncoderDecoder (2-layer bidirectional GRU encoder, GRUCell decoder, additive)',
    make: (s) => new AttentionEncoderDecoder({
      sourceEmbedding: new Embedding({ numEmbeddings: 7, embeddingDim: 3, generator: g(s) }), encoder: new GRU({ inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true, generator: g(s + 1) }),
      bridge: new Linear({ inFeatures: 8, outFeatures: 4, generator: g(s + 2) }), targetEmbedding: new Embedding({ numEmbeddings: 6, embeddingDim: 3, generator: g(s + 3) }),
      decoder: new GRUCell({ inputSize: 3, hiddenSize: 4, generator: g(s + 4) }), attention: trained(new Attention({ score: 'additive', querySize: 4, keySize: 8, attentionSize: 3 }), s + 5),
      combine: new Linear({ inFeatures: 12, outFeatures: 4, bias: false, generator: g(s + 6) }), projection: new Linear({ inFeatures: 4, outFeatures: 6, generator: g(s + 7) }),
      bos: 1, eos: 2,
    }),
    run: (m) => noGrad(() => Float32Array.from((m as AttentionEncoderDecoder).forward(ids([[1, 2], [3, 4], [6, 0]]), ids([[3, 4], [5, 2]]), { sourceLengths: [3, 2] }).logits.value.data)),
  },
];

/** The user kind's case: needs `kinds: [scaledKind]` to save and load. */
export const userCase: ModelCase = {
  name: 'a user Module subclass with a registered kind',
  make: (s) => new Scaled(new Linear({ inFeatures: 3, outFeatures: 2, generator: g(s) }), 2.5),
  run: (m) => noGrad(() => out((m as Scaled).inner.forward(x([2, 3])))),
};

/** True when two float32 arrays hold the same bits. */
export function sameBits(a: Float32Array, b: Float32Array): boolean {
  const left = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const right = new Uint32Array(b.buffer, b.byteOffset, b.length);
  return left.length === right.length && left.every((word, k) => word === right[k]);
}
