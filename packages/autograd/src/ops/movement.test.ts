import { Generator } from '@recurrent/tensor';
import { describe, expect, it } from 'vitest';
import { values } from '../../test/shapes.js';
import { gradcheck } from '../gradcheck.js';
import { backward } from '../graph.js';
import { Variable } from '../variable.js';
import { broadcastTo, cast, clone, expand, flatten, flip, permute, reshape, squeeze, transpose, unsqueeze } from './movement.js';
import { sum } from './reduce.js';

const generator = new Generator(13);

describe('movement gradient rules (gradcheck)', () => {
  it('reshape, transpose, permute, flatten, squeeze, unsqueeze', () => {
    const x = () => values(generator, [2, 1, 3]);
    gradcheck((v) => reshape(v, [3, -1]), [x()]);
    gradcheck((v) => transpose(v, 0, 2), [x()]);
    gradcheck((v) => permute(v, [2, 0, 1]), [x()]);
    gradcheck((v) => flatten(v, 1), [x()]);
    gradcheck((v) => squeeze(v), [x()]);
    gradcheck((v) => unsqueeze(v, -1), [x()]);
    gradcheck((v) => reshape(v, []), [values(generator, [1, 1])]);
  });

  it('expand and broadcastTo sum the gradient over repeated axes', () => {
    gradcheck((v) => expand(v, [4, 2, 3]), [values(generator, [2, 1])]);
    gradcheck((v) => expand(v, [2, 3]), [values(generator, [])]);
    gradcheck((v) => broadcastTo(v, [2, 3, 4]), [values(generator, [3, 1])]);
  });

  it('flip, cast to float64, clone', () => {
    gradcheck((v) => flip(v, [0, 2]), [values(generator, [2, 3, 2])]);
    gradcheck((v) => cast(v, 'float64'), [values(generator, [3])]);
    gradcheck((v) => clone(v), [values(generator, [2, 2])]);
  });

  it('passes no gradient through a cast to int32', () => {
    const x = new Variable(values(generator, [3]), { requiresGrad: true });
    backward(sum(cast(x, 'int32')));
    expect(x.grad).toBeNull();
  });
});
