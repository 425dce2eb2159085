import { Parameter } from '@recurrent/autograd';
import { zeros } from '@recurrent/tensor';
import { describe, expect, it } from 'vitest';
import { CosineAnnealingLR, ExponentialLR, LinearWarmup, StepLR } from './schedules.js';
import { ReduceLROnPlateau } from './reduceLROnPlateau.js';
import { SGD } from './sgd.js';

const optimizer = (lr = 0.1) => new SGD([new Parameter(zeros([2]), 'w')], { lr });

function trajectory(steps: number, schedule: { step(): void; lr: number }): number[] {
  const rates = [schedule.lr];
  for (let i = 0; i < steps; i++) {
    schedule.step();
    rates.push(schedule.lr);
  }
  return rates;
}

describe('schedules', () => {
  it('StepLR multiplies by gamma every stepSize epochs', () => {
    const rates = trajectory(7, new StepLR(optimizer(), { stepSize: 3, gamma: 0.5 }));
    rates.forEach((lr, e) => expect(lr).toBeCloseTo(0.1 * 0.5 ** Math.floor(e / 3), 15));
  });

  it('ExponentialLR multiplies by gamma every epoch', () => {
    const rates = trajectory(5, new ExponentialLR(optimizer(), { gamma: 0.9 }));
    rates.forEach((lr, e) => expect(lr).toBeCloseTo(0.1 * 0.9 ** e, 15));
  });

  it('CosineAnnealingLR goes from the base rate to etaMin in tMax epochs', () => {
    const base = 0.1, etaMin = 0.01, tMax = 10;
    const rates = trajectory(tMax, new CosineAnnealingLR(optimizer(base), { tMax, etaMin }));
    rates.forEach((lr, e) => expect(lr).toBeCloseTo(etaMin + ((base - etaMin) * (1 + Math.cos((Math.PI * e) / tMax))) / 2, 15));
    expect(rates[0]).toBeCloseTo(base, 15);
    expect(rates[tMax]).toBeCloseTo(etaMin, 15);
    for (let e = 1; e <= 10; e++) expect(rates[e]).toBeLessThan(rates[e - 1]);
  });

  it('LinearWarmup ramps up, then hands over to the next schedule (or stays constant)', () => {
    const base = 0.1;
    const o = optimizer(base);
    const decay = new ExponentialLR(o, { gamma: 0.5 });
    const rates = trajectory(6, new LinearWarmup(o, { warmupSteps: 4, after: decay }));
    rates.forEach((lr, e) => expect(lr).toBeCloseTo(e < 4 ? (base * e) / 4 : base * 0.5 ** (e - 4), 15));
    const constant = trajectory(6, new LinearWarmup(optimizer(base), { warmupSteps: 2, startFactor: 0.5 }));
    constant.forEach((lr, e) => expect(lr).toBeCloseTo(e < 2 ? base * (0.5 + (0.5 * e) / 2) : base, 15));
  });

  it('resume from their state dicts', () => {
    const first = new StepLR(optimizer(), { stepSize: 2 });
    trajectory(5, first);
    const o = optimizer();
    const second = new StepLR(o, { stepSize: 2 });
    second.loadStateDict(JSON.parse(JSON.stringify(first.stateDict())));
    expect(o.lr).toBeCloseTo(first.lr, 15);
    expect(() => second.loadStateDict(new ExponentialLR(optimizer(), { gamma: 0.5 }).stateDict())).toThrow(
      'StepLR.loadStateDict: expected a state dict of StepLR, got one of ExponentialLR',
    );
  });

  it('name bad options', () => {
    expect(() => new StepLR(optimizer(), { stepSize: 0 })).toThrow('StepLR: expected stepSize to be an integer ≥ 1, got number 0');
    expect(() => new LinearWarmup(optimizer(), { warmupSteps: 2, startFactor: 2 })).toThrow('LinearWarmup: expected startFactor in [0, 1], got 2');
  });
});

describe('ReduceLROnPlateau', () => {
  it('reduces after more than patience epochs without improvement, then cools down', () => {
    const o = optimizer(1);
    const schedule = new ReduceLROnPlateau(o, { patience: 2, factor: 0.5, cooldown: 1 });
    const metrics = [5, 4, 4, 4, 4, 4, 4, 4, 4, 3];
    const rates = metrics.map((m) => {
      schedule.step(m);
      return o.lr;
    });
    // epochs 3, 4, 5 are bad → reduce at the third; one cooldown epoch; then three more bad ones
    expect(rates).toEqual([1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25]);
  });

  it('respects minLr, max mode and its state dict', () => {
    const o = optimizer(1);
    const schedule = new ReduceLROnPlateau(o, { mode: 'max', patience: 0, factor: 0.1, minLr: 0.05 });
    for (const m of [1, 0.5, 0.5, 0.5]) schedule.step(m);
    expect(o.lr).toBe(0.05);
    const restored = new ReduceLROnPlateau(optimizer(1), { mode: 'max', patience: 0 });
    restored.loadStateDict(JSON.parse(JSON.stringify(schedule.stateDict())));
    expect(restored.best).toBe(1);
    expect(restored.lr).toBe(0.05);
    expect(() => new ReduceLROnPlateau(o, { factor: 1 })).toThrow('ReduceLROnPlateau: expected factor to be a number in [0, 1), got number 1');
  });
});
