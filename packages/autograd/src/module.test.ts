import * as T from '@recurrent/tensor';
import { describe, expect, it } from 'vitest';
import { backward } from './graph.js';
import { Module } from './module.js';
import { mul } from './ops/binary.js';
import { sum } from './ops/reduce.js';
import { Parameter } from './variable.js';

class Affine extends Module {
  weight = this.registerParameter('weight', new Parameter(T.uniform([3, 2], -1, 1, new T.Generator(1))));
  bias = this.registerParameter('bias', null as Parameter | null);
}

class Net extends Module {
  scale = this.registerParameter('scale', new Parameter(T.ones([2])));
  first = this.registerModule('first', new Affine());
  second = this.registerModule('second', new Affine());
}

describe('Module', () => {
  it('lists own parameters first, then each submodule under its name, skipping absent ones', () => {
    const net = new Net();
    expect(net.namedParameters().map(([name]) => name)).toEqual(['scale', 'first.weight', 'second.weight']);
    expect(net.parameters()).toEqual([net.scale, net.first.weight, net.second.weight]);
    expect(net.first.weight.name).toBe('weight');
    expect(Object.keys(net.stateDict())).toEqual(['scale', 'first.weight', 'second.weight']);
    expect(net.stateDict()['first.weight']).toBe(net.first.weight.value);
  });

  it('loads a state dict by name, and lists every problem in one error without changing anything', () => {
    const source = new Net(), target = new Net();
    source.first.weight.value.data.fill(0.25);
    target.loadStateDict(source.stateDict());
    expect(Array.from(target.first.weight.value.data)).toEqual(Array.from(source.first.weight.value.data));
    const before = Array.from(target.scale.value.data);
    const bad = { scale: T.ones([3]), 'first.weight': T.zeros([3, 2]), extra: T.ones([1]) };
    expect(() => target.loadStateDict(bad)).toThrow(
      'Net.loadStateDict: the state dict does not fit:\n  missing key second.weight\n  unexpected key extra\n  scale: expected shape [2], got [3]',
    );
    expect(Array.from(target.scale.value.data)).toEqual(before);
    expect(target.loadStateDict({ scale: T.full([2], 2) }, { strict: false })).toEqual({ missingKeys: ['first.weight', 'second.weight'], unexpectedKeys: [] });
    expect(Array.from(target.scale.value.data)).toEqual([2, 2]);
  });

  it('loads the keys under a prefix, as from a PyTorch model that wraps the module', () => {
    const source = new Net();
    source.first.weight.value.data.fill(0.5);
    const wrapped = Object.fromEntries(Object.entries(source.stateDict()).map(([k, v]) => [`body.${k}`, v]));
    const target = new Net();
    expect(target.loadStateDict({ ...wrapped, 'head.weight': T.ones([1]) }, { prefix: 'body.' })).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expect(Array.from(target.first.weight.value.data)).toEqual(new Array(6).fill(0.5));
    const partial = { 'body.scale': T.full([2], 3), 'body.extra': T.ones([1]) };
    expect(target.loadStateDict(partial, { prefix: 'body.', strict: false })).toEqual({ missingKeys: ['first.weight', 'second.weight'], unexpectedKeys: ['extra'] });
    expect(Array.from(target.scale.value.data)).toEqual([3, 3]);
    expect(() => target.loadStateDict(partial, { prefix: 'body.' })).toThrow('missing key first.weight');
    expect(() => target.loadStateDict(wrapped, { prefix: 'lstm.' })).toThrow("Net.loadStateDict: expected keys starting with 'lstm.', got body.scale");
    expect(() => target.loadStateDict(wrapped, { prefx: 'body.' } as never)).toThrow("expected options strict or prefix, got 'prefx'");
  });

  it('refuses a name twice', () => {
    class Twice extends Module {
      a = this.registerParameter('a', new Parameter(T.ones([1])));
      b = this.registerModule('a', new Affine());
    }
    expect(() => new Twice()).toThrow("Twice: expected a module name not yet taken, got 'a'");
  });

  it('sets training mode recursively and clears every gradient', () => {
    const net = new Net().eval();
    expect([net.training, net.first.training, net.second.training]).toEqual([false, false, false]);
    net.train();
    expect(net.second.training).toBe(true);
    backward(sum(mul(net.first.weight, net.second.weight)));
    expect(net.first.weight.grad).not.toBeNull();
    net.zeroGrad();
    for (const p of net.parameters()) expect(p.grad === null || p.grad.data.every((v) => v === 0)).toBe(true);
  });
});
