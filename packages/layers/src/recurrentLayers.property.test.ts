import { GRUCell, LSTMCell, RNNCell } from '@recurrent/cells';
import { Generator, type Tensor, randn, tensor, zeros } from '@recurrent/tensor';
import { BadInputs, describeCall } from '@recurrent/tensor/testing';
import { describe, expect, it } from 'vitest';
import {
  Attention, AttentionEncoderDecoder, Bidirectional, Embedding, GRU, LSTM, LayerNormGRU, LayerNormLSTM, Linear, LockedDropout,
  MinGRU, MinLSTM, RNN, Recurrent, Stacked, WeightDrop, ZoneoutCell,
} from './index.js';

// Property-style (issue 20), the recurrent side of the package: random option objects for every
// sequence layer's constructor and random, mostly wrongly shaped inputs, states and lengths for
// its forward. Each call gives a correct result or one clear Error naming the layer (or the op
// or cell that checked), never a TypeError, a RangeError or a hang.
const bad = new BadInputs(2020);
const size = () => bad.integer(1, 3);
const flag = () => bad.pick([true, false]);
const rounds = 200;
const named = (...owners: string[]) => new RegExp(`^(${owners.join('|')})(\\(\\w+\\))?(\\.\\w+)?: `);

/** A sequence input: `[T, B, I]` or `[B, T, I]` of the right width, or anything else. */
function sequenceInput(width: number): Tensor | unknown {
  return bad.pick<() => unknown>([
    () => randn([bad.integer(1, 3), bad.integer(1, 3), width], bad.random),
    () => randn([bad.integer(1, 3), bad.integer(1, 3), width], bad.random),
    () => randn([bad.integer(0, 3), bad.integer(0, 3), bad.integer(0, 4)], bad.random),
    () => bad.tensor(),
    () => bad.anyValue(),
  ])();
}

/** Sequence options: lengths of every kind, initial states of wrong shapes, unknown names. */
function sequenceOptions(): Record<string, unknown> {
  return bad.options({
    lengths: () => bad.pick([null, [bad.integer(0, 3)], [3, 1], [1.5, NaN], [-1, 2], 'x']),
    initialState: () => bad.pick([null, [], [bad.tensor(3)], [bad.tensor(2), bad.tensor(2)]]),
  }, ['length', 'initialStates', 'batchFirst']);
}

/** Checks a layer's result keeps the input's first two axes (time and batch, either order) and has `outputSize` features. */
function checkOutput(output: { shape: readonly number[] }, input: unknown, outputSize: number): void {
  const [a, b] = (input as Tensor).shape;
  expect(output.shape).toEqual([a, b, outputSize]);
}

