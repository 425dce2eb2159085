import { Parameter } from '@recurrent/autograd';
import { zeros } from '@recurrent/tensor';
import { describe, expect, it } from 'vitest';
import { ChainedScheduler } from './chainedScheduler.js';
import { SequentialLR } from './cyclicSchedules.js';
import { ConstantLR, CosineAnnealingLR, ExponentialLR, LambdaLR, LinearLR, StepLR } from './schedules.js';
import { SGD } from './sgd.js';

// the rates themselves are checked against PyTorch in test/parity (schedules.json's chained_* cases)
const optimizer = (lr = 0.1) => new SGD([new Parameter(zeros([2]), 'w')], { lr });

describe('ChainedScheduler', () => {
  it('multiplies chainable schedules: ConstantLR × ExponentialLR is the product of their closed forms', () => {
    const chainedOptimizer = optimizer();
    const chain = new ChainedScheduler([new ConstantLR(chainedOptimizer, { factor: 0.5, totalIters: 4 }), new ExponentialLR(chainedOptimizer, { gamma: 0.9 })]);
    // the same rates from the two closed forms, each on an optimizer of its own
    const constant = new ConstantLR(optimizer(), { factor: 0.5, totalIters: 4 });
    const exponential = new ExponentialLR(optimizer(), { gamma: 0.9 });
    for (let e = 0; e < 12; e++) {
      expect(chain.lr).toBeCloseTo((constant.lr * exponential.lr) / 0.1, 14);
      chain.step();
      constant.step();
      exponential.step();
    }
    expect(chain.lastEpoch).toBe(12);
  });

  it('a schedule PyTorch sets outright replaces what came before it, and is multiplied by what comes after', () => {
    const first = optimizer();
    const overridden = new ChainedScheduler([new StepLR(first, { stepSize: 2, gamma: 0.5 }), new LambdaLR(first, { lrLambda: (e) => 1 / (1 + e) })]);
    const second = optimizer();
    const multiplied = new ChainedScheduler([new LambdaLR(second, { lrLambda: (e) => 1 / (1 + e) }), new StepLR(second, { stepSize: 2, gamma: 0.5 })]);
    for (let e = 1; e <= 6; e++) {
      overridden.step();
      multiplied.step();
      expect(overridden.lr).toBeCloseTo(0.1 / (1 + e), 14);
      expect(multiplied.lr).toBeCloseTo((0.1 / (1 + e)) * (e % 2 === 0 ? 0.5 : 1), 14);
    }
  });

  it('state dicts round-trip: a chain restored mid-way continues with the same rates', () => {
    const build = () => {
      const o = optimizer();
      return new ChainedScheduler([new LinearLR(o, { startFactor: 0.2, totalIters: 10 }), new CosineAnnealingLR(o, { tMax: 7, etaMin: 0.01 })]);
    };
    const original = build();
    for (let k = 0; k < 9; k++) original.step();
    const restored = build();
    restored.loadStateDict(JSON.parse(JSON.stringify(original.stateDict())));
    expect(restored.lastLrs).toEqual(original.lastLrs);
    for (let k = 0; k < 20; k++) {
      original.step();
      restored.step();
      expect(restored.lastLrs).toEqual(original.lastLrs);
    }
  });

  it('refuses what it cannot chain, naming it', () => {
    const o = optimizer();
    expect(() => new ChainedScheduler([])).toThrow('ChainedScheduler: expected a non-empty array of schedules (LRScheduler), got an array of length 0');
    expect(() => new ChainedScheduler([{ step() {} }] as never)).toThrow(/ChainedScheduler: expected a non-empty array of schedules/);
    expect(() => new ChainedScheduler([new StepLR(o, { stepSize: 2 }), new StepLR(optimizer(), { stepSize: 3 })])).toThrow('ChainedScheduler: expected schedules of the same optimizer, got schedulers[1] of another');
    const inner = new ExponentialLR(o, { gamma: 0.9 });
    expect(() => new ChainedScheduler([new SequentialLR(o, { schedulers: [inner], milestones: [] })])).toThrow(/got SequentialLR at schedulers\[0\]/);
    const stepped = new StepLR(o, { stepSize: 2 });
    stepped.step();
    expect(() => new ChainedScheduler([stepped])).toThrow('ChainedScheduler: expected freshly built schedules (lastEpoch 0), got StepLR at lastEpoch 1 (schedulers[0])');
    const chain = new ChainedScheduler([new StepLR(o, { stepSize: 2 })]);
    expect(() => chain.loadStateDict({ scheduler: 'StepLR', lastEpoch: 1 })).toThrow('ChainedScheduler.loadStateDict: expected a state dict of ChainedScheduler, got one of StepLR');
    expect(() => chain.loadStateDict({ scheduler: 'ChainedScheduler', lastEpoch: 1, lrs: [0.1, 0.2] })).toThrow(/expected lrs to be .*got/);
    expect(() => new ChainedScheduler([new ConstantLR(optimizer(), { factor: 0, totalIters: 2 })])).toThrow('ConstantLR: expected a factor > 0 in a ChainedScheduler');
  });
});
