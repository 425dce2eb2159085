import { backward, crossEntropy, noGrad } from '@recurrent/autograd';
import { type SpamMessage, loadSpamAssassin } from '@recurrent/data';
import { Embedding, type FusedRecurrentLayer, Linear, PooledClassifier } from '@recurrent/layers';
import { type Backend, Generator, type Tensor, fromData } from '@recurrent/tensor';
import { CliError } from '../cliError.js';
import type { TrainingTask } from '../training/task.js';
import { BagOfWordsLogisticRegression, binaryScores, hashedBagOfWords, wordTokens } from './bagOfWords.js';
import { type RecurrentModelSettings, recurrentLayer } from './models.js';
import { ShuffledBatches } from './shuffledBatches.js';

/** The task's defaults: a BiGRU, dropout 0.3 on the embeddings and on the pooled features. */
export const spamDefaults = { cell: 'gru', dropout: 0.3, hiddenSize: 32, numLayers: 1, batch: 32, embeddingSize: 32, maxTokens: 512, vocabularySize: 30_000 } as const;

/** Settings of `recurrent train spam`. */
export interface SpamSettings extends RecurrentModelSettings {
  embeddingSize: number;
  /** Tokens of each body the model reads (its first ones). */
  maxTokens: number;
  evalLimit?: number;
  /** Use only the first `train` training and `test` test messages (tests train on a slice). */
  slice?: { train: number; test: number };
}

/** Word ids: 0 padding, 1 unknown, then the training bodies' most frequent tokens (count ≥ 2). */
export function wordVocabulary(bodies: readonly string[], size: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (const body of bodies) for (const token of wordTokens(body)) counts.set(token, (counts.get(token) ?? 0) + 1);
  const kept = [...counts].filter(([, count]) => count >= 2).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, size - 2);
  return new Map(kept.map(([token], k) => [token, k + 2]));
}

/** The spam task's model configuration (also the checkpoint's `model`, compared on resume). */
export interface SpamModelConfig {
  cell: 'lstm' | 'gru' | 'rnn';
  vocabularySize: number;
  embeddingSize: number;
  hiddenSize: number;
  numLayers: number;
  dropout: number;
}

/**
 * Embedding → dropout → bidirectional LSTM/GRU/RNN → [max; mean] over each message's valid steps
 * → dropout → Linear(4·H → 2): the library's {@link PooledClassifier}, so a checkpoint is a model
 * file. State-dict names: `embedding.weight`, `rnn.weight_ih_l0`, … (PyTorch's), `linear.weight`.
 */
export function spamModel(config: SpamModelConfig, generator: Generator, backend?: Backend): PooledClassifier {
  return new PooledClassifier({
    embedding: new Embedding({ numEmbeddings: config.vocabularySize, embeddingDim: config.embeddingSize, paddingIdx: 0, generator, backend }),
    rnn: recurrentLayer({ ...config, inputSize: config.embeddingSize, bidirectional: true }, generator, backend) as FusedRecurrentLayer,
    linear: new Linear({ inFeatures: 4 * config.hiddenSize, outFeatures: 2, generator, backend }),
    dropout: config.dropout,
    generator,
  });
}

/** Token ids of each message's first `maxTokens` tokens (at least one: an empty body reads as unknown). */
function encode(messages: readonly SpamMessage[], vocabulary: Map<string, number>, maxTokens: number): Int32Array[] {
  return messages.map(({ body }) => {
    const ids = wordTokens(body).slice(0, maxTokens).map((token) => vocabulary.get(token) ?? 1);
    return Int32Array.from(ids.length > 0 ? ids : [1]);
  });
}

/** A time-major batch `[T, B]` of the messages `indices`, padded with 0. */
function batchOf(encoded: readonly Int32Array[], indices: readonly number[], backend?: Backend): { tokens: Tensor; lengths: number[] } {
  const lengths = indices.map((i) => encoded[i].length);
  const T = Math.max(...lengths), B = indices.length;
  const data = new Int32Array(T * B);
  indices.forEach((i, b) => encoded[i].forEach((id, t) => (data[t * B + b] = id)));
  return { tokens: fromData(data, [T, B], { backend }), lengths };
}

/**
 * SpamAssassin bodies (learning.md's split: 4,853 train / 1,193 test by a hash of the checksum),
 * classified by a bidirectional recurrent network over word tokens. The baseline, a hashed
 * bag-of-words logistic regression (learning.md's recipe), is trained when the task is built, in
 * the same run. Metric: test F1 of the spam class; details: test accuracy and the baseline's.
 */
