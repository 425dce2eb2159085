import { Generator, type Tensor, randn, tensor, zeros } from '@recurrent/tensor';
import { describe, expect, it } from 'vitest';
import {
  BCEWithLogitsLoss, CrossEntropyLoss, Dropout, Embedding, EncoderDecoder, GRU, L1Loss, LayerNorm, Linear, MSELoss, NLLLoss,
  ctcBeamSearch, ctcGreedyDecode, ctcLoss, sampleLogits, samplingDistribution,
} from './index.js';

// Property-style: random option objects and random, mostly wrongly shaped tensors fed to every
// public constructor and forward this package validates with checkOptions. Each call must give a
// result or one clear Error naming its owner — never a TypeError, a RangeError or a hang.
const random = new Generator(2026);
const pick = <T>(values: readonly T[]): T => values[Math.floor(random.uniform() * values.length)];
const integer = (low: number, high: number) => low + Math.floor(random.uniform() * (high - low + 1));

/** Values of every kind an option can wrongly hold. */
const anyValue = (): unknown => pick([
  () => integer(-3, 8), () => random.uniform() * 4 - 1, () => NaN, () => Infinity, () => 2 ** 32 + 1, () => 1e12,
  () => pick(['', 'no', 'false', '3', 'mean', 'sum', 'orthogonl']), () => pick([true, false]), () => null, () => undefined,
  () => [1, 2], () => ({}), () => () => 0, () => new Generator(1), () => tensor([1, 2]), () => Symbol.for('x'),
])();

/** A random options object: some valid names (often wrongly typed), some misspelt, some unknown. */
function randomOptions(valid: Record<string, () => unknown>): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  for (const [name, good] of Object.entries(valid)) {
    const roll = random.uniform();
    if (roll < 0.45) options[name] = good();
    else if (roll < 0.75) options[name] = anyValue();
    else if (roll < 0.8) options[`${name.slice(0, -1)}${name.at(-1) === 's' ? '' : 's'}`] = good();
  }
  if (random.uniform() < 0.15) options[pick(['bias_', 'inputsize', 'batchFrist', 'zeroInfinty', 'p2'])] = anyValue();
  return options;
}

/** A float tensor of random rank (0–4) and sizes (0–5). */
function randomTensor(): Tensor {
  const shape = Array.from({ length: integer(0, 4) }, () => integer(0, 5));
  return pick([() => randn(shape, random), () => zeros(shape, { dtype: 'int32' }), () => randn(shape, random, { dtype: 'float64' })])();
}

/** Calls `action`; accepts a result or an Error of the owner's, one line, not a TypeError/RangeError. */
function clearOrCorrect(owner: RegExp, action: () => unknown, context: () => string): void {
  try {
    action();
  } catch (error) {
    const where = context();
    expect(error, where).toBeInstanceOf(Error);
    expect((error as Error).name, `${where}: ${(error as Error).message}`).toBe('Error');
    expect((error as Error).message, where).toMatch(owner);
    expect((error as Error).message.includes('\n'), where).toBe(false);
  }
}

const describeCall = (name: string, ...values: unknown[]) => () => `${name}(${values.map((v) => {
  try {
    return JSON.stringify(v, (_k, x) => (typeof x === 'number' && !Number.isFinite(x) ? String(x) : typeof x === 'symbol' ? String(x) : x));
  } catch {
    return String(v);
  }
}).join(', ')})`;

const rounds = 300;

