import { Generator } from '@recurrent/tensor';
import { describe, expect, it } from 'vitest';
import { addingProblem } from './addingProblem.js';
import { copyTask } from './copyTask.js';
import { embeddedReber, embeddedReberNextSymbols, embeddedReberString, reberSymbols } from './reberGrammar.js';
import { mackeyGlass, sineMixture } from './series.js';

describe('addingProblem', () => {
  it('has two markers, one per half, and the target is the sum of the marked values', () => {
    const { inputs, targets } = addingProblem({ batchSize: 8, sequenceLength: 30, generator: 5 });
    expect(inputs.shape).toEqual([30, 8, 2]);
    for (let b = 0; b < 8; b++) {
      let sum = 0;
      const marked: number[] = [];
      for (let t = 0; t < 30; t++) {
        const value = inputs.data[(t * 8 + b) * 2];
        expect(value >= 0 && value < 1).toBe(true);
        if (inputs.data[(t * 8 + b) * 2 + 1] === 1) {
          sum += value;
          marked.push(t);
        }
      }
      expect(marked.length).toBe(2);
      expect(marked[0] < 15 && marked[1] >= 15).toBe(true);
      expect(targets.data[b]).toBeCloseTo(sum, 6);
    }
    const again = addingProblem({ batchSize: 8, sequenceLength: 30, generator: 5, batchFirst: true });
    expect(again.targets.data).toEqual(targets.data);
    expect(again.inputs.shape).toEqual([8, 30, 2]);
    expect(() => addingProblem({ batchSize: 1, sequenceLength: 1 })).toThrow('addingProblem: expected sequenceLength to be an integer ≥ 2, got number 1');
  });
});

describe('copyTask', () => {
  it('asks for the first symbols back after the delimiter', () => {
    const { inputs, targets, numClasses } = copyTask({ batchSize: 4, sequenceLength: 5, delay: 12, numSymbols: 6, batchFirst: true, generator: 2 });
    expect(inputs.shape).toEqual([4, 22]);
    expect(numClasses).toBe(8);
    for (let b = 0; b < 4; b++) {
      const row = Array.from(inputs.data.slice(b * 22, (b + 1) * 22));
      const target = Array.from(targets.data.slice(b * 22, (b + 1) * 22));
      expect(row.slice(0, 5).every((s) => s >= 1 && s <= 6)).toBe(true);
      expect(row.indexOf(7)).toBe(5 + 12 - 1);
      expect(row.filter((s) => s === 7).length).toBe(1);
      expect(target.slice(17)).toEqual(row.slice(0, 5));
      expect(target.slice(0, 17).every((s) => s === 0)).toBe(true);
    }
  });
});

describe('embedded Reber grammar', () => {
  it('generates valid strings whose second symbol comes back before the end', () => {
    const rng = new Generator(0);
    for (let k = 0; k < 200; k++) {
      const text = embeddedReberString(rng);
      expect(text[1]).toBe(text[text.length - 2]);
      expect(embeddedReberNextSymbols(text).length).toBe(text.length);
    }
    expect(embeddedReberNextSymbols('BTBTXSETE')).toEqual(['TP', 'B', 'TP', 'SX', 'XS', 'E', 'T', 'E', '']);
    expect(() => embeddedReberNextSymbols('BTBTXSEPE')).toThrow('embeddedReberNextSymbols: expected one of "T" at index 7, got "P"');
    expect(() => embeddedReberNextSymbols('BTBTX')).toThrow('expected a complete string');
  });

  it('encodes one-hot inputs and multi-hot next-symbol targets', () => {
    const { strings, inputs, targets } = embeddedReber({ count: 3, generator: 1 });
    strings.forEach((text, i) => {
      expect(inputs[i].length).toBe(text.length * 7);
      const next = embeddedReberNextSymbols(text);
      for (let t = 0; t < text.length; t++) {
        expect(inputs[i][t * 7 + reberSymbols.indexOf(text[t])]).toBe(1);
        const allowed = [...reberSymbols].filter((_, s) => targets[i][t * 7 + s] === 1).join('');
        expect([...allowed].sort().join('')).toBe([...next[t]].sort().join(''));
      }
    });
  });
});

describe('series', () => {
  it('sineMixture follows the formula and is reproducible from the seed', () => {
    const components = [{ amplitude: 2, frequency: 0.05, phase: 1 }];
    const { values } = sineMixture({ length: 50, components });
    values.forEach((value, t) => expect(value).toBeCloseTo(2 * Math.sin(2 * Math.PI * 0.05 * t + 1), 5));
    expect(sineMixture({ length: 20, noise: 0.1, generator: 9 }).values).toEqual(sineMixture({ length: 20, noise: 0.1, generator: 9 }).values);
  });

  it('mackeyGlass agrees with a fine explicit-Euler integration of the same equation', () => {
    const series = mackeyGlass({ length: 60 });
    // independent reference: Euler with dt = 0.001 and exact grid delays
    const dt = 0.001;
    const lag = 17_000;
    const steps = 60_000;
    const x = new Float64Array(lag + 1 + steps).fill(1.2, 0, lag + 1);
    for (let i = lag; i < lag + steps; i++) x[i + 1] = x[i] + dt * ((0.2 * x[i - lag]) / (1 + x[i - lag] ** 10) - 0.1 * x[i]);
    for (let k = 0; k < 60; k++) expect(Math.abs(series[k] - x[lag + k * 1000])).toBeLessThan(2e-3);
    const long = mackeyGlass({ length: 2000, discard: 200, perturbation: 0.1, generator: 3 });
    expect(Math.min(...long)).toBeGreaterThan(0.1);
    expect(Math.max(...long)).toBeLessThan(1.6);
    expect(() => mackeyGlass({ length: 10, dt: 0.3 })).toThrow('mackeyGlass: expected dt with 1/dt an integer, got 0.3');
  });
});