export async function spamTask(settings: SpamSettings): Promise<TrainingTask> {
  const cell = settings.cell;
  if (cell !== 'lstm' && cell !== 'gru' && cell !== 'rnn') throw new CliError(`recurrent train spam: expected --cell lstm, gru or rnn, got ${cell}`);
  const corpus = await loadSpamAssassin();
  // a slice keeps both classes: the corpus lists ham first, then spam
  const take = (messages: SpamMessage[], n?: number) => (n === undefined ? messages : [...messages.filter((m) => !m.spam).slice(0, n - Math.floor(n / 3)), ...messages.filter((m) => m.spam).slice(0, Math.floor(n / 3))]);
  const train = take(corpus.train, settings.slice?.train);
  const test = take(corpus.test, settings.slice?.test);
  const began = performance.now();
  const baseline = new BagOfWordsLogisticRegression(18);
  baseline.fit(train.map((m) => hashedBagOfWords(m.body)), train.map((m) => m.spam), { epochs: 8, lr: 1e-2, batch: 32, seed: settings.seed });
  const baselineScores = binaryScores(test.map((m) => baseline.logit(hashedBagOfWords(m.body)) > 0), test.map((m) => m.spam));
  const baselineSeconds = (performance.now() - began) / 1000;
  const vocabulary = wordVocabulary(train.map((m) => m.body), spamDefaults.vocabularySize);
  const trainIds = encode(train, vocabulary, settings.maxTokens);
  const testIds = encode(test, vocabulary, settings.maxTokens);
  const labels = Int32Array.from(train, (m) => (m.spam ? 1 : 0));
  const modelConfig = {
    kind: 'SpamModel', cell, vocabularySize: vocabulary.size + 2, embeddingSize: settings.embeddingSize,
    hiddenSize: settings.hiddenSize, numLayers: settings.numLayers, maxTokens: settings.maxTokens,
  };
  const generator = new Generator(settings.seed);
  const model = spamModel({ ...modelConfig, dropout: settings.dropout }, generator, settings.backend);
  const batches = new ShuffledBatches(train.length, settings.batch, settings.seed + 1);
  let details: Record<string, number> = { baseline_test_accuracy: baselineScores.accuracy, baseline_test_f1: baselineScores.f1, baseline_seconds: baselineSeconds };
  return {
    name: 'spam', model, modelConfig, vocabulary: ['<pad>', '<unk>', ...vocabulary.keys()],
    io: { task: 'spam', tokenizer: 'words', vocabulary: ['<pad>', '<unk>', ...vocabulary.keys()], outputVocabulary: ['ham', 'spam'], extra: { padId: 0, unknownId: 1, maxTokens: settings.maxTokens } },
    metric: { name: 'test_f1', direction: 'higher' },
    unit: { name: 'seqs', perStep: settings.batch },
    stepsPerEpoch: batches.stepsPerEpoch,
    generators: { model: generator, data: batches.generator },
    trainStep() {
      const indices = batches.next();
      const { tokens, lengths } = batchOf(trainIds, indices, model.backend);
      const loss = crossEntropy(model.forward(tokens, lengths), fromData(Int32Array.from(indices, (i) => labels[i]), [indices.length], { backend: model.backend }));
      backward(loss);
      return loss.item();
    },
    evaluate(final = true) {
      model.eval();
      const count = final ? test.length : Math.min(test.length, settings.evalLimit ?? test.length);
      const predicted: boolean[] = [];
      noGrad(() => {
        for (let start = 0; start < count; start += 128) {
          const indices = Array.from({ length: Math.min(128, count - start) }, (_, k) => start + k);
          const { tokens, lengths } = batchOf(testIds, indices, model.backend);
          const logits = model.forward(tokens, lengths).value.data;
          indices.forEach((_, b) => predicted.push(logits[2 * b + 1] > logits[2 * b]));
        }
      });
      const scores = binaryScores(predicted, test.slice(0, count).map((m) => m.spam));
      details = { test_accuracy: scores.accuracy, baseline_test_accuracy: baselineScores.accuracy, baseline_test_f1: baselineScores.f1, baseline_seconds: baselineSeconds };
      return scores.f1;
    },
    details: () => details,
    getDataState: () => batches.getState(),
    setDataState: (state) => batches.setState(state),
  };
}
