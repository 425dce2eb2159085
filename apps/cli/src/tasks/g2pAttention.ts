import { backward, crossEntropy, noGrad, reshape } from '@recurrent/autograd';
import { GRUCell, LSTMCell } from '@recurrent/cells';
import { type G2PExample, loadCmudict } from '@recurrent/data';
import { Attention, AttentionEncoderDecoder, Embedding, GRU, LSTM, Linear } from '@recurrent/layers';
import { type Backend, Generator, fromData } from '@recurrent/tensor';
import { CliError } from '../cliError.js';
import type { TrainingTask } from '../training/task.js';
import { editDistance } from './g2p.js';
import type { RecurrentModelSettings } from './models.js';
import { ShuffledBatches } from './shuffledBatches.js';

/** Settings of CMUdict grapheme-to-phoneme with attention. */
export interface G2PAttentionSettings extends RecurrentModelSettings {
  embeddingSize: number;
  evalLimit?: number;
  /** Use only the first `train` training and `validation` validation words (tests train on a slice). */
  slice?: { train: number; validation: number };
}

/** Greedy decoding stops at the end-of-word id or after this many steps more than the word has letters. */
export const extraSteps = 8;

export const g2pAttentionDefaults = { embeddingSize: 32, hiddenSize: 128, numLayers: 1, batch: 64 };

/** Config of the model (stored in checkpoints): every size the architecture depends on. */
export interface G2PAttentionConfig {
  kind: 'AttentionEncoderDecoder';
  cell: 'lstm' | 'gru';
  letters: number;
  phonemes: number;
  embeddingSize: number;
  hiddenSize: number;
  numLayers: number;
}

/**
 * The attentional encoder–decoder of the g2p task: letters → bidirectional encoder (hidden `H` per
 * direction) → a decoder cell of `H` with Luong's general score, input feeding and a tanh
 * attentional layer of `H`. Target ids: the phonemes (0 is end of word), then one start id. Every
 * parameter lives on `backend` (default: the CPU backend); give the inputs the same one.
 */
export function g2pAttentionModel(config: G2PAttentionConfig, generator: Generator, backend?: Backend): AttentionEncoderDecoder {
  const { embeddingSize: E, hiddenSize: H, numLayers } = config;
  const V = config.phonemes + 1;
  const Layer = config.cell === 'gru' ? GRU : LSTM;
  const Cell = config.cell === 'gru' ? GRUCell : LSTMCell;
  return new AttentionEncoderDecoder({
    sourceEmbedding: new Embedding({ numEmbeddings: config.letters, embeddingDim: E, generator, backend }),
    encoder: new Layer({ inputSize: E, hiddenSize: H, numLayers, bidirectional: true, generator, backend }),
    bridge: new Linear({ inFeatures: 2 * H, outFeatures: H, generator, backend }),
    targetEmbedding: new Embedding({ numEmbeddings: V, embeddingDim: E, generator, backend }),
    decoder: new Cell({ inputSize: E + H, hiddenSize: H, generator, backend }),
    attention: new Attention({ score: 'general', querySize: H, keySize: 2 * H, generator, backend }),
    combine: new Linear({ inFeatures: 3 * H, outFeatures: H, bias: false, generator, backend }),
    projection: new Linear({ inFeatures: H, outFeatures: V, generator, backend }),
    inputFeeding: true,
    bos: config.phonemes,
    eos: 0,
  });
}

/** Letters `[T_in, B]` (padded with 0) on `backend` (default: the CPU backend) and their lengths. */
export function letterBatch(examples: readonly G2PExample[], backend?: Backend) {
  const lengths = examples.map((example) => example.letterIds.length);
  const T = Math.max(...lengths), B = examples.length;
  const ids = new Int32Array(T * B);
  examples.forEach((example, b) => example.letterIds.forEach((letter, t) => (ids[t * B + b] = letter)));
  return { source: fromData(ids, [T, B], { backend }), lengths };
}

/**
 * CMUdict grapheme-to-phoneme with an attentional encoder–decoder (the g2p splits of learning.md):
 * teacher-forced cross entropy over the phonemes and the end of word; greedy decoding for the
 * metric. Metric: validation phoneme error rate (edit distance over the reference length);
 * details: the word error rate (words with any error).
 */
