import { Generator, randn, type Tensor } from '@recurrent/tensor';
import { backward, mul, sum, Variable } from '@recurrent/autograd';
import { GRUCell, LSTMCell } from '@recurrent/cells';
import { describe, expect, it } from 'vitest';
import { LockedDropout } from './lockedDropout.js';
import { LSTM } from './lstm.js';
import { GRU } from './gru.js';
import { Recurrent } from './recurrent.js';
import { WeightDrop } from './weightDrop.js';
import { ZoneoutCell } from './zoneoutCell.js';

const values = (x: Tensor | Variable) => Array.from((x instanceof Variable ? x.value : x).data);

describe('LockedDropout', () => {
  const T = 5, B = 4, F = 500, p = 0.3;
  const x = randn([T, B, F], new Generator(1));

  it('applies one mask per sequence, the same at every step, of 0 or 1/(1 − p)', () => {
    const drop = new LockedDropout({ p, seed: 2 });
    const y = values(drop.forward(x));
    const keep = 1 / (1 - p);
    let kept = 0;
    for (let b = 0; b < B; b++) {
      for (let f = 0; f < F; f++) {
        const ratio = y[b * F + f] / x.data[b * F + f];
        expect(ratio === 0 || Math.abs(ratio - keep) < 1e-5).toBe(true);
        if (ratio !== 0) kept++;
        for (let t = 1; t < T; t++) expect(y[(t * B + b) * F + f]).toBeCloseTo(x.data[(t * B + b) * F + f] * ratio, 5);
      }
    }
    // expected value preserved: kept share · 1/(1 − p) ≈ 1 (2000 draws: 3σ ≈ 0.031)
    expect(Math.abs((kept / (B * F)) * keep - 1)).toBeLessThan(0.05);
  });

  it('draws a new mask per call, repeats with the seed, passes gradients through the mask, is the identity in eval', () => {
    const a = new LockedDropout({ p, seed: 3 });
    const first = values(a.forward(x));
    expect(values(a.forward(x))).not.toEqual(first);
    expect(values(new LockedDropout({ p, seed: 3 }).forward(x))).toEqual(first);
    const input = new Variable(x, { requiresGrad: true });
    const y = new LockedDropout({ p, seed: 4 }).forward(input);
    backward(sum(y));
    const grad = values(input.grad!);
    values(y).forEach((v, i) => expect(v).toBeCloseTo(x.data[i] * grad[i], 5));
    a.eval();
    expect(values(a.forward(x))).toEqual(Array.from(x.data));
  });

  it('takes batch-first input and checks its options', () => {
    const drop = new LockedDropout({ p: 0.5, batchFirst: true, seed: 1 });
    const xb = randn([3, 6, 7], new Generator(5));
    const y = values(drop.forward(xb));
    for (let b = 0; b < 3; b++) for (let f = 0; f < 7; f++) {
      const zero = y[(b * 6) * 7 + f] === 0;
      for (let t = 1; t < 6; t++) expect(y[(b * 6 + t) * 7 + f] === 0).toBe(zero);
    }
    expect(() => new LockedDropout({ q: 0.5 } as never)).toThrow("LockedDropout: unknown option 'q' (did you mean 'p'?)");
    expect(() => new LockedDropout({ p: 1 })).toThrow('LockedDropout: expected p to be a number in [0, 1), got number 1');
    expect(() => drop.forward(randn([3, 4], new Generator(1)))).toThrow('LockedDropout: expected input [batch, time, features], got [3, 4]');
  });
});

