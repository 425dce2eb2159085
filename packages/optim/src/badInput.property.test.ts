import { Parameter, Variable } from '@recurrent/autograd';
import { randn, tensor } from '@recurrent/tensor';
import { BadInputs, describeCall } from '@recurrent/tensor/testing';
import { describe, expect, it } from 'vitest';
import {
  Adagrad, Adam, AdamW, ConstantLR, CosineAnnealingLR, CosineAnnealingWarmRestarts, CyclicLR, ExponentialLR, LambdaLR, LinearLR,
  LinearWarmup, MultiStepLR, MultiplicativeLR, OneCycleLR, PolynomialLR, RMSprop, ReduceLROnPlateau, SGD, SequentialLR, StepLR,
  clipGradNorm, clipGradValue,
} from './index.js';

// Property-style (issue 20): random option objects for every optimizer and schedule, random
// parameter lists, state dicts and metrics. Each call gives a correct result (finite weights and
// learning rates) or one clear Error naming the optimizer or schedule, never a TypeError, a
// RangeError or a hang.
const bad = new BadInputs(19);
const rounds = 300;
const number = (low: number, high: number) => () => low + bad.random.uniform() * (high - low);
const flag = () => bad.pick([true, false]);

const parameters = () => [new Parameter(randn([2, 3], bad.random)), new Parameter(randn([3], bad.random))];
const optimizers: [string, (p: never, o: never) => { step(): void; zeroGrad(): void; stateDict(): unknown; loadStateDict(s: never): void }, Record<string, () => unknown>][] = [
  ['SGD', (p, o) => new SGD(p, o), { lr: number(0, 1), momentum: number(0, 1), dampening: number(0, 1), weightDecay: number(0, 0.1), nesterov: flag }],
  ['Adam', (p, o) => new Adam(p, o), { lr: number(0, 1), betas: () => [bad.random.uniform() * 0.99, bad.random.uniform() * 0.99], eps: () => 1e-8, weightDecay: number(0, 0.1), amsgrad: flag }],
  ['AdamW', (p, o) => new AdamW(p, o), { lr: number(0, 1), betas: () => [0.9, 0.999], eps: () => 1e-8, weightDecay: number(0, 0.1), amsgrad: flag }],
  ['RMSprop', (p, o) => new RMSprop(p, o), { lr: number(0, 1), alpha: number(0, 1), eps: () => 1e-8, weightDecay: number(0, 0.1), momentum: number(0, 1), centered: flag }],
  ['Adagrad', (p, o) => new Adagrad(p, o), { lr: number(0, 1), lrDecay: number(0, 0.1), weightDecay: number(0, 0.1), initialAccumulatorValue: number(0, 1), eps: () => 1e-10 }],
];

/** A parameter list of every kind: parameters, groups, empty, not parameters at all. */
function parameterList(): unknown {
  return bad.pick<() => unknown>([
    parameters, parameters, parameters,
    () => [{ params: parameters(), lr: bad.pick([0.1, -1, '0.1', NaN]) }],
    () => [], () => [new Variable(randn([2], bad.random))], () => [tensor([1, 2])], () => bad.anyValue(), () => [bad.anyValue()],
  ])();
}

