import { type Tensor, checkOptions, describeValue, empty, fail, formatShape, isTensor, logSoftmax as logSoftmaxValues, option, zeros } from '@recurrent/tensor';
import {
  Module, type Variable, concat, indexSelect, narrow, noGrad, permute, reshape, stack as stackAxis, tanh, valueOf,
} from '@recurrent/autograd';
import { GRUCell, LSTMCell } from '@recurrent/cells';
import { Attention, type AttentionMemory } from './attention.js';
import { Embedding } from './embedding.js';
import { GRU } from './gru.js';
import { Linear } from './linear.js';
import { LSTM } from './lstm.js';
import type { RecurrentCell } from './recurrent.js';
import type { DecodedSequence } from './seq2seq.js';
import { checkPositiveInteger } from './internal/checkPositiveInteger.js';

/** Options of {@link AttentionEncoderDecoder}. */
export interface AttentionEncoderDecoderOptions {
  /** Embeds int32 source tokens `[T_in, B]`. */
  sourceEmbedding: Embedding;
  /** A bidirectional, time-major fused `GRU` or `LSTM`; its outputs `[T_in, B, 2H]` are the keys. */
  encoder: GRU | LSTM;
  /** Maps the last layer's two final hidden states `[B, 2H]` to the decoder's first `h` (then tanh). */
  bridge: Linear;
  /** Embeds the previous target token. */
  targetEmbedding: Embedding;
  /** One decoder step (`GRUCell` or `LSTMCell`); its input is the embedding, with input feeding
   * followed by the previous attentional state. */
  decoder: GRUCell | LSTMCell;
  /** Scores the decoder state against the encoder outputs. */
  attention: Attention;
  /** `h̃ = tanh(W_c [c; h])`: from `[B, 2H + decoder hidden]` to the attentional state. */
  combine: Linear;
  /** Maps the attentional state to vocabulary logits. */
  projection: Linear;
  /** Feed the previous attentional state `h̃_{t−1}` into the decoder (Luong et al.; default false). */
  inputFeeding?: boolean;
  /** Start-of-sequence token fed at the first step. */
  bos: number;
  /** End-of-sequence token that stops decoding. */
  eos: number;
}

/** The decoder's carried state: the cell's tensors and, with input feeding, `h̃_{t−1}`. */
export interface AttentionDecoderState {
  cell: (Variable | Tensor)[];
  feed: Variable | Tensor | null;
}

/** One decoder step's result. */
export interface AttentionStepResult {
  /** `[B, V]`. */
  logits: Variable;
  /** Attention weights over the source `[B, T_in]`. */
  weights: Variable;
  /** The attentional state `h̃_t = tanh(W_c [c_t; h_t])`: `[B, C]`. */
  attentional: Variable;
  state: AttentionDecoderState;
}

/** Teacher-forced outputs. */
export interface AttentionEncoderDecoderOutput {
  /** `[T_out, B, V]`. */
  logits: Variable;
  /** `[T_out, B, T_in]`: row `(t, b)` is where step `t` of sequence `b` looked. */
  weights: Variable;
}

/**
 * An attentional encoder–decoder (Bahdanau et al., 2015; Luong et al., 2015): a bidirectional
 * encoder reads the source, and at every step the decoder attends over all its outputs.
 *
 * ```
 * (k_1 … k_S), h_n = encoder(embed(x))                  k_s = [→h_s; ←h_s]
 * h_0 = tanh(bridge([→h_S; ←h_1]))                      (c_0 = 0 for an LSTM decoder)
 * h_t = decoder([embed(y_{t−1}); h̃_{t−1}], h_{t−1})     (h̃_{t−1} only with inputFeeding; h̃_{−1} = 0)
 * c_t, α_t = attention(h_t, k)                           α_t = 0 past the source's length
 * h̃_t = tanh(combine([c_t; h_t])),   logits_t = projection(h̃_t)
 * ```
 * `forward` uses teacher forcing; `greedyDecode` and `beamDecode` feed back their own tokens.
 *
 * Shapes: source `[T_in, B]` int32, `sourceLengths` `[B]`, targets `[T_out, B]` int32; logits
 * `[T_out, B, V]`, weights `[T_out, B, T_in]`.
 *
 * @example
 * const model = new AttentionEncoderDecoder({
 *   sourceEmbedding: new Embedding({ numEmbeddings: 30, embeddingDim: 16 }),
 *   encoder: new GRU({ inputSize: 16, hiddenSize: 32, bidirectional: true }),
 *   bridge: new Linear({ inFeatures: 64, outFeatures: 48 }),
 *   targetEmbedding: new Embedding({ numEmbeddings: 42, embeddingDim: 16 }),
 *   decoder: new GRUCell({ inputSize: 16 + 48, hiddenSize: 48 }),
 *   attention: new Attention({ score: 'general', querySize: 48, keySize: 64 }),
 *   combine: new Linear({ inFeatures: 64 + 48, outFeatures: 48, bias: false }),
 *   projection: new Linear({ inFeatures: 48, outFeatures: 42 }),
 *   inputFeeding: true, bos: 1, eos: 2,
 * });
 * const { logits, weights } = model.forward(source, targets, { sourceLengths });
 * const [best] = model.beamDecode(source, { beamWidth: 4, maxLength: 20, sourceLengths });
 */
