import { Generator, tensor } from '@recurrent/tensor';
import { describe, it } from 'vitest';
import { values } from '../../test/shapes.js';
import { gradcheck } from '../gradcheck.js';
import { gather, indexAdd, indexSelect, narrow, pad, slice } from './indexing.js';
import { chunk, concat, split, stack } from './join.js';
import { mul } from './binary.js';

const generator = new Generator(17);
const int = (data: number[][] | number[]) => tensor(data, { dtype: 'int32' });

describe('indexing and joining gradient rules (gradcheck)', () => {
  it('slice (ranges, steps, indices), narrow and pad', () => {
    gradcheck((v) => slice(v, [{ start: 1 }, { step: 2 }]), [values(generator, [3, 4])]);
    gradcheck((v) => slice(v, [-1, { start: -3, end: -1 }]), [values(generator, [2, 4, 2])]);
    gradcheck((v) => narrow(v, 1, 1, 2), [values(generator, [2, 4])]);
    gradcheck((v) => pad(v, [[1, 0], [2, 1]], 3), [values(generator, [2, 3])]);
  });

  it('gather, indexSelect and indexAdd accumulate repeated positions', () => {
    gradcheck((v) => gather(v, 1, int([[0, 0, 2], [1, 2, 1]])), [values(generator, [2, 3])]);
    gradcheck((v) => indexSelect(v, 0, [2, 0, 2, 1]), [values(generator, [3, 2])]);
    gradcheck((v) => indexSelect(v, 1, int([1, 1])), [values(generator, [2, 3, 2])]);
    gradcheck((x, s) => indexAdd(x, 0, [0, 0, 2], s), [values(generator, [3, 2]), values(generator, [3, 2])]);
  });

  it('concat and stack split the gradient back', () => {
    gradcheck((a, b, c) => concat([a, b, c], 1), [values(generator, [2, 1]), values(generator, [2, 3]), values(generator, [2, 2])]);
    gradcheck((a, b) => stack([a, b], 1), [values(generator, [2, 3]), values(generator, [2, 3])]);
    gradcheck((a, b) => stack([a, b], -1), [values(generator, []), values(generator, [])]);
  });

  it('split and chunk join the pieces’ gradients (zeros for unused pieces)', () => {
    const weights = values(generator, [2, 3]);
    gradcheck((v) => {
      const [first, second] = split(v, [2, 3], 1);
      return concat([mul(first, 2), second, first], 1);
    }, [values(generator, [2, 5])]);
    gradcheck((v) => mul(chunk(v, 3, 1)[1], weights), [values(generator, [2, 8])]);
    gradcheck((v) => split(v, 2, 0)[0], [values(generator, [3, 2])]);
  });
});
