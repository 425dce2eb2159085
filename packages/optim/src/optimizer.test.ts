import { Parameter, Variable, backward, mseLoss, matmul } from '@recurrent/autograd';
import { Generator, randn, type Tensor } from '@recurrent/tensor';
import { describe, expect, it } from 'vitest';
import { Adagrad } from './adagrad.js';
import { Adam, AdamW } from './adam.js';
import type { Optimizer } from './optimizer.js';
import { RMSprop } from './rmsprop.js';
import { SGD } from './sgd.js';

const makeParameters = (seed: number) => {
  const generator = new Generator(seed);
  return [new Parameter(randn([3, 2], generator), 'weight'), new Parameter(randn([3], generator), 'bias')];
};

const builders: [string, (p: Parameter[]) => Optimizer][] = [
  ['SGD', (p) => new SGD(p, { lr: 0.1, momentum: 0.9, nesterov: true })],
  ['Adam', (p) => new Adam(p, { lr: 0.05, amsgrad: true })],
  ['AdamW', (p) => new AdamW(p, { lr: 0.05 })],
  ['RMSprop', (p) => new RMSprop(p, { centered: true, momentum: 0.5 })],
  ['Adagrad', (p) => new Adagrad(p, { lrDecay: 0.1 })],
];

function setGradients(parameters: Parameter[], generator: Generator): void {
  for (const p of parameters) p.grad = randn(p.shape, generator);
}

describe.each(builders)('%s', (name, build) => {
  it('resumes exactly from a JSON round trip of its state dict', () => {
    const a = makeParameters(1);
    const b = makeParameters(1);
    const optimizerA = build(a);
    const optimizerB = build(b);
    const gradients = new Generator(2);
    for (let step = 0; step < 3; step++) {
      setGradients(a, gradients);
      for (let i = 0; i < a.length; i++) b[i].grad = a[i].grad;
      optimizerA.step();
      optimizerB.step();
    }
    const restored = build(b);
    restored.loadStateDict(JSON.parse(JSON.stringify(optimizerB.stateDict())));
    for (let step = 0; step < 3; step++) {
      setGradients(a, gradients);
      for (let i = 0; i < a.length; i++) b[i].grad = a[i].grad;
      optimizerA.step();
      restored.step();
    }
    a.forEach((p, i) => expect(Array.from(b[i].value.data)).toEqual(Array.from(p.value.data)));
  });

  it('refuses a parameter listed twice, a negative lr and a state dict from another optimizer', () => {
    const parameters = makeParameters(3);
    expect(() => build([parameters[0], parameters[1], parameters[0]])).toThrow(`${name}: expected each parameter once, got parameter 'weight' at positions 0 and 2`);
    const optimizer = build(parameters);
    expect(() => {
      optimizer.lr = -0.1;
    }).toThrow(`${name}: expected lr to be a finite number ≥ 0, got number -0.1`);
    const other = name === 'SGD' ? new Adam(parameters) : new SGD(parameters, { lr: 0.1 });
    const otherName = name === 'SGD' ? 'Adam' : 'SGD';
    expect(() => optimizer.loadStateDict(other.stateDict())).toThrow(`${name}.loadStateDict: expected a state dict of ${name}, got one of ${otherName}`);
  });

  it('skips a parameter without a gradient: no update, no state', () => {
    const parameters = makeParameters(5);
    const optimizer = build(parameters);
    const before = Array.from(parameters[1].value.data);
    parameters[0].grad = randn([3, 2], new Generator(6));
    optimizer.step();
    expect(Array.from(parameters[1].value.data)).toEqual(before);
    expect(Object.keys(optimizer.stateDict().state)).toEqual(['0']);
  });
});

describe('optimizers train', () => {
  it.each(builders)('%s lowers the loss of a small least-squares problem', (_, build) => {
    const generator = new Generator(8);
    const x = randn([16, 3], generator);
    const target: Tensor = randn([16, 2], generator);
    const weight = new Parameter(randn([2, 3], generator), 'weight');
    const optimizer = build([weight]);
    const loss = () => mseLoss(matmul(x, weight, { transposeB: true }), target);
    const first = loss().item();
    for (let i = 0; i < 50; i++) {
      optimizer.zeroGrad();
      const l = loss();
      backward(l);
      optimizer.step();
    }
    expect(loss().item()).toBeLessThan(first);
  });
});

describe('option checks', () => {
  const parameters = makeParameters(9);
  it('name the option and the value', () => {
    expect(() => new SGD(parameters, { lr: 0.1, nesterov: true })).toThrow('SGD: expected momentum > 0 and dampening 0 with nesterov, got momentum 0 and dampening 0');
    expect(() => new SGD(parameters, {} as { lr: number })).toThrow('SGD: expected an lr option, got none');
    expect(() => new Adam(parameters, { betas: [0.9, 1] })).toThrow('Adam: expected betas to be an array [β1, β2] of numbers in [0, 1), got an array of length 2');
    expect(() => new Adam(parameters, { lr: -1 })).toThrow('Adam: expected lr to be a finite number ≥ 0, got number -1');
    expect(() => new RMSprop(parameters, { eps: -1 })).toThrow('RMSprop: expected eps to be a finite number ≥ 0, got number -1');
    expect(() => new Adagrad([])).toThrow('Adagrad: expected at least one parameter, got an empty list');
    expect(() => new Adagrad([new Variable(randn([2], new Generator(1)))])).toThrow(/^Adagrad: expected leaf variables that require grad, got Variable\(float32, \[2\]\) at position 0$/);
  });
});