describe('every public constructor and forward: a clear error or a correct result', () => {
  it('Linear', () => {
    for (let k = 0; k < rounds; k++) {
      const options = randomOptions({ inFeatures: () => integer(1, 4), outFeatures: () => integer(1, 4), bias: () => pick([true, false]), seed: () => integer(0, 9), dtype: () => pick(['float32', 'float64']) });
      let layer: Linear | null = null;
      clearOrCorrect(/^Linear: /, () => (layer = new Linear(options as never)), describeCall('new Linear', options));
      const input = randomTensor();
      if (layer) clearOrCorrect(/^(Linear|matmul|add|reshape)\b/, () => layer!.forward(input), describeCall('Linear.forward', input.shape, input.dtype));
    }
  });

  it('Embedding, with indices of every kind', () => {
    for (let k = 0; k < rounds; k++) {
      const options = randomOptions({ numEmbeddings: () => integer(1, 6), embeddingDim: () => integer(1, 3), paddingIdx: () => integer(-2, 2), seed: () => integer(0, 9) });
      let layer: Embedding | null = null;
      clearOrCorrect(/^Embedding: /, () => (layer = new Embedding(options as never)), describeCall('new Embedding', options));
      if (!layer) continue;
      const indices = pick([
        () => Array.from({ length: integer(0, 4) }, () => pick([integer(-1, 7), 1.7, NaN, 2 ** 32 + 1, -0.5, '1', null])),
        () => [[integer(0, 2), integer(0, 2)], [integer(0, 9)]],
        () => randomTensor(),
        () => anyValue(),
      ])();
      // a ragged nested array is tensor()'s error (`tensor: expected a rectangular nested array …`)
      clearOrCorrect(/^(Embedding|tensor): /, () => {
        const out = layer!.forward(indices as never);
        // a result only for valid indices, and then exactly the rows asked for
        const flat = Array.isArray(indices) ? (indices as unknown[]).flat() : Array.from((indices as Tensor).data);
        for (const index of flat) expect(Number.isInteger(index) && (index as number) >= 0 && (index as number) < layer!.numEmbeddings).toBe(true);
        expect(out.shape.at(-1)).toBe(layer!.embeddingDim);
      }, describeCall('Embedding.forward', indices));
    }
  });

  it('Dropout and LayerNorm', () => {
    for (let k = 0; k < rounds; k++) {
      const dropoutOptions = randomOptions({ p: () => random.uniform(), seed: () => integer(0, 9) });
      let dropout: Dropout | null = null;
      clearOrCorrect(/^Dropout: /, () => (dropout = new Dropout(dropoutOptions as never)), describeCall('new Dropout', dropoutOptions));
      const input = randomTensor();
      if (dropout) clearOrCorrect(/^(Dropout|mul)\b/, () => dropout!.forward(input), describeCall('Dropout.forward', input.shape));
      const normOptions = randomOptions({ normalizedShape: () => pick([integer(1, 4), [integer(1, 3), integer(1, 3)]]), eps: () => 1e-5, elementwiseAffine: () => pick([true, false]) });
      let norm: LayerNorm | null = null;
      clearOrCorrect(/^LayerNorm: /, () => (norm = new LayerNorm(normOptions as never)), describeCall('new LayerNorm', normOptions));
      if (norm) clearOrCorrect(/^LayerNorm: /, () => norm!.forward(input), describeCall('LayerNorm.forward', input.shape));
    }
  });

  it('loss modules', () => {
    const classes = () => ({ weight: () => pick([null, tensor([1, 1, 1])]), ignoreIndex: () => integer(-1, 2), reduction: () => pick(['none', 'mean', 'sum']) });
    for (let k = 0; k < rounds; k++) {
      const cases: [string, (options: never) => { forward(a: never, b: never): unknown }, Record<string, () => unknown>][] = [
        ['MSELoss', (o) => new MSELoss(o), { reduction: () => pick(['none', 'mean', 'sum']) }],
        ['L1Loss', (o) => new L1Loss(o), { reduction: () => pick(['none', 'mean', 'sum']) }],
        ['CrossEntropyLoss', (o) => new CrossEntropyLoss(o), { ...classes(), labelSmoothing: () => random.uniform() }],
        ['NLLLoss', (o) => new NLLLoss(o), classes()],
        ['BCEWithLogitsLoss', (o) => new BCEWithLogitsLoss(o), { reduction: () => pick(['none', 'mean', 'sum']), posWeight: () => tensor([2]) }],
      ];
      const [name, make, valid] = pick(cases);
      const options = randomOptions(valid);
      let loss: { forward(a: never, b: never): unknown } | null = null;
      clearOrCorrect(new RegExp(`^${name}: `), () => (loss = make(options as never)), describeCall(`new ${name}`, options));
      const [a, b] = [randomTensor(), randomTensor()];
      if (loss) clearOrCorrect(/^\w+: /, () => loss!.forward(a as never, b as never), describeCall(`${name}.forward`, a.shape, a.dtype, b.shape, b.dtype));
    }
  });

  it('ctcLoss, CTC decoding and sampling', () => {
    for (let k = 0; k < rounds; k++) {
      const logProbs = pick([() => randn([integer(1, 4), integer(1, 2), integer(1, 4)], random), () => randomTensor(), () => anyValue()])();
      const ctcOptions = randomOptions({ blank: () => integer(0, 2), reduction: () => pick(['none', 'sum', 'mean']), zeroInfinity: () => pick([true, false]), gradient: () => pick(['exact', 'pytorch']) });
      clearOrCorrect(/^ctcLoss: /, () => ctcLoss(logProbs as never, pick([[1, 2], [1], [], [NaN]]), pick([[2], [1, 1], [9]]), pick([[1], [2], [-1]]), ctcOptions as never), describeCall('ctcLoss', ctcOptions));
      const greedyOptions = randomOptions({ blank: () => integer(0, 2), inputLengths: () => [integer(0, 3)] });
      clearOrCorrect(/^ctcGreedyDecode: /, () => ctcGreedyDecode(logProbs as never, greedyOptions as never), describeCall('ctcGreedyDecode', greedyOptions));
      const beamOptions = randomOptions({ beamWidth: () => integer(1, 3), blank: () => integer(0, 2), topPaths: () => integer(1, 2), scorerWeight: () => random.uniform() });
      const scores = pick([() => randn([integer(1, 3), integer(1, 3)], random), () => randomTensor()])();
      clearOrCorrect(/^ctcBeamSearch: /, () => ctcBeamSearch(scores, beamOptions as never), describeCall('ctcBeamSearch', scores.shape, beamOptions));
      const samplingOptions = randomOptions({ temperature: () => random.uniform() * 2, topK: () => integer(1, 3), generator: () => new Generator(3) });
      clearOrCorrect(/^sampleLogits: /, () => sampleLogits(randomTensor(), samplingOptions as never), describeCall('sampleLogits', samplingOptions));
      const { generator: _generator, ...distributionOptions } = samplingOptions;
      clearOrCorrect(/^samplingDistribution: /, () => samplingDistribution([1, 2, 3], distributionOptions as never), describeCall('samplingDistribution', distributionOptions));
    }
  });

  it('EncoderDecoder', () => {
    const generator = new Generator(4);
    const parts = () => ({
      encoder: () => new GRU({ inputSize: 3, hiddenSize: 4, generator }),
      decoder: () => new GRU({ inputSize: 2, hiddenSize: 4, generator }),
      targetEmbedding: () => new Embedding({ numEmbeddings: 5, embeddingDim: 2, generator }),
      projection: () => new Linear({ inFeatures: 4, outFeatures: 5, generator }),
      bos: () => integer(0, 4), eos: () => integer(0, 6),
    });
    for (let k = 0; k < 60; k++) {
      const options = randomOptions(parts());
      let model: EncoderDecoder | null = null;
      clearOrCorrect(/^(EncoderDecoder|GRU|Recurrent|Stacked|asRecurrentCell|toSequenceLayer)\b/, () => (model = new EncoderDecoder(options as never)), describeCall('new EncoderDecoder', Object.keys(options)));
      if (!model) continue;
      const source = pick([() => randn([integer(1, 3), 2, 3], random), () => randomTensor()])();
      const targets = pick([() => zeros([2, 2], { dtype: 'int32' }), () => randomTensor()])();
      clearOrCorrect(/^\w+(\.\w+)?: /, () => model!.forward(source, targets), describeCall('EncoderDecoder.forward', source.shape, targets.shape, targets.dtype));
      const sampleOptions = randomOptions({ maxLength: () => integer(0, 3), temperature: () => random.uniform(), topK: () => integer(1, 3) });
      clearOrCorrect(/^\w+(\.\w+)?: /, () => model!.sample(source, sampleOptions as never), describeCall('EncoderDecoder.sample', source.shape, sampleOptions));
    }
  });
});
