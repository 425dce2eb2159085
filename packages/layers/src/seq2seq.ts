import { type Tensor, Generator, checkOptions, describeValue, isTensor, empty, fail, formatShape, logSoftmax as logSoftmaxValues, option } from '@recurrent/tensor';
import { Module, type Variable, noGrad, valueOf } from '@recurrent/autograd';
import { Embedding } from './embedding.js';
import { Linear } from './linear.js';
import type { RecurrentCell, SequenceLayer } from './recurrent.js';
import { type SamplingOptions, sampleLogits } from './sampling.js';
import { stack } from './sequenceOps.js';
import { type CellOrLayer, toSequenceLayer } from './stacked.js';
import { checkPositiveInteger } from './internal/checkPositiveInteger.js';
import { common } from './internal/commonOptions.js';

/** Options of {@link EncoderDecoder}. */
export interface EncoderDecoderOptions {
  /** Reads the source sequence `[T_in, B, I]` (time-major); a cell is wrapped in `Recurrent`. */
  encoder: CellOrLayer;
  /** Embeds int32 source tokens `[T_in, B]` before the encoder (omit for float sources). */
  sourceEmbedding?: Embedding;
  /** One decoder step; its initial state is the encoder's final state (shapes must agree). */
  decoder: RecurrentCell;
  /** Embeds the previous target token for the decoder. */
  targetEmbedding: Embedding;
  /** Maps a decoder output to vocabulary logits. */
  projection: Linear;
  /** Start-of-sequence token fed at the first decoder step. */
  bos: number;
  /** End-of-sequence token that stops decoding. */
  eos: number;
}

/** A decoded sequence with its total log-probability. */
export interface DecodedSequence {
  tokens: number[];
  logProb: number;
}

/**
 * A sequence-to-sequence model (Sutskever et al., 2014): an encoder reads the source, its final
 * state starts a decoder that emits target tokens one by one.
 *
 * ```
 * state_0 = encoder(source).state
 * (o_t, state_{t+1}) = decoder(embed(y_{t−1}), state_t),  y_{−1} = bos
 * logits_t = projection(o_t)
 * ```
 * `forward` uses teacher forcing (the true previous token); `greedyDecode`, `beamDecode` and
 * `sample` feed back their own tokens. One-to-many is a source of length 1; many-to-one a target
 * of length 1.
 *
 * Shapes: source `[T_in, B, I]` floats or `[T_in, B]` int32 tokens (with `sourceEmbedding`);
 * targets `[T_out, B]` int32; logits `[T_out, B, V]`.
 *
 * @example
 * const model = new EncoderDecoder({
 *   encoder: new GRUCell({ inputSize: 8, hiddenSize: 32 }), sourceEmbedding: new Embedding({ numEmbeddings: 20, embeddingDim: 8 }),
 *   decoder: new GRUCell({ inputSize: 8, hiddenSize: 32 }), targetEmbedding: new Embedding({ numEmbeddings: 20, embeddingDim: 8 }),
 *   projection: new Linear({ inFeatures: 32, outFeatures: 20 }), bos: 1, eos: 2,
 * });
 * const loss = crossEntropy(reshape(model.forward(source, targets), [-1, 20]), flatTargets);
 * const [best] = model.beamDecode(source, { beamWidth: 4, maxLength: 10 });
 */
export class EncoderDecoder extends Module {
  readonly encoder: SequenceLayer;
  readonly decoder: RecurrentCell;
  readonly sourceEmbedding: Embedding | null;
  readonly targetEmbedding: Embedding;
  readonly projection: Linear;
  readonly bos: number;
  readonly eos: number;