describe('optimizers: random options, parameters and state dicts give a result or one clear error', () => {
  it.each(optimizers)('%s', (name, make, valid) => {
    const problems: string[] = [];
    const note = (problem: string | null) => problem && problems.length < 5 && problems.push(problem);
    for (let k = 0; k < rounds; k++) {
      const options = bad.options(valid, ['weightdecay', 'momentun', 'lR', 'beta']);
      const list = parameterList();
      const built = bad.build(new RegExp(`^${name}(\\.\\w+| paramGroups\\[\\d+\\])?: `), () => make(list as never, options as never), options, describeCall(`new ${name}`, list, options));
      note(built.problem);
      if (!built.value) continue;
      const optimizer = built.value;
      const weights = (list as Parameter[]).flatMap((item) => (item instanceof Parameter ? [item] : ((item as { params?: Parameter[] }).params ?? [])));
      note(bad.check(new RegExp(`^${name}`), () => {
        for (const p of weights) p.grad = randn(p.shape, bad.random);
        optimizer.step();
        for (const p of weights) expect(Array.from(p.value.data).every(Number.isFinite)).toBe(true);
      }, describeCall(`${name}.step`, options)));
      // a state dict of its own, damaged at random
      const saved = JSON.parse(JSON.stringify(optimizer.stateDict(), (_key, value) => (ArrayBuffer.isView(value) ? Array.from(value as Float32Array) : value)));
      const damage = bad.pick<(s: Record<string, unknown>) => unknown>([
        (s) => s, (s) => ({ ...s, state: bad.anyValue() }), (s) => ({ ...s, param_groups: bad.anyValue() }),
        (s) => ({ ...s, param_groups: [{ ...(s.param_groups as object[])?.[0], [bad.pick(['lr', 'betas', 'eps', 'momentum', 'alpha'])]: bad.anyValue() }] }),
        () => bad.anyValue(),
      ]);
      const dict = damage(saved as Record<string, unknown>);
      note(bad.check(new RegExp(`^${name}(\\.\\w+)?: `), () => {
        optimizer.loadStateDict(dict as never);
        for (const p of weights) p.grad = randn(p.shape, bad.random);
        optimizer.step();
        for (const p of weights) expect(Array.from(p.value.data).every(Number.isFinite), `weights after loading ${JSON.stringify(dict)}`).toBe(true);
      }, describeCall(`${name}.loadStateDict`, dict)));
    }
    expect(problems).toEqual([]);
  });

  it('clipGradNorm and clipGradValue', () => {
    const problems: string[] = [];
    for (let k = 0; k < rounds; k++) {
      const list = parameterList();
      for (const p of Array.isArray(list) ? list : []) if (p instanceof Parameter) p.grad = randn(p.shape, bad.random);
      const [maxNorm, normType, clipValue] = [bad.pick([1, 0.5, -1, NaN, '1', Infinity]), bad.pick([2, 1, Infinity, 0, -2, NaN, 'inf']), bad.pick([0.5, -1, NaN, '1'])];
      const options = bad.options({ errorIfNonfinite: flag }, ['errorIfNonFinite']);
      const norm = bad.check(/^clipGradNorm: /, () => clipGradNorm(list as never, maxNorm as never, normType as never, options as never), describeCall('clipGradNorm', list, maxNorm, normType, options));
      const value = bad.check(/^clipGradValue: /, () => clipGradValue(list as never, clipValue as never), describeCall('clipGradValue', list, clipValue));
      for (const problem of [norm, value]) if (problem && problems.length < 5) problems.push(problem);
    }
    expect(problems).toEqual([]);
  });
});