export class AttentionEncoderDecoder extends Module {
  readonly sourceEmbedding: Embedding;
  readonly encoder: GRU | LSTM;
  readonly bridge: Linear;
  readonly targetEmbedding: Embedding;
  readonly decoder: RecurrentCell;
  readonly attention: Attention;
  readonly combine: Linear;
  readonly projection: Linear;
  readonly inputFeeding: boolean;
  readonly bos: number;
  readonly eos: number;

  constructor(options: AttentionEncoderDecoderOptions) {
    super();
    const op = 'AttentionEncoderDecoder';
    const instance = (what: string, ...classes: (abstract new (...args: never[]) => unknown)[]) => option.shaped(what, (value) => classes.some((type) => value instanceof type));
    checkOptions(op, options, {
      sourceEmbedding: instance('an Embedding', Embedding), encoder: instance('a GRU or LSTM', GRU, LSTM), bridge: instance('a Linear', Linear),
      targetEmbedding: instance('an Embedding', Embedding), decoder: instance('a GRUCell or LSTMCell', GRUCell, LSTMCell),
      attention: instance('an Attention', Attention), combine: instance('a Linear', Linear), projection: instance('a Linear', Linear),
      inputFeeding: option.boolean, bos: option.integer({ min: 0 }), eos: option.integer({ min: 0 }),
    }, ['sourceEmbedding', 'encoder', 'bridge', 'targetEmbedding', 'decoder', 'attention', 'combine', 'projection', 'bos', 'eos']);
    this.sourceEmbedding = this.registerModule('sourceEmbedding', options.sourceEmbedding);
    this.encoder = this.registerModule('encoder', options.encoder);
    this.bridge = this.registerModule('bridge', options.bridge);
    this.targetEmbedding = this.registerModule('targetEmbedding', options.targetEmbedding);
    this.decoder = this.registerModule('decoder', options.decoder);
    this.attention = this.registerModule('attention', options.attention);
    this.combine = this.registerModule('combine', options.combine);
    this.projection = this.registerModule('projection', options.projection);
    this.inputFeeding = options.inputFeeding ?? false;
    this.bos = options.bos;
    this.eos = options.eos;
    const encoder = options.encoder;
    if (!encoder.bidirectional || encoder.batchFirst) fail(op, 'a bidirectional, time-major encoder', `bidirectional ${encoder.bidirectional}, batchFirst ${encoder.batchFirst}`);
    const K = 2 * (encoder.projSize || encoder.hiddenSize);
    const H = this.decoder.hiddenSize ?? this.decoder.stateSizes[0];
    const C = options.combine.outFeatures;
    const E = options.targetEmbedding.embeddingDim;
    const expect = (what: string, actual: number, wanted: number) => {
      if (actual !== wanted) fail(op, `${what} ${wanted}`, String(actual));
    };
    expect('encoder inputSize (the source embedding dim)', encoder.inputSize, options.sourceEmbedding.embeddingDim);
    expect('bridge inFeatures (2 × encoder width)', options.bridge.inFeatures, K);
    expect('bridge outFeatures (decoder hiddenSize)', options.bridge.outFeatures, H);
    expect('attention keySize (2 × encoder width)', options.attention.keySize, K);
    expect('attention querySize (decoder hiddenSize)', options.attention.querySize, H);
    expect('combine inFeatures (keySize + decoder hiddenSize)', options.combine.inFeatures, K + H);
    expect('projection inFeatures (combine outFeatures)', options.projection.inFeatures, C);
    expect('decoder inputSize (embedding dim, + combine outFeatures with inputFeeding)', this.decoder.inputSize, E + (this.inputFeeding ? C : 0));
    const vocabulary = options.projection.outFeatures;
    for (const [name, token] of [['bos', this.bos], ['eos', this.eos]] as const) {
      if (!Number.isInteger(token) || token < 0 || token >= vocabulary) fail(op, `${name} in [0, ${vocabulary - 1}]`, String(token));
    }
  }