  constructor(options: EncoderDecoderOptions) {
    super();
    checkOptions('EncoderDecoder', options, {
      encoder: option.any, sourceEmbedding: option.instance(Embedding, 'an Embedding'), decoder: option.any,
      targetEmbedding: option.instance(Embedding, 'an Embedding'), projection: option.instance(Linear, 'a Linear'),
      bos: option.integer({ min: 0 }), eos: option.integer({ min: 0 }),
    });
    for (const name of ['encoder', 'decoder', 'targetEmbedding', 'projection', 'bos', 'eos'] as const) {
      if (options?.[name] === undefined) fail('EncoderDecoder', `option ${name}`, 'none');
    }
    this.sourceEmbedding = options.sourceEmbedding ? this.registerModule('sourceEmbedding', options.sourceEmbedding) : null;
    this.encoder = this.registerModule('encoder', toSequenceLayer('EncoderDecoder', options.encoder, false));
    this.targetEmbedding = this.registerModule('targetEmbedding', options.targetEmbedding);
    this.decoder = this.registerModule('decoder', options.decoder);
    this.projection = this.registerModule('projection', options.projection);
    this.bos = options.bos;
    this.eos = options.eos;
    const vocabulary = options.projection.outFeatures;
    for (const [name, token] of [['bos', this.bos], ['eos', this.eos]] as const) {
      if (!Number.isInteger(token) || token < 0 || token >= vocabulary) fail('EncoderDecoder', `${name} in [0, ${vocabulary - 1}]`, String(token));
    }
  }

  /** The options besides the submodules (`encoder`, `decoder`, the embeddings, `projection`), as JSON. */
  config(): { bos: number; eos: number } {
    return { bos: this.bos, eos: this.eos };
  }

  /** Runs the encoder; returns the decoder's initial state. */
  encode(source: Variable | Tensor, sourceLengths?: readonly number[]): Variable[] {
    const input = this.sourceEmbedding ? this.sourceEmbedding.forward(valueOf(source)) : source;
    const { state } = this.encoder.forward(input, { lengths: sourceLengths });
    const sizes = this.decoder.stateSizes;
    if (state.length !== sizes.length || state.some((s, k) => s.shape[s.rank - 1] !== sizes[k])) {
      fail('EncoderDecoder', `an encoder final state of widths [${sizes.join(', ')}] (the decoder's)`, `[${state.map((s) => formatShape(s.shape)).join(', ')}]`);
    }
    return state;
  }

  /** One decoder step from the previous tokens; returns logits `[B, V]` and the new state. */
  decodeStep(previous: readonly number[], state: readonly (Variable | Tensor)[], time: number): { logits: Variable; state: Variable[] } {
    const x = this.targetEmbedding.forward([...previous]);
    const result = this.decoder.step(x, state, time);
    return { logits: this.projection.forward(result.output), state: result.state };
  }

  /** Teacher forcing: logits `[T_out, B, V]` for `targets [T_out, B]` (step t reads target t − 1). */
  forward(source: Variable | Tensor, targets: Tensor, options: { sourceLengths?: readonly number[] } = {}): Variable {
    checkOptions('EncoderDecoder.forward', options, { sourceLengths: option.arrayOf(option.integer({ min: 0 })) });
    if (!isTensor(targets) || targets.rank !== 2 || targets.dtype !== 'int32') fail('EncoderDecoder', 'int32 targets [T_out, batch]', isTensor(targets) ? `${targets.dtype} ${formatShape(targets.shape)}` : describeValue(targets));
    const [steps, batch] = targets.shape;
    let state: Variable[] = this.encode(source, options.sourceLengths);
    if (state[0].shape[0] !== batch) fail('EncoderDecoder', `targets for the source batch of ${state[0].shape[0]}`, formatShape(targets.shape));
    const logits: Variable[] = [];
    let previous = new Array<number>(batch).fill(this.bos);
    for (let t = 0; t < steps; t++) {
      const step = this.decodeStep(previous, state, t);
      logits.push(step.logits);
      state = step.state;
      previous = Array.from(targets.data.subarray(t * batch, (t + 1) * batch));
    }
    return stack(logits, 0);
  }

  /** Greedy decoding (the argmax at every step) until `eos` or `maxLength` tokens, per sequence. */
  greedyDecode(source: Variable | Tensor, options: { maxLength: number; sourceLengths?: readonly number[] }): number[][] {
    return this.sample(source, { ...options, temperature: 0 });
  }

