import { Generator } from '@recurrent/tensor';
import { describe, it } from 'vitest';
import { values } from '../../test/shapes.js';
import { gradcheck } from '../gradcheck.js';
import { matmul } from './linalg.js';

const generator = new Generator(9);
const shapes: [number[], number[]][] = [
  [[3, 4], [4, 2]], [[4], [4, 2]], [[3, 4], [4]], [[4], [4]], [[2, 3, 4], [2, 4, 5]], [[2, 3, 4], [4, 5]],
  [[4, 5], [2, 5, 3]], [[2, 1, 3, 4], [3, 4, 2]], [[1, 4], [4, 1]],
];

describe('matmul gradient rule (gradcheck)', () => {
  it.each(shapes)('%j · %j', (a, b) => {
    gradcheck((x, y) => matmul(x, y), [values(generator, a), values(generator, b)]);
  });

  it.each([[false, true], [true, false], [true, true]])('transposeA %s, transposeB %s, batched and broadcast', (transposeA, transposeB) => {
    const swap = (s: number[]) => [...s.slice(0, -2), s[s.length - 1], s[s.length - 2]];
    for (const [a, b] of shapes.filter(([x, y]) => x.length > 1 && y.length > 1)) {
      const left = transposeA ? swap(a) : a;
      const right = transposeB ? swap(b) : b;
      gradcheck((x, y) => matmul(x, y, { transposeA, transposeB }), [values(generator, left), values(generator, right)]);
    }
  });
});
