import { backward, crossEntropy, noGrad } from '@recurrent/autograd';
import { Generator, type Tensor, formatShape, fromData, isTensor } from '@recurrent/tensor';
import type { SamplingSettings, TrainingTask } from '../training/task.js';
import { samplingDistribution } from '@recurrent/layers';
import { type CharacterCorpus, loadMobyDick } from './mobyDick.js';
import { type CarriedState, TokenModel, type RecurrentModelSettings } from './models.js';

/** Settings of the character language model (bench/learning.md's by default). */
export interface CharLmSettings extends RecurrentModelSettings {
  embeddingSize: number;
  /** Truncated back-propagation length (the batch is the number of contiguous streams). */
  bptt: number;
  /** Validation characters scored at intermediate evaluations (the final one scores all). */
  evalLimit?: number;
}

/** The defaults of bench/learning.md: Embedding(89, 64) → LSTM(64→256, 2 layers) → Linear. */
export const charLmDefaults = { embeddingSize: 64, hiddenSize: 256, numLayers: 2, batch: 32, bptt: 100, lr: 2e-3, clip: 1 };

/**
 * Character-level language modelling on Moby Dick: `batch` contiguous streams over the training
 * text, BPTT windows of `bptt` characters with the state carried (detached) from one window to
 * the next; metric: validation bits per character over 10 contiguous streams, state carried.
 */
export function charLmTask(settings: CharLmSettings, corpus: CharacterCorpus = loadMobyDick()): TrainingTask & { corpus: CharacterCorpus; model: TokenModel } {
  const vocabularySize = corpus.vocabulary.length;
  const modelConfig = {
    kind: 'TokenModel', cell: settings.cell, vocabularySize, embeddingSize: settings.embeddingSize,
    hiddenSize: settings.hiddenSize, numLayers: settings.numLayers, bidirectional: false, outputSize: vocabularySize,
  };
  // one generator draws the initial weights and then the dropout masks; checkpoints carry it
  const generator = new Generator(settings.seed);
  const model = new TokenModel({ ...modelConfig, dropout: settings.dropout, weightDrop: settings.weightDrop, lockedDropout: settings.lockedDropout }, generator, settings.backend);
  const streamLength = Math.floor(corpus.train.length / settings.batch);
  const stepsPerEpoch = Math.floor((streamLength - 1) / settings.bptt);
  let position = 0;
  let epoch = 0;
  let carried: CarriedState | null = null;
  const inputs = new Int32Array(settings.bptt * settings.batch);
  const targets = new Int32Array(settings.bptt * settings.batch);
  return {
    name: 'char-lm', model, modelConfig, corpus, vocabulary: corpus.vocabulary,
    io: { task: 'char-lm', tokenizer: 'characters', vocabulary: corpus.vocabulary },
    metric: { name: 'bits_per_char', direction: 'lower' },
    unit: { name: 'chars', perStep: settings.bptt * settings.batch },
    stepsPerEpoch,
    generators: { model: generator },
    trainStep() {
      if (position + settings.bptt + 1 > streamLength) {
        position = 0;
        epoch++;
        carried = null;
      }
      // time-major [bptt, batch]: row t holds character position+t of every stream
      for (let t = 0; t < settings.bptt; t++) {
        for (let b = 0; b < settings.batch; b++) {
          const at = b * streamLength + position + t;
          inputs[t * settings.batch + b] = corpus.train[at];
          targets[t * settings.batch + b] = corpus.train[at + 1];
        }
      }
      const { logits, state } = model.forward(fromData(inputs.slice(), [settings.bptt, settings.batch], { backend: model.backend }), carried);
      const loss = crossEntropy(logits, fromData(targets.slice(), [settings.bptt * settings.batch], { backend: model.backend }));
      backward(loss);
      carried = state;
      position += settings.bptt;
      return loss.item();
    },
    evaluate(final = true) {
      const limit = final ? corpus.validation.length : Math.min(corpus.validation.length, settings.evalLimit ?? corpus.validation.length);
      return bitsPerChar(model, corpus.validation.subarray(0, limit), 10, 100);
    },
    getDataState() {
      return { position, epoch, h: carried?.h ?? null, c: carried?.c ?? null };
    },
    setDataState(state) {
      if (!Number.isInteger(state.position) || (state.position as number) < 0 || (state.position as number) > streamLength) {
        throw new Error(`expected data.position to be an integer in [0, ${streamLength}], got ${JSON.stringify(state.position) ?? 'none'}`);
      }
      if (!Number.isInteger(state.epoch) || (state.epoch as number) < 0) throw new Error(`expected data.epoch to be an integer ≥ 0, got ${JSON.stringify(state.epoch) ?? 'none'}`);
      // carried states [layers, batch, hidden]: another shape would fail deep inside the LSTM
      const stateShape = [settings.numLayers, settings.batch, settings.hiddenSize];
      for (const key of settings.cell === 'lstm' ? ['h', 'c'] : ['h']) {
        const value = state[key];
        if (value === null || value === undefined) continue;
        if (!isTensor(value) || value.shape.length !== 3 || value.shape.some((d, k) => d !== stateShape[k])) {
          throw new Error(`expected data.${key} to be null or a tensor [${stateShape.join(', ')}], got ${isTensor(value) ? formatShape(value.shape) : JSON.stringify(value)}`);
        }
      }
      if ((state.h === null || state.h === undefined) !== (settings.cell !== 'lstm' || state.c === null || state.c === undefined)) {
        throw new Error('expected data.h and data.c both saved or both null, got one of them');
      }
      position = state.position as number;
      epoch = state.epoch as number;
      carried = state.h ? { h: state.h as Tensor, c: (state.c as Tensor | null) ?? undefined } : null;
    },
    sample(length, sampling, prime, generator) {
      return sampleText(model, corpus.vocabulary, length, sampling, prime, generator);
    },
  };
}

