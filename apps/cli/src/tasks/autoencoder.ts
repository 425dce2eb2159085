import { backward, crossEntropy, noGrad, reshape } from '@recurrent/autograd';
import { GRUCell, LSTMCell } from '@recurrent/cells';
import { type NameExample, loadFirstNames } from '@recurrent/data';
import { Embedding, EncoderDecoder, Linear } from '@recurrent/layers';
import { type Backend, Generator, type Tensor, fromData } from '@recurrent/tensor';
import { CliError } from '../cliError.js';
import type { TrainingTask } from '../training/task.js';
import type { RecurrentModelSettings } from './models.js';
import { ShuffledBatches } from './shuffledBatches.js';

/** Greedy decoding stops at the end id or after this many steps more than the name has characters. */
export const autoencoderExtraSteps = 2;

export const autoencoderDefaults = { hiddenSize: 128, numLayers: 1, batch: 64, embeddingSize: 32 };

/** Settings of `recurrent train autoencoder`. */
export interface AutoencoderSettings extends RecurrentModelSettings {
  embeddingSize: number;
  evalLimit?: number;
  /** Use only the first `train` training and `validation` validation names (tests train on a slice). */
  slice?: { train: number; validation: number };
}

/** Everything the architecture depends on (stored in checkpoints). */
export interface AutoencoderConfig {
  kind: 'SequenceAutoencoder';
  cell: 'lstm' | 'gru';
  characters: number;
  embeddingSize: number;
  hiddenSize: number;
  bos: number;
  eos: number;
}

/**
 * The sequence auto-encoder (Sutskever-style encoder–decoder without attention): the encoder's
 * final state is the name's fixed code, from which the decoder spells the name again. Every
 * parameter lives on `backend` (default: the CPU backend); give the inputs the same one.
 */
export function autoencoderModel(config: AutoencoderConfig, generator: Generator, backend?: Backend): EncoderDecoder {
  const { characters: V, embeddingSize: E, hiddenSize: H } = config;
  const Cell = config.cell === 'gru' ? GRUCell : LSTMCell;
  return new EncoderDecoder({
    sourceEmbedding: new Embedding({ numEmbeddings: V, embeddingDim: E, generator, backend }),
    encoder: new Cell({ inputSize: E, hiddenSize: H, generator, backend }),
    decoder: new Cell({ inputSize: E, hiddenSize: H, generator, backend }),
    targetEmbedding: new Embedding({ numEmbeddings: V, embeddingDim: E, generator, backend }),
    projection: new Linear({ inFeatures: H, outFeatures: V, generator, backend }),
    bos: config.bos,
    eos: config.eos,
  });
}

/** Names as source `[T, B]` (padded with `pad`), teacher-forcing inputs and targets `[T + 1, B]` (−100 past the end), on `backend` (default: the CPU backend). */
export function nameBatch(encoded: readonly Int32Array[], pad: number, eos: number, backend?: Backend): { source: Tensor; lengths: number[]; fed: Tensor; targets: Tensor } {
  const lengths = encoded.map((ids) => ids.length);
  const T = Math.max(...lengths), B = encoded.length;
  const source = new Int32Array(T * B).fill(pad);
  const fed = new Int32Array((T + 1) * B).fill(pad);
  const targets = new Int32Array((T + 1) * B).fill(-100);
  encoded.forEach((ids, b) => {
    ids.forEach((id, t) => (source[t * B + b] = fed[t * B + b] = targets[t * B + b] = id));
    targets[ids.length * B + b] = eos;
  });
  return { source: fromData(source, [T, B], { backend }), lengths, fed: fromData(fed, [T + 1, B], { backend }), targets: fromData(targets, [(T + 1) * B], { backend }) };
}

/**
 * First names (the names task's split: validation iff FNV-1a-32 of the lower-cased name % 10 = 0)
 * auto-encoded through a fixed-size code. Metric: validation exact reconstruction (greedy decoding
 * equal to the name); details: the same rate on as many training names (how much is memorised).
 */
export async function autoencoderTask(settings: AutoencoderSettings): Promise<TrainingTask> {
  const cell = settings.cell;
  if (cell !== 'lstm' && cell !== 'gru') throw new CliError(`recurrent train autoencoder: expected --cell lstm or gru, got ${cell}`);
  const names = await loadFirstNames();
  const train = settings.slice ? names.train.slice(0, settings.slice.train) : names.train;
  const validation = settings.slice ? names.validation.slice(0, settings.slice.validation) : names.validation;
  const { characters } = names;
  const encode = (examples: readonly NameExample[]) => examples.map(({ name }) => characters.encode(name));
  const trainIds = encode(train), validationIds = encode(validation);
  const config: AutoencoderConfig = {
    kind: 'SequenceAutoencoder', cell, characters: characters.size,
    embeddingSize: settings.embeddingSize, hiddenSize: settings.hiddenSize, bos: characters.bosId!, eos: characters.eosId!,
  };
  const generator = new Generator(settings.seed);
  const model = autoencoderModel(config, generator, settings.backend);
  const batches = new ShuffledBatches(train.length, settings.batch, settings.seed + 1);
  const pad = characters.padId ?? 0;
  const exactRate = (encoded: readonly Int32Array[]) => noGrad(() => {
    let exact = 0;
    for (let start = 0; start < encoded.length; start += 512) {
      const chunk = encoded.slice(start, start + 512);
      const { source, lengths } = nameBatch(chunk, pad, config.eos, settings.backend);
      const decoded = model.greedyDecode(source, { maxLength: Math.max(...lengths) + autoencoderExtraSteps, sourceLengths: lengths });
      // (a name decoded alone stops at its own length + autoencoderExtraSteps; an exact one ends before that anyway)
      chunk.forEach((ids, b) => {
        if (decoded[b].length === ids.length && decoded[b].every((id, t) => id === ids[t])) exact++;
      });
    }
    return exact / encoded.length;
  });
  let details: Record<string, number> = {};
  return {
    name: 'autoencoder', model, modelConfig: { ...config }, vocabulary: [...characters.tokens],
    // a name's characters in, the same vocabulary out; decoding starts at bosId and stops at eosId;
    // the held-out names travel with the model (a page finds a typed name's nearest codes among them)
    io: {
      task: 'autoencoder', tokenizer: 'characters', vocabulary: [...characters.tokens],
      extra: { padId: pad, bosId: config.bos, eosId: config.eos, extraSteps: autoencoderExtraSteps, validationNames: validation.map(({ name }) => name) },
    },
    metric: { name: 'validation_exact_reconstruction', direction: 'higher' },
    unit: { name: 'seqs', perStep: settings.batch },
    stepsPerEpoch: batches.stepsPerEpoch,
    generators: { model: generator, data: batches.generator },
    trainStep() {
      const { source, lengths, fed, targets } = nameBatch(batches.next().map((k) => trainIds[k]), pad, config.eos, settings.backend);
      const logits = model.forward(source, fed, { sourceLengths: lengths });
      const loss = crossEntropy(reshape(logits, [-1, characters.size]), targets);
      backward(loss);
      return loss.item();
    },
    evaluate(final = true) {
      model.eval();
      const scored = final ? validationIds : validationIds.slice(0, settings.evalLimit ?? validationIds.length);
      const rate = exactRate(scored);
      details = { train_exact_reconstruction: exactRate(trainIds.slice(0, scored.length)) };
      return rate;
    },
    details: () => details,
    getDataState: () => batches.getState(),
    setDataState: (state) => batches.setState(state),
  };
}