  /** The options besides the submodules (the embeddings, `encoder`, `bridge`, `decoder`, `attention`, `combine`, `projection`), as JSON. */
  config(): { inputFeeding: boolean; bos: number; eos: number } {
    return { inputFeeding: this.inputFeeding, bos: this.bos, eos: this.eos };
  }

  /** Runs the encoder: the attention memory over its outputs and the decoder's first state. */
  encode(source: Tensor, sourceLengths?: readonly number[]): { memory: AttentionMemory; state: AttentionDecoderState } {
    if (!isTensor(source) || source.rank !== 2 || source.dtype !== 'int32') fail('AttentionEncoderDecoder', 'int32 source tokens [T_in, batch]', isTensor(source) ? `${source.dtype} ${formatShape(source.shape)}` : describeValue(source));
    const batch = source.shape[1];
    const { output, h_n } = this.encoder.forward(this.sourceEmbedding.forward(source), { lengths: sourceLengths ?? null });
    const memory = this.attention.prepare(permute(output, [1, 0, 2]), sourceLengths);
    const layers = this.encoder.numLayers;
    const last = reshape(permute(narrow(h_n, 0, 2 * layers - 2, 2), [1, 0, 2]), [batch, -1]);
    const h0 = tanh(this.bridge.forward(last));
    const like = { dtype: h0.value.dtype, backend: h0.value.backend };
    const cell: (Variable | Tensor)[] = [h0, ...this.decoder.stateSizes.slice(1).map((size) => zeros([batch, size], like))];
    const feed = this.inputFeeding ? zeros([batch, this.combine.outFeatures], like) : null;
    return { memory, state: { cell, feed } };
  }

  /** One decoder step from the previous tokens `[B]`. */
  decodeStep(previous: readonly number[], state: AttentionDecoderState, memory: AttentionMemory, time: number): AttentionStepResult {
    const embedded = this.targetEmbedding.forward([...previous]);
    const input = state.feed ? concat([embedded, state.feed], 1) : embedded;
    const step = this.decoder.step(input, state.cell, time);
    const { context, weights } = this.attention.forward(step.output, memory);
    const attentional = tanh(this.combine.forward(concat([context, step.output], 1)));
    return { logits: this.projection.forward(attentional), weights, attentional, state: { cell: step.state, feed: this.inputFeeding ? attentional : null } };
  }

  /** Teacher forcing: step t reads target t − 1 (bos at t = 0). */
  forward(source: Tensor, targets: Tensor, options: { sourceLengths?: readonly number[] } = {}): AttentionEncoderDecoderOutput {
    if (!isTensor(targets) || targets.rank !== 2 || targets.dtype !== 'int32') fail('AttentionEncoderDecoder', 'int32 targets [T_out, batch]', isTensor(targets) ? `${targets.dtype} ${formatShape(targets.shape)}` : describeValue(targets));
    const [steps, batch] = targets.shape;
    if (source.shape[1] !== batch) fail('AttentionEncoderDecoder', `targets for the source batch of ${source.shape[1]}`, formatShape(targets.shape));
    let { memory, state } = this.encode(source, options.sourceLengths);
    const logits: Variable[] = [];
    const weights: Variable[] = [];
    let previous = new Array<number>(batch).fill(this.bos);
    for (let t = 0; t < steps; t++) {
      const step = this.decodeStep(previous, state, memory, t);
      logits.push(step.logits);
      weights.push(step.weights);
      state = step.state;
      previous = Array.from(targets.data.subarray(t * batch, (t + 1) * batch));
    }
    return { logits: stackAxis(logits, 0), weights: stackAxis(weights, 0) };
  }

  /** Greedy decoding (the argmax at every step) until `eos` or `maxLength` tokens; with the weights of each emitted step. */
  greedyDecode(source: Tensor, options: { maxLength: number; sourceLengths?: readonly number[] }): { tokens: number[][]; weights: number[][][] } {
    checkPositiveInteger('AttentionEncoderDecoder.greedyDecode', 'maxLength', options.maxLength);
    return noGrad(() => {
      let { memory, state } = this.encode(source, options.sourceLengths);
      const batch = source.shape[1], S = source.shape[0];
      const tokens: number[][] = Array.from({ length: batch }, () => []);
      const weights: number[][][] = Array.from({ length: batch }, () => []);
      const done = new Array<boolean>(batch).fill(false);
      let previous = new Array<number>(batch).fill(this.bos);
      for (let t = 0; t < options.maxLength && done.includes(false); t++) {
        const step = this.decodeStep(previous, state, memory, t);
        state = step.state;
        const logits = step.logits.value, V = logits.shape[1];
        previous = Array.from({ length: batch }, (_, b) => {
          let best = 0;
          for (let v = 1; v < V; v++) if (logits.data[b * V + v] > logits.data[b * V + best]) best = v;
          return best;
        });
        previous.forEach((token, b) => {
          if (done[b]) return;
          if (token === this.eos) done[b] = true;
          else {
            tokens[b].push(token);
            weights[b].push(Array.from(step.weights.value.data.subarray(b * S, (b + 1) * S)));
          }
        });
      }
      return { tokens, weights };
    });
  }