/** Bits per character of `text` read as `streams` contiguous streams, `window` steps at a time. */
export function bitsPerChar(model: TokenModel, text: Int32Array, streams: number, window: number): number {
  model.eval();
  const streamLength = Math.floor(text.length / streams);
  let total = 0;
  let count = 0;
  noGrad(() => {
    let state: CarriedState | null = null;
    for (let start = 0; start < streamLength - 1; start += window) {
      const steps = Math.min(window, streamLength - 1 - start);
      const inputs = new Int32Array(steps * streams);
      const targets = new Int32Array(steps * streams);
      for (let t = 0; t < steps; t++) {
        for (let b = 0; b < streams; b++) {
          inputs[t * streams + b] = text[b * streamLength + start + t];
          targets[t * streams + b] = text[b * streamLength + start + t + 1];
        }
      }
      const result = model.forward(fromData(inputs, [steps, streams], { backend: model.backend }), state);
      state = result.state;
      total += crossEntropy(result.logits, fromData(targets, [steps * streams], { backend: model.backend }), { reduction: 'sum' }).item();
      count += steps * streams;
    }
  });
  return total / count / Math.LN2;
}

/** `prime` followed by `length` generated characters, each drawn as {@link drawIndex} says. */
export function sampleText(model: TokenModel, vocabulary: string[], length: number, sampling: SamplingSettings, prime: string, generator: Generator): string {
  model.eval();
  const index = new Map(vocabulary.map((symbol, k) => [symbol, k]));
  const primeIds = Array.from(prime).map((symbol) => index.get(symbol) ?? 0);
  if (primeIds.length === 0) primeIds.push(index.get('\n') ?? 0);
  let out = '';
  noGrad(() => {
    let state: CarriedState | null = null;
    let logits: Float32Array | null = null;
    for (const id of primeIds) {
      const result = model.forward(fromData(Int32Array.of(id), [1, 1], { backend: model.backend }), state);
      state = result.state;
      logits = result.logits.value.data as Float32Array;
    }
    for (let k = 0; k < length; k++) {
      const id = drawIndex(logits!, sampling, generator);
      out += vocabulary[id];
      const result = model.forward(fromData(Int32Array.of(id), [1, 1], { backend: model.backend }), state);
      state = result.state;
      logits = result.logits.value.data as Float32Array;
    }
  });
  model.train();
  return prime + out;
}

/** An index drawn from softmax(logits / temperature) truncated to the top k and the nucleus of
 * top p (`samplingDistribution` of @recurrent/layers; the argmax at temperature 0). */
export function drawIndex(logits: ArrayLike<number>, sampling: SamplingSettings, generator: Generator): number {
  const probabilities = samplingDistribution(logits, { temperature: sampling.temperature, topK: sampling.topK, topP: sampling.topP });
  let u = generator.uniform();
  let last = 0;
  for (let k = 0; k < probabilities.length; k++) {
    if (probabilities[k] === 0) continue;
    last = k;
    u -= probabilities[k];
    if (u < 0) return k;
  }
  return last;
}