export async function g2pAttentionTask(settings: G2PAttentionSettings): Promise<TrainingTask> {
  const cmudict = await loadCmudict();
  const train = settings.slice ? cmudict.train.slice(0, settings.slice.train) : cmudict.train;
  const validation = settings.slice ? cmudict.validation.slice(0, settings.slice.validation) : cmudict.validation;
  const cell = settings.cell;
  if (cell !== 'lstm' && cell !== 'gru') throw new CliError(`recurrent train g2p-attention: expected --cell lstm or gru, got ${cell}`);
  const modelConfig: G2PAttentionConfig = {
    kind: 'AttentionEncoderDecoder', cell, letters: cmudict.letters.size, phonemes: cmudict.phonemes.size,
    embeddingSize: settings.embeddingSize, hiddenSize: settings.hiddenSize, numLayers: settings.numLayers,
  };
  const generator = new Generator(settings.seed);
  const model = g2pAttentionModel(modelConfig, generator, settings.backend);
  const batches = new ShuffledBatches(train.length, settings.batch, settings.seed + 1);
  const V = cmudict.phonemes.size + 1;
  let details: Record<string, number> = {};
  return {
    name: 'g2p-attention', model, modelConfig: { ...modelConfig }, vocabulary: [...cmudict.letters.tokens, ...cmudict.phonemes.tokens, '<s>'],
    // letters in (one id a letter, no repeat), phonemes out; output id 0 ends the word, the last id starts it
    io: {
      task: 'g2p-attention', tokenizer: 'characters', vocabulary: [...cmudict.letters.tokens], outputVocabulary: [...cmudict.phonemes.tokens, '<s>'],
      extra: { eos: 0, bos: cmudict.phonemes.size, extraSteps },
    },
    metric: { name: 'phoneme_error_rate', direction: 'lower' },
    unit: { name: 'seqs', perStep: settings.batch },
    stepsPerEpoch: batches.stepsPerEpoch,
    generators: { model: generator, data: batches.generator },
    trainStep() {
      const examples = batches.next().map((k) => train[k]);
      const { source, lengths } = letterBatch(examples, settings.backend);
      // targets: the phonemes then the end-of-word id 0; past that, −100 (ignored by the loss; the
      // decoder is fed id 0 there, whose outputs no loss reads)
      const steps = Math.max(...examples.map((e) => e.phonemeIds.length)) + 1, B = examples.length;
      const fed = new Int32Array(steps * B);
      const targets = new Int32Array(steps * B).fill(-100);
      examples.forEach((example, b) => {
        example.phonemeIds.forEach((id, t) => (fed[t * B + b] = targets[t * B + b] = id));
        targets[example.phonemeIds.length * B + b] = 0;
      });
      const { logits } = model.forward(source, fromData(fed, [steps, B], { backend: settings.backend }), { sourceLengths: lengths });
      const loss = crossEntropy(reshape(logits, [steps * B, V]), fromData(targets, [steps * B], { backend: settings.backend }));
      backward(loss);
      return loss.item();
    },
    evaluate(final = true) {
      model.eval();
      const words = final ? validation : validation.slice(0, settings.evalLimit ?? validation.length);
      let errors = 0, reference = 0, wrongWords = 0;
      noGrad(() => {
        for (let start = 0; start < words.length; start += 256) {
          const examples = words.slice(start, start + 256);
          const { source, lengths } = letterBatch(examples, settings.backend);
          const { tokens } = model.greedyDecode(source, { maxLength: Math.max(...lengths) + extraSteps, sourceLengths: lengths });
          examples.forEach((example, b) => {
            // each word decoded to at most its own letters + extraSteps (as it would be alone), not its batch's longest
            const distance = editDistance(tokens[b].slice(0, lengths[b] + extraSteps), example.phonemeIds);
            errors += distance;
            reference += example.phonemeIds.length;
            if (distance > 0) wrongWords++;
          });
        }
      });
      details = { word_error_rate: wrongWords / words.length };
      return errors / reference;
    },
    details: () => details,
    getDataState: () => batches.getState(),
    setDataState: (state) => batches.setState(state),
  };
}