  /**
   * Beam search: keeps the `beamWidth` most probable prefixes (sum of token log-probabilities); a
   * hypothesis ends at `eos` (its log-probability included) or at `maxLength` tokens. Returns the
   * best finished hypothesis per source sequence.
   */
  beamDecode(source: Tensor, options: { beamWidth: number; maxLength: number; sourceLengths?: readonly number[] }): DecodedSequence[] {
    const { beamWidth, maxLength } = options;
    checkPositiveInteger('AttentionEncoderDecoder.beamDecode', 'beamWidth', beamWidth);
    checkPositiveInteger('AttentionEncoderDecoder.beamDecode', 'maxLength', maxLength);
    return noGrad(() => {
      const { memory, state } = this.encode(source, options.sourceLengths);
      return Array.from({ length: source.shape[1] }, (_, b) => this.beamOne(memory, state, b, beamWidth, maxLength));
    });
  }

  private beamOne(memory: AttentionMemory, initial: AttentionDecoderState, b: number, beamWidth: number, maxLength: number): DecodedSequence {
    let beams = [{ tokens: [] as number[], logProb: 0, row: 0 }];
    let state = selectState(initial, [b]);
    const finished: DecodedSequence[] = [];
    for (let t = 0; t < maxLength && beams.length > 0; t++) {
      const own = selectMemory(memory, new Array<number>(beams.length).fill(b));
      const step = this.decodeStep(beams.map((beam) => beam.tokens[beam.tokens.length - 1] ?? this.bos), state, own, t);
      const logProbs = logSoftmaxValues(step.logits.value, -1);
      const V = logProbs.shape[1];
      const candidates: { logProb: number; row: number; token: number }[] = [];
      beams.forEach((beam, i) => {
        for (let token = 0; token < V; token++) candidates.push({ logProb: beam.logProb + logProbs.data[i * V + token], row: i, token });
      });
      candidates.sort((x, y) => y.logProb - x.logProb);
      let next: typeof beams = [];
      for (const { logProb, row, token } of candidates.slice(0, beamWidth)) {
        const prefix = beams[row].tokens;
        if (token === this.eos) finished.push({ tokens: prefix.slice(), logProb });
        else if (t === maxLength - 1) finished.push({ tokens: [...prefix, token], logProb });
        else next.push({ tokens: [...prefix, token], logProb, row });
      }
      // No open prefix can beat a finished hypothesis: log-probabilities only fall.
      const bestFinished = Math.max(...finished.map((f) => f.logProb));
      next = next.filter((beam) => beam.logProb > bestFinished);
      state = selectState(step.state, next.map((beam) => beam.row));
      beams = next.map((beam, i) => ({ ...beam, row: i }));
    }
    return finished.reduce((best, f) => (f.logProb > best.logProb ? f : best), { tokens: [], logProb: -Infinity });
  }
}

/** Rows `indices` of a `[B, F]` tensor, as a new tensor. */
function rows(x: Variable | Tensor, indices: readonly number[]): Tensor {
  const value = valueOf(x);
  const width = value.shape[1];
  const out = empty([indices.length, width], { dtype: value.dtype, backend: value.backend });
  indices.forEach((row, i) => out.data.set(value.data.subarray(row * width, (row + 1) * width), i * width));
  return out;
}

function selectState(state: AttentionDecoderState, indices: readonly number[]): AttentionDecoderState {
  return { cell: state.cell.map((s) => rows(s, indices)), feed: state.feed ? rows(state.feed, indices) : null };
}

/** The memory of the sources `indices` (repeated as beams need), under noGrad. */
function selectMemory(memory: AttentionMemory, indices: readonly number[]): AttentionMemory {
  const pick = (x: Variable | Tensor) => indexSelect(x, 0, indices);
  return {
    keys: pick(memory.keys),
    projected: memory.projected ? pick(memory.projected) : null,
    mask: memory.mask ? pick(memory.mask).value : null,
    lengths: indices.map((i) => memory.lengths[i]),
  };
}