describe('recurrent layers: random options and inputs give a result or one clear error', () => {
  it('RNN, LSTM, GRU (the fused layers) and WeightDrop over them', () => {
    const problems: string[] = [];
    const note = (problem: string | null) => problem && problems.length < 6 && problems.push(problem);
    const layers = [['RNN', (o: never) => new RNN(o)], ['LSTM', (o: never) => new LSTM(o)], ['GRU', (o: never) => new GRU(o)]] as const;
    for (let k = 0; k < rounds; k++) {
      const [name, make] = bad.pick(layers);
      const options = bad.options({
        inputSize: size, hiddenSize: size, numLayers: () => bad.integer(1, 2), bias: flag, batchFirst: flag, dropout: () => bad.random.uniform(),
        bidirectional: flag, generator: () => new Generator(1), recurrentInit: () => bad.pick(['uniform', 'orthogonal']),
        ...(name === 'LSTM' ? { projSize: () => bad.integer(0, 2), peephole: flag } : {}),
        ...(name === 'GRU' ? { resetAfter: flag } : {}),
        ...(name === 'RNN' ? { nonlinearity: () => bad.pick(['tanh', 'relu']) } : {}),
      }, ['numLayer', 'batchFrist', 'bidirectinal', 'hiddenSise']);
      const built = bad.build(named(name), () => make(options as never) as unknown as LSTM, options, describeCall(`new ${name}`, options));
      note(built.problem);
      if (!built.value) continue;
      const l = built.value;
      const x = sequenceInput(l.inputSize);
      const state = bad.options({ h0: () => bad.tensor(3), c0: () => bad.tensor(3), lengths: () => bad.pick([null, [1], [2, 1], [NaN], [-1]]) }, ['h', 'c', 'length']);
      note(bad.check(named(name, 'recurrence', 'asTimeMajor'), () => {
        const { output } = l.forward(x as never, state as never);
        checkOutput(output, x, (l.projSize || l.hiddenSize) * (l.bidirectional ? 2 : 1));
      }, describeCall(`${name}.forward`, x, state)));
      const dropOptions = bad.options({ p: () => bad.random.uniform() * 0.9, seed: () => bad.integer(0, 9) });
      note(bad.check(named('WeightDrop', name, 'recurrence', 'asTimeMajor'), () => new WeightDrop(l, dropOptions as never).forward(x as never), describeCall('WeightDrop', dropOptions, x)));
    }
    expect(problems).toEqual([]);
  });

  it('Recurrent(cell), ZoneoutCell, Stacked and Bidirectional', () => {
    const problems: string[] = [];
    const note = (problem: string | null) => problem && problems.length < 6 && problems.push(problem);
    const cells = [() => new RNNCell({ inputSize: 2, hiddenSize: 3 }), () => new LSTMCell({ inputSize: 2, hiddenSize: 3 }), () => new GRUCell({ inputSize: 2, hiddenSize: 3 })];
    const owners = named('Recurrent', 'Stacked', 'Bidirectional', 'ZoneoutCell', 'RNNCell', 'LSTMCell', 'GRUCell', 'Dropout', 'reverseWithinLengths');
    for (let k = 0; k < rounds; k++) {
      const cell = bad.pick(cells)();
      const options = bad.options({ batchFirst: flag, reverse: flag }, ['batchFrist', 'reversed']);
      const zoneout = bad.options({ zoneoutH: () => bad.random.uniform() * 0.9, zoneoutC: () => bad.random.uniform() * 0.9, seed: () => bad.integer(0, 3) });
      const stacked = bad.options({ batchFirst: flag, dropout: () => bad.random.uniform(), seed: () => bad.integer(0, 3) }, ['dropuot']);
      const bidirectional = bad.options({ batchFirst: flag, merge: () => bad.pick(['concat', 'sum', 'mul', 'average']) }, ['mergeMode']);
      const x = sequenceInput(2);
      const sequence = sequenceOptions();
      const builders: [string, () => { forward(x: never, o: never): { output: { shape: readonly number[] } }; batchFirst: boolean; outputSize: number }][] = [
        ['Recurrent', () => new Recurrent(cell, options as never)],
        ['ZoneoutCell', () => new Recurrent(new ZoneoutCell(cell, zoneout as never))],
        ['Stacked', () => new Stacked([cell, new GRUCell({ inputSize: 3, hiddenSize: 2 })], stacked as never)],
        ['Bidirectional', () => new Bidirectional(cell, bad.pick(cells)(), bidirectional as never)],
      ];
      const used = { Recurrent: options, ZoneoutCell: zoneout, Stacked: stacked, Bidirectional: bidirectional };
      for (const [name, build] of builders) {
        const built = bad.build(owners, build, used[name as keyof typeof used], describeCall(`new ${name}`, used[name as keyof typeof used]));
        note(built.problem);
        if (!built.value) continue;
        const l = built.value;
        note(bad.check(owners, () => {
          const { output } = l.forward(x as never, sequence as never);
          checkOutput(output, x, l.outputSize);
        }, describeCall(`${name}.forward`, x, sequence)));
      }
    }
    expect(problems).toEqual([]);
  });

  it('MinGRU, MinLSTM, LayerNormLSTM, LayerNormGRU and LockedDropout', () => {
    const problems: string[] = [];
    const note = (problem: string | null) => problem && problems.length < 6 && problems.push(problem);
    const layers = [
      ['MinGRU', (o: never) => new MinGRU(o), { scan: () => bad.pick(['linear', 'log']), bias: flag }],
      ['MinLSTM', (o: never) => new MinLSTM(o), { scan: () => bad.pick(['linear', 'log']), bias: flag }],
      ['LayerNormLSTM', (o: never) => new LayerNormLSTM(o), { bidirectional: flag, eps: () => 1e-5 }],
      ['LayerNormGRU', (o: never) => new LayerNormGRU(o), { bidirectional: flag, eps: () => 1e-5 }],
    ] as const;
    for (let k = 0; k < rounds; k++) {
      const [name, make, extra] = bad.pick(layers);
      const options = bad.options({ inputSize: size, hiddenSize: size, numLayers: () => bad.integer(1, 2), batchFirst: flag, generator: () => new Generator(2), ...extra }, ['numLayer', 'batchFrist']);
      type Layer = { forward(x: never, s: never): { output: { shape: readonly number[] } }; inputSize: number; batchFirst: boolean; hiddenSize: number; bidirectional?: boolean };
      const built = bad.build(named(name), () => make(options as never) as unknown as Layer, options, describeCall(`new ${name}`, options));
      note(built.problem);
      if (built.value) {
        const l = built.value;
        const x = sequenceInput(l.inputSize);
        const state = bad.options({ h0: () => bad.tensor(3), c0: () => bad.tensor(3), lengths: () => bad.pick([null, [1], [2, 1], [NaN], [-1], [1.5]]) }, ['h', 'lenghts']);
        note(bad.check(named(name, `${name}Cell`, 'MinGRUCell', 'MinLSTMCell', 'LayerNormLSTMCell', 'LayerNormGRUCell'), () => {
          const { output } = l.forward(x as never, state as never);
          checkOutput(output, x, l.hiddenSize * (l.bidirectional ? 2 : 1));
        }, describeCall(`${name}.forward`, x, state)));
      }
      const dropOptions = bad.options({ p: () => bad.random.uniform() * 0.9, batchFirst: flag, seed: () => bad.integer(0, 3) });
      const input = bad.pick([() => randn([2, 2, 3], bad.random), () => bad.tensor(), () => bad.anyValue()])();
      note(bad.check(named('LockedDropout'), () => {
        const drop = new LockedDropout(dropOptions as never);
        expect(drop.forward(input as never).shape).toEqual((input as Tensor).shape);
      }, describeCall('LockedDropout', dropOptions, input)));
    }
    expect(problems).toEqual([]);
  });

  it('Attention and AttentionEncoderDecoder', () => {
    const problems: string[] = [];
    const note = (problem: string | null) => problem && problems.length < 6 && problems.push(problem);
    const generator = new Generator(5);
    for (let k = 0; k < rounds; k++) {
      const options = bad.options({ score: () => bad.pick(['dot', 'general', 'concat', 'additive']), querySize: size, keySize: size, attentionSize: size, seed: () => bad.integer(0, 3) }, ['scores', 'querysize']);
      const built = bad.build(named('Attention'), () => new Attention(options as never), options, describeCall('new Attention', options));
      note(built.problem);
      if (built.value) {
        const a = built.value;
        const query = bad.pick([() => randn([2, a.querySize], bad.random), () => bad.tensor(), () => bad.anyValue()])();
        const memory = bad.pick<() => unknown>([
          () => ({ keys: randn([3, 2, a.keySize], bad.random) }),
          () => ({ keys: randn([3, 2, a.keySize], bad.random), lengths: bad.pick([[3, 1], [0, 2], [4, 1], [NaN, 1], [1]]) }),
          () => ({ keys: bad.tensor() }), () => bad.options({ keys: () => bad.tensor(), lengths: () => [1] }), () => bad.anyValue(),
        ])();
        note(bad.check(named('Attention', 'Linear', 'matmul'), () => {
          const { context, weights } = a.forward(query as never, memory as never);
          expect(context.shape).toEqual([2, a.keySize]);
          expect(weights.shape).toEqual([2, 3]);
        }, describeCall('Attention.forward', query, memory)));
      }
      if (k % 4 !== 0) continue;
      // an encoder–decoder from parts that fit, or do not
      const parts = bad.options({
        sourceEmbedding: () => new Embedding({ numEmbeddings: 4, embeddingDim: 2, generator }),
        encoder: () => bad.pick([() => new GRU({ inputSize: 2, hiddenSize: 2, bidirectional: true, generator }), () => new LSTM({ inputSize: 2, hiddenSize: 2, generator })])(),
        bridge: () => new Linear({ inFeatures: 4, outFeatures: 3, generator }),
        targetEmbedding: () => new Embedding({ numEmbeddings: 5, embeddingDim: 2, generator }),
        decoder: () => new GRUCell({ inputSize: 2, hiddenSize: 3, generator }),
        attention: () => new Attention({ score: 'general', querySize: 3, keySize: 4, generator }),
        combine: () => new Linear({ inFeatures: 7, outFeatures: 3, generator }),
        projection: () => new Linear({ inFeatures: 3, outFeatures: 5, generator }),
        inputFeeding: () => false, bos: () => bad.integer(0, 5), eos: () => bad.integer(0, 5),
      }, ['inputFeed', 'bridges']);
      const model = bad.build(named('AttentionEncoderDecoder'), () => new AttentionEncoderDecoder(parts as never), parts, describeCall('new AttentionEncoderDecoder', Object.keys(parts)));
      note(model.problem);
      if (!model.value) continue;
      const m = model.value;
      const source = bad.pick([() => tensor([[1, 2], [3, 0]], { dtype: 'int32' }), () => bad.tensor(), () => bad.anyValue()])();
      const targets = bad.pick([() => zeros([2, 2], { dtype: 'int32' }), () => tensor([[9, 1], [1, 1]], { dtype: 'int32' }), () => bad.tensor(), () => bad.anyValue()])();
      const owners = named('AttentionEncoderDecoder', 'Embedding', 'GRU', 'Attention');
      note(bad.check(owners, () => expect(m.forward(source as never, targets as never).logits.shape).toEqual([2, 2, 5]), describeCall('AttentionEncoderDecoder.forward', source, targets)));
      const decodeOptions = bad.options({ maxLength: () => bad.integer(1, 3), beamWidth: () => bad.integer(1, 2), sourceLengths: () => bad.pick([[2, 1], [3, 1], [NaN]]) }, ['maxlength']);
      note(bad.check(owners, () => m.greedyDecode(source as never, decodeOptions as never), describeCall('AttentionEncoderDecoder.greedyDecode', source, decodeOptions)));
      note(bad.check(owners, () => m.beamDecode(source as never, decodeOptions as never), describeCall('AttentionEncoderDecoder.beamDecode', source, decodeOptions)));
    }
    expect(problems).toEqual([]);
  });
});
