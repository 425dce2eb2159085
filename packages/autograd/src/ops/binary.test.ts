import { Generator, tensor } from '@recurrent/tensor';
import { describe, expect, it } from 'vitest';
import { awayFromZero, broadcastPairs, values } from '../../test/shapes.js';
import { gradcheck } from '../gradcheck.js';
import { backward } from '../graph.js';
import { Variable } from '../variable.js';
import { add, div, maximum, minimum, mul, pow, sub, where } from './binary.js';
import { sum } from './reduce.js';

const pairs = broadcastPairs(7, 16);
const generator = new Generator(11);

describe('binary gradient rules (gradcheck over broadcasting shapes)', () => {
  it.each(pairs)('add, sub, mul, div: %j with %j', (a, b) => {
    for (const op of [add, sub, mul]) gradcheck(op, [values(generator, a), values(generator, b)], { name: op.name });
    gradcheck(div, [values(generator, a), awayFromZero(generator, b)], { name: 'div' });
  });

  it.each(pairs)('pow, maximum, minimum: %j with %j', (a, b) => {
    gradcheck(pow, [values(generator, a, 0.5, 2), values(generator, b)], { name: 'pow' });
    gradcheck(maximum, [values(generator, a), values(generator, b)], { name: 'maximum' });
    gradcheck(minimum, [values(generator, a), values(generator, b)], { name: 'minimum' });
  });

  it.each(pairs)('where: %j with %j', (a, b) => {
    const condition = values(generator, a.length >= b.length ? a : b);
    for (let i = 0; i < condition.size; i++) condition.data[i] = condition.data[i] > 0 ? 1 : 0;
    gradcheck((x, y) => where(condition, x, y), [values(generator, a), values(generator, b)], { name: 'where' });
  });

  it('numbers broadcast as scalars of the other operand’s dtype', () => {
    gradcheck((x) => add(mul(2, x), div(x, 3)), [values(generator, [2, 3])]);
    gradcheck((x) => sub(1, pow(x, 2)), [values(generator, [4])]);
  });

  it('a square mul(x, x) has one gradient, (x + x)·dy, bit for bit the two products summed', () => {
    gradcheck((x) => mul(x, x), [values(generator, [3, 4])], { name: 'square' });
    const x = new Variable(values(generator, [5, 7]), { requiresGrad: true });
    const dy = values(generator, [5, 7]);
    const y = mul(x, x);
    expect(y.node!.inputs.length).toBe(2);
    backward(y, { seed: dy });
    const twice = new Variable(x.value, { requiresGrad: true });
    const other = new Variable(x.value, { requiresGrad: true });
    backward(mul(twice, other), { seed: dy });
    const summed = twice.grad!.toFlatArray().map((g, i) => g + other.grad!.toFlatArray()[i]);
    expect(x.grad!.toFlatArray()).toEqual(summed);
  });

  it('shares the gradient of a tie evenly between maximum’s operands (PyTorch’s rule)', () => {
    const a = new Variable(tensor([1, 2, 3]), { requiresGrad: true });
    const b = new Variable(tensor([1, 5, 0]), { requiresGrad: true });
    backward(sum(maximum(a, b)));
    const da = a.grad!.toFlatArray();
    const db = b.grad!.toFlatArray();
    // each entry's gradient is split between a and b and adds up to 1
    da.forEach((g, i) => expect(g + db[i]).toBe(1));
    expect(da[0]).toBe(db[0]);
  });
});
