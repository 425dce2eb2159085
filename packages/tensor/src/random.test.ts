import { describe, expect, it } from 'vitest';
import { Generator } from './random.js';

function draw(g: Generator, count: number, next: (g: Generator) => number): number[] {
  return Array.from({ length: count }, () => next(g));
}

describe('Generator', () => {
  it('gives the same stream for the same seed and another for another seed', () => {
    expect(draw(new Generator(42), 100, (g) => g.nextUint32())).toEqual(draw(new Generator(42), 100, (g) => g.nextUint32()));
    expect(draw(new Generator(42), 100, (g) => g.nextUint32())).not.toEqual(draw(new Generator(43), 100, (g) => g.nextUint32()));
    const g = new Generator(7);
    const first = draw(g, 10, (x) => x.normal());
    g.seed(7);
    expect(draw(g, 10, (x) => x.normal())).toEqual(first);
  });

  it('continues identically after a state save and restore, mid normal pair included', () => {
    const g = new Generator(3);
    g.normal(); // leaves the second value of a Box–Muller pair pending
    const state = JSON.parse(JSON.stringify(g.getState()));
    const expected = [...draw(g, 5, (x) => x.normal()), ...draw(g, 5, (x) => x.uniform()), ...draw(g, 5, (x) => x.integer(10))];
    const restored = new Generator(999);
    restored.setState(state);
    expect([...draw(restored, 5, (x) => x.normal()), ...draw(restored, 5, (x) => x.uniform()), ...draw(restored, 5, (x) => x.integer(10))]).toEqual(expected);
    expect(() => restored.setState({ s: [1, 2], spareNormal: null })).toThrow('Generator.setState: expected { s: [4 integers], spareNormal }');
    expect(() => restored.setState({ s: [1, 2, 3, 4], spareNormal: 'x' as never })).toThrow('Generator.setState: expected');
  });

  it('uniform lies in [0, 1), is float32-exact, and has mean 1/2 and variance 1/12', () => {
    const g = new Generator(11);
    const n = 200_000;
    let sum = 0;
    let sumSquares = 0;
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const u = g.uniform();
      if (!(u >= 0 && u < 1 && Math.fround(u) === u)) outside++;
      sum += u;
      sumSquares += u * u;
    }
    expect(outside).toBe(0);
    const mean = sum / n;
    const variance = sumSquares / n - mean * mean;
    // standard error of the mean is sqrt(1/12 / n) ≈ 6.5e-4; allow five of them
    expect(Math.abs(mean - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / n));
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(0.002);
    const bounded = draw(g, 1000, (x) => x.uniformIn(-3, 5));
    expect(bounded.every((v) => v >= -3 && v < 5)).toBe(true);
  });

  it('normal has mean 0, variance 1, no skew and kurtosis 3', () => {
    const g = new Generator(5);
    const n = 200_000;
    const moments = [0, 0, 0, 0];
    for (let i = 0; i < n; i++) {
      const v = g.normal();
      moments[0] += v;
      moments[1] += v * v;
      moments[2] += v * v * v;
      moments[3] += v * v * v * v;
    }
    const [m1, m2, m3, m4] = moments.map((m) => m / n);
    // bounds of five standard errors: sd(x)=1, sd(x²)=√2, sd(x³)=√15, sd(x⁴)=√96
    const se = (sd: number) => (5 * sd) / Math.sqrt(n);
    expect(Math.abs(m1)).toBeLessThan(se(1));
    expect(Math.abs(m2 - 1)).toBeLessThan(se(Math.SQRT2));
    expect(Math.abs(m3)).toBeLessThan(se(Math.sqrt(15)));
    expect(Math.abs(m4 - 3)).toBeLessThan(se(Math.sqrt(96)));
  });

  it('integer is uniform over [0, n) and refuses bad bounds', () => {
    const g = new Generator(1);
    const counts = new Array<number>(6).fill(0);
    const n = 60_000;
    for (let i = 0; i < n; i++) counts[g.integer(6)]++;
    // chi-square with 5 degrees of freedom: 20.5 is its 0.999 quantile
    const chiSquare = counts.reduce((acc, c) => acc + (c - n / 6) ** 2 / (n / 6), 0);
    expect(chiSquare).toBeLessThan(20.5);
    expect(() => g.integer(0)).toThrow('Generator.integer: expected a positive integer bound, got 0');
  });

  it('shuffle is a permutation', () => {
    const items = Array.from({ length: 50 }, (_, i) => i);
    const shuffled = new Generator(2).shuffle([...items]);
    expect(shuffled).not.toEqual(items);
    expect([...shuffled].sort((a, b) => a - b)).toEqual(items);
  });
});