  /** Sampled decoding (temperature, top-k, top-p, seeded) until `eos` or `maxLength` tokens. */
  sample(source: Variable | Tensor, options: SamplingOptions & { maxLength: number; sourceLengths?: readonly number[] }): number[][] {
    checkOptions('EncoderDecoder.sample', options, {
      temperature: option.number({ min: 0 }), topK: option.integer({ min: 1 }), topP: option.number({ above: 0, max: 1 }), generator: common.generator,
      maxLength: option.integer({ min: 0 }), sourceLengths: option.arrayOf(option.integer({ min: 0 })),
    });
    if (options?.maxLength === undefined) fail('EncoderDecoder.sample', 'option maxLength', 'none');
    return noGrad(() => {
      let state: (Variable | Tensor)[] = this.encode(source, options.sourceLengths);
      const batch = state[0].shape[0];
      const generator = options.generator ?? new Generator(0);
      // sampleLogits takes the sampling options only (it rejects names it does not know)
      const { maxLength: _maxLength, sourceLengths: _sourceLengths, ...sampling } = options;
      const outputs: number[][] = Array.from({ length: batch }, () => []);
      const done = new Array<boolean>(batch).fill(false);
      let previous = new Array<number>(batch).fill(this.bos);
      for (let t = 0; t < options.maxLength && done.includes(false); t++) {
        const step = this.decodeStep(previous, state, t);
        state = step.state;
        previous = sampleLogits(step.logits, { ...sampling, generator });
        previous.forEach((token, b) => {
          if (done[b]) return;
          if (token === this.eos) done[b] = true;
          else outputs[b].push(token);
        });
      }
      return outputs;
    });
  }

  /**
   * Beam search: keeps the `beamWidth` most probable prefixes (sum of token log-probabilities);
   * a hypothesis ends at `eos` (its log-probability included) or at `maxLength` tokens. Returns
   * the best finished hypothesis per source sequence.
   */
  beamDecode(source: Variable | Tensor, options: { beamWidth: number; maxLength: number; sourceLengths?: readonly number[] }): DecodedSequence[] {
    const { beamWidth, maxLength } = options;
    checkPositiveInteger('EncoderDecoder.beamDecode', 'beamWidth', beamWidth);
    return noGrad(() => {
      const encoded = this.encode(source, options.sourceLengths).map((s) => s.value);
      return Array.from({ length: encoded[0].shape[0] }, (_, b) => this.beamOne(encoded.map((s) => rows(s, [b])), beamWidth, maxLength));
    });
  }

  private beamOne(initial: Tensor[], beamWidth: number, maxLength: number): DecodedSequence {
    let beams = [{ tokens: [] as number[], logProb: 0, row: 0 }];
    let state: Tensor[] = initial;
    const finished: DecodedSequence[] = [];
    for (let t = 0; t < maxLength && beams.length > 0; t++) {
      const step = this.decodeStep(beams.map((beam) => beam.tokens[beam.tokens.length - 1] ?? this.bos), state, t);
      const logProbs = logSoftmaxValues(step.logits.value, -1);
      const V = logProbs.shape[1];
      // Score every (beam, token) pair; copy token lists only for the beamWidth kept.
      const candidates: { logProb: number; row: number; token: number }[] = [];
      beams.forEach((beam, i) => {
        for (let token = 0; token < V; token++) candidates.push({ logProb: beam.logProb + logProbs.data[i * V + token], row: i, token });
      });
      candidates.sort((a, b) => b.logProb - a.logProb);
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
      state = step.state.map((s) => rows(s.value, next.map((beam) => beam.row)));
      beams = next.map((beam, i) => ({ ...beam, row: i }));
    }
    return finished.reduce((best, f) => (f.logProb > best.logProb ? f : best), { tokens: [], logProb: -Infinity });
  }
}

/** Rows `indices` of a `[B, F]` tensor, as a new tensor. */
function rows(x: Tensor, indices: readonly number[]): Tensor {
  const width = x.shape[1];
  const out = empty([indices.length, width], { dtype: x.dtype, backend: x.backend });
  indices.forEach((row, i) => out.data.set(x.data.subarray(row * width, (row + 1) * width), i * width));
  return out;
}
