import { backward, logSoftmax, noGrad, reshape } from '@recurrent/autograd';
import { type G2PExample, loadCmudict } from '@recurrent/data';
import { ctcGreedyDecode, ctcLoss } from '@recurrent/layers';
import { Generator, fromData } from '@recurrent/tensor';
import type { TrainingTask } from '../training/task.js';
import { TokenModel, type RecurrentModelSettings } from './models.js';
import { ShuffledBatches } from './shuffledBatches.js';

/** Settings of CMUdict grapheme-to-phoneme (bench/learning.md's: BiLSTM 128 per direction, 2 layers). */
export interface G2PSettings extends RecurrentModelSettings {
  embeddingSize: number;
  bidirectional: boolean;
  evalLimit?: number;
}

export const g2pDefaults = { embeddingSize: 32, hiddenSize: 128, numLayers: 2, batch: 64, bidirectional: true };

/** Levenshtein distance between two label sequences. */
export function editDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

/**
 * CMUdict grapheme-to-phoneme with CTC: every letter is fed twice (so a word has enough frames
 * for its phonemes), a packed bidirectional recurrent network emits phoneme scores per frame,
 * trained with CTC (blank 0, PyTorch's mean). Metric: validation phoneme error rate (edit
 * distance of the greedy CTC decoding over the reference length).
 */
export async function g2pTask(settings: G2PSettings): Promise<TrainingTask> {
  const cmudict = await loadCmudict();
  const modelConfig = {
    kind: 'TokenModel', cell: settings.cell, vocabularySize: cmudict.letters.size, embeddingSize: settings.embeddingSize,
    hiddenSize: settings.hiddenSize, numLayers: settings.numLayers, bidirectional: settings.bidirectional, outputSize: cmudict.phonemes.size,
  };
  const generator = new Generator(settings.seed);
  const model = new TokenModel({ ...modelConfig, dropout: settings.dropout, weightDrop: settings.weightDrop, lockedDropout: settings.lockedDropout }, generator, settings.backend);
  const batches = new ShuffledBatches(cmudict.train.length, settings.batch, settings.seed + 1);
  const classes = cmudict.phonemes.size;
  /** Log-probabilities `[T, B, classes]` for a batch of words, and the frame counts. */
  const score = (examples: G2PExample[]) => {
    const lengths = examples.map((example) => 2 * example.letterIds.length);
    const steps = Math.max(...lengths);
    const ids = new Int32Array(steps * examples.length);
    examples.forEach((example, b) => {
      example.letterIds.forEach((letter, k) => {
        ids[2 * k * examples.length + b] = letter;
        ids[(2 * k + 1) * examples.length + b] = letter;
      });
    });
    const { logits } = model.forward(fromData(ids, [steps, examples.length], { backend: model.backend }), null, lengths);
    return { logProbs: logSoftmax(reshape(logits, [steps, examples.length, classes]), -1), lengths };
  };
  return {
    name: 'g2p', model, modelConfig, vocabulary: [...cmudict.letters.tokens, ...cmudict.phonemes.tokens],
    // each letter is fed twice; CTC over the phonemes with blank 0
    io: { task: 'g2p', tokenizer: 'characters', vocabulary: [...cmudict.letters.tokens], outputVocabulary: [...cmudict.phonemes.tokens], blank: 0, repeat: 2 },
    metric: { name: 'phoneme_error_rate', direction: 'lower' },
    unit: { name: 'seqs', perStep: settings.batch },
    stepsPerEpoch: batches.stepsPerEpoch,
    generators: { model: generator, data: batches.generator },
    trainStep() {
      const examples = batches.next().map((k) => cmudict.train[k]);
      const { logProbs, lengths } = score(examples);
      const targetLengths = examples.map((example) => example.phonemeIds.length);
      const targets = new Int32Array(targetLengths.reduce((a, b) => a + b, 0));
      let at = 0;
      for (const example of examples) {
        targets.set(example.phonemeIds, at);
        at += example.phonemeIds.length;
      }
      const loss = ctcLoss(logProbs, targets, lengths, targetLengths, { blank: 0, zeroInfinity: true });
      backward(loss);
      return loss.item();
    },
    evaluate(final = true) {
      model.eval();
      const words = final ? cmudict.validation : cmudict.validation.slice(0, settings.evalLimit ?? cmudict.validation.length);
      let errors = 0;
      let reference = 0;
      noGrad(() => {
        for (let start = 0; start < words.length; start += 256) {
          const examples = words.slice(start, start + 256);
          const { logProbs, lengths } = score(examples);
          const decoded = ctcGreedyDecode(logProbs, { blank: 0, inputLengths: lengths });
          examples.forEach((example, b) => {
            errors += editDistance(decoded[b], example.phonemeIds);
            reference += example.phonemeIds.length;
          });
        }
      });
      return errors / reference;
    },
    getDataState: () => batches.getState(),
    setDataState: (state) => batches.setState(state),
  };
}
