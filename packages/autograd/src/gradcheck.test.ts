import * as T from '@recurrent/tensor';
import { Generator } from '@recurrent/tensor';
import { describe, expect, it } from 'vitest';
import { values } from '../test/shapes.js';
import { gradcheck } from './gradcheck.js';
import { record, valueOf } from './graph.js';
import { mul } from './ops/binary.js';
import { Parameter, type Variable } from './variable.js';

describe('gradcheck', () => {
  const generator = new Generator(41);

  it('casts float32 inputs to float64 and reports what it checked', () => {
    const result = gradcheck((a, b) => mul(a, b), [T.randn([2, 3], generator), T.randn([3], generator)]);
    expect(result.checked).toBe(9);
    expect(result.maxError).toBeLessThan(1e-6);
  });

  it('catches a wrong rule, naming the input and the element', () => {
    // d x² would be 2x·dy; this rule forgets the 2
    const wrongSquare = (x: Variable) => {
      const v = valueOf(x);
      return record('wrongSquare', [x], [T.square(v)], ([dy]) => [T.mul(dy, v)])[0];
    };
    expect(() => gradcheck(wrongSquare, [values(generator, [3], 0.5, 1)])).toThrow(
      /^gradcheck: expected the analytic gradient of input 0 \[3\] at element 0 to match central differences .*, got .*/,
    );
  });

  it('checks closed-over parameters and several outputs', () => {
    const weight = new Parameter(values(generator, [3]), 'weight');
    const result = gradcheck((x) => [mul(x, weight), mul(weight, weight)], [values(generator, [2, 3])], { parameters: [weight] });
    expect(result.checked).toBe(9);
    expect(result.maxError).toBeLessThan(1e-6);
  });

  it('catches a wrong parameter gradient, naming the parameter', () => {
    const weight = new Parameter(values(generator, [2], 0.5, 1), 'weight');
    const wrongScale = (x: Variable) => {
      const v = valueOf(x), w = weight.value;
      // d(w·x)/dw would be x·dy; this rule forgets it
      return record('wrongScale', [x, weight], [T.mul(v, w)], ([dy]) => [T.mul(dy, w), dy])[0];
    };
    expect(() => gradcheck(wrongScale, [values(generator, [2], 2, 3)], { parameters: [weight] })).toThrow(
      /^gradcheck: expected the analytic gradient of parameter 0 \[2\] at element 0 to match central differences .*, got .*/,
    );
  });

  it('refuses float32 parameters', () => {
    const weight = new Parameter(T.ones([2]), 'weight');
    expect(() => gradcheck((x) => x, [values(generator, [2])], { parameters: [weight] })).toThrow('gradcheck: expected float64 parameters, got float32 [2]');
  });

  it('refuses a function whose output is a constant', () => {
    expect(() => gradcheck(() => mul(T.ones([2], { dtype: 'float64' }), 2), [values(generator, [2])])).toThrow(
      'gradcheck: expected an output that depends on a differentiated input, got a constant',
    );
  });
});
