import { backward, crossEntropy, noGrad } from '@recurrent/autograd';
import { type NameExample, loadFirstNames } from '@recurrent/data';
import { Generator, fromData } from '@recurrent/tensor';
import type { TrainingTask } from '../training/task.js';
import { drawIndex } from './charLm.js';
import { type CarriedState, TokenModel, type RecurrentModelSettings } from './models.js';
import { ShuffledBatches } from './shuffledBatches.js';

/** Settings of first-name generation. */
export interface NamesSettings extends RecurrentModelSettings {
  embeddingSize: number;
  batch: number;
}

export const namesDefaults = { embeddingSize: 32, hiddenSize: 128, numLayers: 1, batch: 32 };

/**
 * Character-level generation of English first names: each name is `<s> n a m e </s>`, padded with
 * `<pad>` (ignored by the loss); the model predicts every next character. Metric: validation bits
 * per predicted character (`</s>` included). Samples are whole names drawn until `</s>`.
 */
export async function namesTask(settings: NamesSettings): Promise<TrainingTask> {
  const names = await loadFirstNames();
  const characters = names.characters;
  const [pad, bos, eos] = [characters.padId!, characters.bosId!, characters.eosId!];
  const vocabularySize = characters.size;
  const modelConfig = {
    kind: 'TokenModel', cell: settings.cell, vocabularySize, embeddingSize: settings.embeddingSize,
    hiddenSize: settings.hiddenSize, numLayers: settings.numLayers, bidirectional: false, outputSize: vocabularySize,
  };
  const generator = new Generator(settings.seed);
  const model = new TokenModel({ ...modelConfig, dropout: settings.dropout, weightDrop: settings.weightDrop, lockedDropout: settings.lockedDropout }, generator, settings.backend);
  const batches = new ShuffledBatches(names.train.length, settings.batch, settings.seed + 1);
  /** Time-major inputs `[T, B]` and targets `[T·B]` (`<pad>` where a name has ended). */
  const encode = (examples: NameExample[]) => {
    const sequences = examples.map((example) => [bos, ...characters.encode(Array.from(example.name)), eos]);
    const steps = Math.max(...sequences.map((s) => s.length)) - 1;
    const inputs = new Int32Array(steps * examples.length).fill(pad);
    const targets = new Int32Array(steps * examples.length).fill(pad);
    sequences.forEach((sequence, b) => {
      for (let t = 0; t + 1 < sequence.length; t++) {
        inputs[t * examples.length + b] = sequence[t];
        targets[t * examples.length + b] = sequence[t + 1];
      }
    });
    return { inputs: fromData(inputs, [steps, examples.length], { backend: model.backend }), targets: fromData(targets, [steps * examples.length], { backend: model.backend }) };
  };
  return {
    name: 'names', model, modelConfig, vocabulary: [...characters.tokens],
    io: { task: 'names', tokenizer: 'characters', vocabulary: [...characters.tokens], extra: { padId: pad, bosId: bos, eosId: eos } },
    metric: { name: 'bits_per_char', direction: 'lower' },
    unit: { name: 'seqs', perStep: settings.batch },
    stepsPerEpoch: batches.stepsPerEpoch,
    generators: { model: generator, data: batches.generator },
    trainStep() {
      const { inputs, targets } = encode(batches.next().map((k) => names.train[k]));
      const loss = crossEntropy(model.forward(inputs, null).logits, targets, { ignoreIndex: pad });
      backward(loss);
      return loss.item();
    },
    evaluate() {
      model.eval();
      let total = 0;
      let count = 0;
      noGrad(() => {
        for (let start = 0; start < names.validation.length; start += 256) {
          const { inputs, targets } = encode(names.validation.slice(start, start + 256));
          total += crossEntropy(model.forward(inputs, null).logits, targets, { ignoreIndex: pad, reduction: 'sum' }).item();
          for (const target of targets.data) if (target !== pad) count++;
        }
      });
      return total / count / Math.LN2;
    },
    getDataState: () => batches.getState(),
    setDataState: (state) => batches.setState(state),
    sample(length, sampling, prime, sampler) {
      model.eval();
      const drawn: string[] = [];
      noGrad(() => {
        // `length` characters' worth of names, each started with <s> and the prime
        for (let used = 0; used < length && drawn.length < 50; ) {
          let state: CarriedState | null = null;
          let name = prime;
          let logits: ArrayLike<number> = [];
          for (const id of [bos, ...characters.encode(Array.from(prime))]) {
            const result = model.forward(fromData(Int32Array.of(id), [1, 1], { backend: model.backend }), state);
            state = result.state;
            logits = result.logits.value.data;
          }
          for (let k = 0; k < 40; k++) {
            const id = drawIndex(logits, sampling, sampler);
            if (id === eos || id === pad || id === bos) break;
            name += characters.tokenOf(id);
            const result = model.forward(fromData(Int32Array.of(id), [1, 1], { backend: model.backend }), state);
            state = result.state;
            logits = result.logits.value.data;
          }
          drawn.push(name);
          used += name.length + 1;
        }
      });
      model.train();
      return drawn.join(' ');
    },
  };
}