describe('WeightDrop', () => {
  const options = { inputSize: 3, hiddenSize: 40, numLayers: 2, bidirectional: true };
  const x = randn([6, 2, 3], new Generator(7));

  it('runs the fused layer with W_hh ⊙ M/(1 − p), masks of 0 or 1/(1 − p), gradients through the mask', () => {
    const p = 0.4;
    const dropped = new WeightDrop(new LSTM({ ...options, generator: new Generator(8) }), { p, seed: 9 });
    const out = dropped.forward(x);
    expect(dropped.lastMasks).toHaveLength(4);
    const plain = new LSTM({ ...options, generator: new Generator(8) });
    const keep = 1 / (1 - p);
    const names = ['weight_hh_l0', 'weight_hh_l0_reverse', 'weight_hh_l1', 'weight_hh_l1_reverse'];
    let kept = 0, total = 0;
    const raw = dropped.stateDict();
    const masked: Record<string, Tensor> = { ...raw };
    names.forEach((name, k) => {
      const mask = dropped.lastMasks[k];
      for (const m of mask.data) {
        expect(m === 0 || Math.abs(m - keep) < 1e-6).toBe(true);
        kept += m === 0 ? 0 : 1;
        total++;
      }
      masked[name] = mul(raw[name], mask).value;
    });
    expect(Math.abs((kept / total) * keep - 1)).toBeLessThan(0.05);
    plain.loadStateDict(masked);
    const reference = plain.forward(x);
    values(out.output).forEach((v, i) => expect(v).toBeCloseTo(values(reference.output)[i], 5));
    values(out.c_n).forEach((v, i) => expect(v).toBeCloseTo(values(reference.c_n)[i], 5));
    backward(sum(out.output));
    backward(sum(reference.output));
    const weight = (m: { namedParameters(): [string, { grad: Tensor | null }][] }, n: string) => m.namedParameters().find(([name]) => name === n)![1].grad!;
    names.forEach((name, k) => {
      const ours = values(weight(dropped, name));
      const theirs = values(weight(plain, name));
      ours.forEach((g, i) => expect(g).toBeCloseTo(theirs[i] * dropped.lastMasks[k].data[i], 4));
    });
    // the layer's slots hold the raw parameters again
    expect(dropped.layer.directions[0][0].weightHh).toBe(dropped.namedParameters().find(([n]) => n === 'weight_hh_l0')![1]);
  });

  it('draws new masks per forward, runs the raw weights in eval and keeps the layer\'s state-dict names', () => {
    const gru = new GRU({ inputSize: 3, hiddenSize: 8, generator: new Generator(1) });
    const dropped = new WeightDrop(gru, { p: 0.5, seed: 2 });
    expect(Object.keys(dropped.stateDict())).toEqual(Object.keys(gru.stateDict()));
    const first = values(dropped.forward(x).output);
    const firstMask = values(dropped.lastMasks[0]);
    expect(values(dropped.forward(x).output)).not.toEqual(first);
    expect(values(dropped.lastMasks[0])).not.toEqual(firstMask);
    dropped.eval();
    expect(gru.training).toBe(false);
    expect(values(dropped.forward(x).output)).toEqual(values(new GRU({ inputSize: 3, hiddenSize: 8, generator: new Generator(1) }).eval().forward(x).output));
    expect(() => new WeightDrop(gru, { p: 0.5, sed: 1 } as never)).toThrow("WeightDrop: unknown option 'sed' (did you mean 'seed'?)");
  });
});

describe('ZoneoutCell', () => {
  const B = 200, H = 16;
  const cell = () => new LSTMCell({ inputSize: 3, hiddenSize: H, generator: new Generator(11) });
  const x = randn([B, 3], new Generator(12));
  const h = randn([B, H], new Generator(13));
  const c = randn([B, H], new Generator(14));

  it('keeps each unit of h and c with its probability in training, a fresh draw at every step', () => {
    const zoned = new ZoneoutCell(cell(), { zoneoutH: 0.2, zoneoutC: 0.6, seed: 15 });
    const fresh = cell().forward(x, { h, c });
    const { state } = zoned.step(x, [h, c], 0);
    const share = (next: Variable, previous: Tensor, candidate: Variable) => {
      let kept = 0;
      values(next).forEach((v, i) => {
        const isPrevious = Math.abs(v - previous.data[i]) < 1e-6;
        expect(isPrevious || Math.abs(v - values(candidate)[i]) < 1e-6).toBe(true);
        if (isPrevious) kept++;
      });
      return kept / previous.size;
    };
    expect(Math.abs(share(state[0], h, fresh.h) - 0.2)).toBeLessThan(0.03);
    expect(Math.abs(share(state[1], c, fresh.c) - 0.6)).toBeLessThan(0.03);
    const again = zoned.step(x, [h, c], 1).state;
    expect(values(again[0])).not.toEqual(values(state[0]));
  });

  it('is the expectation in eval: z·s_{t−1} + (1 − z)·s̃_t, which training preserves on average', () => {
    const z = 0.3;
    const zoned = new ZoneoutCell(new GRUCell({ inputSize: 3, hiddenSize: H, generator: new Generator(1) }), { zoneoutH: z, seed: 2 });
    const fresh = values(new GRUCell({ inputSize: 3, hiddenSize: H, generator: new Generator(1) }).forward(x, h));
    const average = new Float64Array(B * H);
    const draws = 200;
    for (let k = 0; k < draws; k++) values(zoned.step(x, [h], k).state[0]).forEach((v, i) => (average[i] += v / draws));
    zoned.eval();
    const expected = values(zoned.step(x, [h], 0).state[0]);
    expected.forEach((v, i) => expect(v).toBeCloseTo(z * h.data[i] + (1 - z) * fresh[i], 5));
    let worst = 0;
    average.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - expected[i]) / (Math.abs(h.data[i] - fresh[i]) + 1e-3))));
    expect(worst).toBeLessThan(0.15);
  });

  it('runs over sequences in Recurrent and trains', () => {
    const layer = new Recurrent(new ZoneoutCell(cell(), { zoneoutH: 0.1, seed: 3 }));
    const { output } = layer.forward(randn([5, 2, 3], new Generator(4)));
    expect(output.shape).toEqual([5, 2, H]);
    backward(sum(output));
    expect(layer.parameters().every((q) => q.grad !== null)).toBe(true);
  });
});