const steps = () => bad.integer(1, 20);
const schedules: [string, (o: never, options: never) => { step(...metric: never[]): void }, Record<string, () => unknown>][] = [
  ['StepLR', (o, x) => new StepLR(o, x), { stepSize: steps, gamma: number(0, 1) }],
  ['MultiStepLR', (o, x) => new MultiStepLR(o, x), { milestones: () => [bad.integer(1, 5), bad.integer(6, 9)], gamma: number(0, 1) }],
  ['ConstantLR', (o, x) => new ConstantLR(o, x), { factor: number(0, 1), totalIters: steps }],
  ['LinearLR', (o, x) => new LinearLR(o, x), { startFactor: number(0.1, 1), endFactor: number(0, 1), totalIters: steps }],
  ['ExponentialLR', (o, x) => new ExponentialLR(o, x), { gamma: number(0, 1) }],
  ['PolynomialLR', (o, x) => new PolynomialLR(o, x), { totalIters: steps, power: number(0, 3) }],
  ['CosineAnnealingLR', (o, x) => new CosineAnnealingLR(o, x), { tMax: steps, etaMin: number(0, 0.01) }],
  ['LambdaLR', (o, x) => new LambdaLR(o, x), { lrLambda: () => bad.pick([(e: number) => 0.9 ** e, (e: number) => 1 / (e + 1)]) }],
  ['MultiplicativeLR', (o, x) => new MultiplicativeLR(o, x), { lrLambda: () => () => 0.95 }],
  ['LinearWarmup', (o, x) => new LinearWarmup(o, x), { warmupSteps: steps, after: () => undefined }],
  ['CosineAnnealingWarmRestarts', (o, x) => new CosineAnnealingWarmRestarts(o, x), { t0: steps, tMult: () => bad.integer(1, 3), etaMin: number(0, 0.01) }],
  ['OneCycleLR', (o, x) => new OneCycleLR(o, x), { maxLr: number(0.01, 1), totalSteps: () => bad.integer(5, 30), pctStart: number(0.1, 0.9), annealStrategy: () => bad.pick(['cos', 'linear']), cycleMomentum: () => false, divFactor: number(1, 30), finalDivFactor: number(1, 1e4), threePhase: flag }],
  ['CyclicLR', (o, x) => new CyclicLR(o, x), { baseLr: number(0, 0.01), maxLr: number(0.01, 1), stepSizeUp: steps, stepSizeDown: steps, mode: () => bad.pick(['triangular', 'triangular2', 'exp_range']), gamma: number(0.5, 1), cycleMomentum: () => false }],
  ['ReduceLROnPlateau', (o, x) => new ReduceLROnPlateau(o, x), { mode: () => bad.pick(['min', 'max']), factor: number(0, 1), patience: () => bad.integer(0, 3), cooldown: () => bad.integer(0, 2), eps: () => 1e-8 }],
];

describe('schedules: random options, optimizers and metrics give a result or one clear error', () => {
  it.each(schedules)('%s', (name, make, valid) => {
    const problems: string[] = [];
    const note = (problem: string | null) => problem && problems.length < 5 && problems.push(problem);
    for (let k = 0; k < rounds; k++) {
      const optimizer = bad.pick<() => unknown>([() => new SGD(parameters(), { lr: 0.1 }), () => new Adam(parameters(), { lr: 0.01 }), () => bad.anyValue()])();
      const options = bad.options(valid, ['step_size', 'gammma', 'tmax', 'milestone']);
      const built = bad.build(new RegExp(`^${name}(\\.\\w+)?: `), () => make(optimizer as never, options as never), options, describeCall(`new ${name}`, options));
      note(built.problem);
      if (!built.value) continue;
      const schedule = built.value;
      note(bad.check(new RegExp(`^${name}(\\.\\w+)?: `), () => {
        for (let t = 0; t < 12; t++) {
          schedule.step(bad.pick([1, 0.5, 2, NaN, 'x', undefined]) as never);
          const lr = (optimizer as SGD).paramGroups[0].lr;
          expect(Number.isFinite(lr) && lr >= 0, `lr ${lr}`).toBe(true);
        }
      }, describeCall(`${name}.step`, options)));
    }
    expect(problems).toEqual([]);
  });

  it('SequentialLR', () => {
    const problems: string[] = [];
    for (let k = 0; k < rounds; k++) {
      const optimizer = new SGD(parameters(), { lr: 0.1 });
      const options = bad.options({ schedulers: () => [new ConstantLR(optimizer, { factor: 0.5, totalIters: 2 }), new ExponentialLR(optimizer, { gamma: 0.9 })], milestones: () => [bad.integer(1, 4)] }, ['milestone']);
      const built = bad.build(/^SequentialLR(\.\w+)?: /, () => new SequentialLR(optimizer, options as never), options, describeCall('new SequentialLR', options));
      if (built.problem && problems.length < 5) problems.push(built.problem);
      if (built.value) for (let t = 0; t < 8; t++) built.value.step();
      expect(Number.isFinite(optimizer.paramGroups[0].lr)).toBe(true);
    }
    expect(problems).toEqual([]);
  });
});
