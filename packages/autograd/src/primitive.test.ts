import * as T from '@recurrent/tensor';
import { Generator, type Tensor } from '@recurrent/tensor';
import { describe, expect, it } from 'vitest';
import { values } from '../test/shapes.js';
import { gradcheck } from './gradcheck.js';
import { grad } from './graph.js';
import { add } from './ops/binary.js';
import { matmul } from './ops/linalg.js';
import { tanh } from './ops/unary.js';
import { definePrimitive } from './primitive.js';
import { Variable } from './variable.js';

/** One fused tanh RNN step, h' = tanh(x·W_ihᵀ + h·W_hhᵀ + b), with a hand-written backward. */
const rnnStep = definePrimitive<void>({
  name: 'rnnStep',
  forward(context, [x, h, wIh, wHh, b]) {
    const pre = T.add(T.add(T.matmul(x!, wIh!, { transposeB: true }), T.matmul(h!, wHh!, { transposeB: true })), b!);
    const out = T.tanh(pre);
    context.saved = { x, h, wIh, wHh, out };
    return [out];
  },
  backward(context, [dOut]) {
    const { x, h, wIh, wHh, out } = context.saved as Record<string, Tensor>;
    // d pre = (1 − h'²)·dh'
    const dPre = T.mul(dOut, T.affine(T.square(out), -1, 1));
    return [
      T.matmul(dPre, wIh), // d x = d pre·W_ih
      T.matmul(dPre, wHh), // d h = d pre·W_hh
      T.matmul(dPre, x, { transposeA: true }), // d W_ih = d preᵀ·x
      T.matmul(dPre, h, { transposeA: true }), // d W_hh = d preᵀ·h
      T.sum(dPre, { axis: 0 }), // d b = Σ_batch d pre
    ];
  },
});

const composedStep = (x: Variable, h: Variable, wIh: Variable, wHh: Variable, b: Variable) =>
  tanh(add(add(matmul(x, wIh, { transposeB: true }), matmul(h, wHh, { transposeB: true })), b));

describe('definePrimitive', () => {
  const generator = new Generator(31);
  const inputs = [values(generator, [4, 3]), values(generator, [4, 5]), values(generator, [5, 3]), values(generator, [5, 5]), values(generator, [5])];

  it('a fused RNN step and its composed-op twin agree in values and gradients', () => {
    const fusedInputs = inputs.map((t) => new Variable(t, { requiresGrad: true }));
    const twinInputs = inputs.map((t) => new Variable(t, { requiresGrad: true }));
    const [fused] = rnnStep(fusedInputs, undefined);
    const twin = composedStep(...(twinInputs as [Variable, Variable, Variable, Variable, Variable]));
    fused.value.data.forEach((v, i) => expect(v).toBeCloseTo(twin.value.data[i], 12));
    const seed = values(generator, fused.shape);
    const fusedGradients = grad([fused], fusedInputs, [seed]);
    const twinGradients = grad([twin], twinInputs, [seed]);
    fusedGradients.forEach((g, k) => g!.data.forEach((v, i) => expect(v).toBeCloseTo(twinGradients[k]!.data[i], 12)));
  });

  it('passes gradcheck', () => {
    gradcheck((x, h, wIh, wHh, b) => rnnStep([x, h, wIh, wHh, b], undefined)[0], inputs);
  });

  it('tells backward which inputs need a gradient and takes tensors as constants', () => {
    let needs: boolean[] = [];
    const probe = definePrimitive<void>({
      name: 'probe',
      forward(context, [a, b]) {
        needs = context.needsGrad;
        return [T.add(a!, b!)];
      },
      backward: (_context, [dy]) => [dy, null],
    });
    const a = new Variable(values(generator, [2]), { requiresGrad: true });
    probe([a, values(generator, [2])], undefined);
    expect(needs).toEqual([true, false]);
  });

  it('with named inputs: forward takes and backward returns objects keyed by name, in any order, and unknown names are errors', () => {
    const named = definePrimitive<void, 'x' | 'h' | 'weightIh' | 'weightHh' | 'bias'>({
      name: 'namedStep',
      inputs: ['x', 'h', 'weightIh', 'weightHh', 'bias'],
      forward(context, { x, h, weightIh, weightHh, bias }) {
        const out = T.tanh(T.add(T.add(T.matmul(x!, weightIh!, { transposeB: true }), T.matmul(h!, weightHh!, { transposeB: true })), bias!));
        context.saved = { x, h, weightIh, weightHh, out };
        return [out];
      },
      backward(context, [dOut]) {
        const { x, h, weightIh, weightHh, out } = context.saved as Record<string, Tensor>;
        const dPre = T.mul(dOut, T.affine(T.square(out), -1, 1));
        return {
          bias: T.sum(dPre, { axis: 0 }),
          weightHh: context.needsGrad.weightHh ? T.matmul(dPre, h, { transposeA: true }) : null,
          weightIh: T.matmul(dPre, x, { transposeA: true }),
          h: T.matmul(dPre, weightHh),
          x: T.matmul(dPre, weightIh),
        };
      },
    });
    const namedInputs = inputs.map((t) => new Variable(t, { requiresGrad: true }));
    const twinInputs = inputs.map((t) => new Variable(t, { requiresGrad: true }));
    const [x, h, weightIh, weightHh, bias] = namedInputs;
    const [out] = named({ bias, weightHh, weightIh, h, x }, undefined);
    const twin = composedStep(...(twinInputs as [Variable, Variable, Variable, Variable, Variable]));
    const seed = values(generator, out.shape);
    const namedGradients = grad([out], namedInputs, [seed]);
    const twinGradients = grad([twin], twinInputs, [seed]);
    namedGradients.forEach((g, k) => g!.data.forEach((v, i) => expect(v).toBeCloseTo(twinGradients[k]!.data[i], 12)));
    expect(() => named({ x, h, weightIh, weightHh, biass: bias } as never, undefined)).toThrow("namedStep: expected inputs named x, h, weightIh, weightHh, bias, got 'biass'");
  });
});
