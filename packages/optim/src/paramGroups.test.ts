import { Parameter } from '@recurrent/autograd';
import { Generator, randn } from '@recurrent/tensor';
import { describe, expect, it } from 'vitest';
import { Adagrad } from './adagrad.js';
import { Adam, AdamW } from './adam.js';
import { StepLR } from './schedules.js';
import { SGD } from './sgd.js';

const parameters = (seed: number, count = 3) => {
  const generator = new Generator(seed);
  return Array.from({ length: count }, (_, i) => new Parameter(randn([2, 3], generator), `p${i}`));
};

const messageOf = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  return 'no error';
};

describe('options are checked by name and type', () => {
  const p = parameters(1);
  it('names the nearest valid option for a misspelling', () => {
    expect(messageOf(() => new Adam(p, { weightdecay: 0.1 } as never))).toBe("Adam: unknown option 'weightdecay' (did you mean 'weightDecay'?)");
    expect(messageOf(() => new SGD(p, { lr: 0.1, momentun: 0.9 } as never))).toBe("SGD: unknown option 'momentun' (did you mean 'momentum'?)");
    expect(messageOf(() => new AdamW([{ params: [p[0]] }, { params: [p[1]], betas1: 0.5 } as never]))).toBe("AdamW paramGroups[1]: unknown option 'betas1' (did you mean 'betas'?)");
  });

  it('refuses wrongly typed values', () => {
    expect(messageOf(() => new Adam(p, { lr: '0.1' } as never))).toBe('Adam: expected lr to be a finite number ≥ 0, got "0.1" (a string)');
    expect(messageOf(() => new SGD(p, { lr: 0.1, nesterov: 'yes' } as never))).toBe('SGD: expected nesterov to be a boolean, got "yes" (a string)');
    expect(messageOf(() => new Adam(p, { betas: [5, 7] as never }))).toBe('Adam: expected betas to be an array [β1, β2] of numbers in [0, 1), got an array of length 2');
    expect(messageOf(() => new Adam([{ params: p, eps: -3 }]))).toBe('Adam paramGroups[0]: expected eps to be a finite number ≥ 0, got number -3');
  });

  it('refuses a parameter in two groups, a group without params and per-group options PyTorch ignores', () => {
    expect(messageOf(() => new Adam([{ params: [p[0], p[1]] }, { params: [p[1]] }]))).toBe("Adam paramGroups[1]: expected each parameter in one group only, got parameter 'p1' at position 0 also in group 0");
    const optimizer = new SGD([{ params: [p[0]] }], { lr: 0.1 });
    expect(messageOf(() => optimizer.addParamGroup({ params: [p[2], p[0]] }))).toBe("SGD paramGroups[1]: expected each parameter in one group only, got parameter 'p0' at position 1 also in group 0");
    expect(messageOf(() => optimizer.addParamGroup({ lr: 0.1 } as never))).toBe('SGD paramGroups[1]: expected a group { params, … }, got an object');
    expect(messageOf(() => new SGD([{ params: [p[0]] }], {} as never))).toBe('SGD: expected an lr option, got none');
    expect(messageOf(() => new Adagrad([{ params: [p[0]], initialAccumulatorValue: 0.5 }]))).toMatch(/^Adagrad paramGroups\[0\]: expected initialAccumulatorValue for the whole optimizer only/);
  });
});

describe('parameter groups', () => {
  it('fill each group from the defaults and step each with its own rate', () => {
    const [a, b] = parameters(2, 2);
    const optimizer = new SGD([{ params: [a] }, { params: [b], lr: 0.5 }], { lr: 0.1 });
    expect(optimizer.paramGroups.map((g) => [g.lr, g.momentum, g.params.length])).toEqual([[0.1, 0, 1], [0.5, 0, 1]]);
    const before = [Array.from(a.value.data), Array.from(b.value.data)];
    a.grad = randn([2, 3], new Generator(3));
    b.grad = a.grad;
    optimizer.step();
    a.value.data.forEach((v, i) => expect(v).toBeCloseTo(before[0][i] - 0.1 * a.grad!.data[i], 6));
    b.value.data.forEach((v, i) => expect(v).toBeCloseTo(before[1][i] - 0.5 * b.grad!.data[i], 6));
  });

  it('are driven by a schedule, each from its own base rate', () => {
    const [a, b] = parameters(4, 2);
    const optimizer = new Adam([{ params: [a] }, { params: [b], lr: 0.01 }], { lr: 0.1 });
    const schedule = new StepLR(optimizer, { stepSize: 2, gamma: 0.5 });
    for (let i = 0; i < 4; i++) schedule.step();
    expect(schedule.lastLrs).toEqual([0.1 * 0.25, 0.01 * 0.25]);
    expect(optimizer.stateDict().paramGroups.map((g) => g.initialLr)).toEqual([0.1, 0.01]);
  });
});

describe('loadStateDict checks every field before changing anything', () => {
  const trained = () => {
    const p = parameters(5, 2);
    const optimizer = new Adam([{ params: [p[0]] }, { params: [p[1]], lr: 0.01 }]);
    for (let i = 0; i < 2; i++) {
      for (const q of p) q.grad = randn([2, 3], new Generator(6 + i));
      optimizer.step();
    }
    return { p, optimizer };
  };

  it.each([
    ['betas [5, 7]', (d: any) => (d.paramGroups[0].betas = [5, 7]), 'Adam.loadStateDict paramGroups[0]: expected betas to be an array [β1, β2] of numbers in [0, 1), got an array of length 2'],
    ['eps -3', (d: any) => (d.paramGroups[1].eps = -3), 'Adam.loadStateDict paramGroups[1]: expected eps to be a finite number ≥ 0, got number -3'],
    ['exp_avg "x"', (d: any) => (d.state['0'].exp_avg = 'x'), 'Adam.loadStateDict: state[\'0\']: expected exp_avg to be an array of 6 finite numbers, got "x" (a string)'],
    ['a NaN in exp_avg_sq', (d: any) => (d.state['1'].exp_avg_sq[2] = NaN), "Adam.loadStateDict: state['1']: expected exp_avg_sq to be an array of 6 finite numbers, got an array of length 6 holding a non-number or non-finite value"],
    ['step "abc"', (d: any) => (d.state['1'].step = 'abc'), 'Adam.loadStateDict: state[\'1\']: expected step to be an integer ≥ 0, got "abc" (a string)'],
    ['a missing buffer', (d: any) => delete d.state['0'].exp_avg_sq, "Adam.loadStateDict: state['0']: expected the keys step, exp_avg, exp_avg_sq, 'exp_avg_sq' is missing"],
    ['an unknown option', (d: any) => (d.paramGroups[0].weightdecay = 0), "Adam.loadStateDict paramGroups[0]: unknown option 'weightdecay' (did you mean 'weightDecay'?)"],
    ['a group too many', (d: any) => d.paramGroups.push({ ...d.paramGroups[1], params: [2] }), 'Adam.loadStateDict: expected 2 parameter groups, got 3'],
    ['another optimizer', (d: any) => (d.optimizer = 'SGD'), 'Adam.loadStateDict: expected a state dict of Adam, got one of SGD'],
    ['state for no parameter', (d: any) => (d.state['7'] = d.state['0']), "Adam.loadStateDict: expected state for the parameters 0, 1, got state for '7'"],
  ])('%s', (_, spoil, message) => {
    const { p, optimizer } = trained();
    const dict = JSON.parse(JSON.stringify(optimizer.stateDict()));
    const saved = JSON.stringify(dict);
    spoil(dict);
    const weights = p.map((q) => Array.from(q.value.data));
    expect(messageOf(() => optimizer.loadStateDict(dict))).toBe(message);
    expect(JSON.stringify(optimizer.stateDict())).toBe(saved);
    p.forEach((q, i) => expect(Array.from(q.value.data)).toEqual(weights[i]));
  });

  it('loads what it wrote, group by group', () => {
    const { optimizer } = trained();
    const dict = JSON.parse(JSON.stringify(optimizer.stateDict()));
    const p = parameters(9, 2);
    const fresh = new Adam([{ params: [p[0]] }, { params: [p[1]], lr: 0.3 }]);
    fresh.loadStateDict(dict);
    expect(fresh.stateDict()).toEqual(dict);
    expect(fresh.paramGroups[1].lr).toBe(0.01);
  });
});
