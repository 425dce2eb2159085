import { Generator, type Tensor, tensor } from '@recurrent/tensor';
import { describe, expect, it } from 'vitest';
import { values } from '../test/shapes.js';
import { type CrossEntropyOptions, crossEntropy } from './crossEntropy.js';
import { gradcheck } from './gradcheck.js';
import { grad } from './graph.js';
import { nllLoss } from './losses.js';
import { add, div, mul } from './ops/binary.js';
import { permute, reshape } from './ops/movement.js';
import { logSoftmax, mean, sum } from './ops/reduce.js';
import { affine, neg } from './ops/unary.js';
import { Variable } from './variable.js';

const generator = new Generator(21);
const int = (data: number[], shape?: number[]) => tensor(data, { dtype: 'int32', shape });

/** PyTorch's cross entropy composed from recorded ops (input [N, C]): log-softmax, masks, sums. */
function composed(x: Variable, target: Tensor, options: CrossEntropyOptions): Variable {
  const [N, C] = x.shape;
  const ignoreIndex = options.ignoreIndex ?? -100;
  const w = options.weight?.data;
  const pick = new Float64Array(N * C);
  const classWeight = new Float64Array(N * C);
  let weightSum = 0;
  for (let n = 0; n < N; n++) {
    const y = target.data[n];
    if (y === ignoreIndex) continue;
    weightSum += w ? w[y] : 1;
    pick[n * C + y] = w ? w[y] : 1;
    for (let c = 0; c < C; c++) classWeight[n * C + c] = w ? w[c] : 1;
  }
  const logP = logSoftmax(x, 1);
  const nll = neg(sum(mul(logP, tensor(pick, { shape: [N, C], dtype: 'float64' })), { axis: 1 }));
  const smooth = neg(sum(mul(logP, tensor(classWeight, { shape: [N, C], dtype: 'float64' })), { axis: 1 }));
  const epsilon = options.labelSmoothing ?? 0;
  // ℓ = (1 − ε)·nll + ε/C·smooth, each part reduced as PyTorch does
  const total = (nllPart: Variable, smoothPart: Variable) => add(affine(nllPart, 1 - epsilon), affine(smoothPart, epsilon / C));
  const reduction = options.reduction ?? 'mean';
  if (reduction === 'none') return total(nll, smooth);
  if (reduction === 'sum') return total(sum(nll), sum(smooth));
  return total(div(sum(nll), weightSum), w ? div(sum(smooth), weightSum) : mean(smooth));
}

const target = int([2, 0, -100, 1, 2, 3]);
const targetIgnoringTwo = int([2, 0, 2, 1, 3, 3]);
const targetFor = (options: CrossEntropyOptions) => (options.ignoreIndex === 2 ? targetIgnoringTwo : target);
const weight = tensor([0.5, 2, 1, 1.5], { dtype: 'float64' });
const variants: CrossEntropyOptions[] = [
  {}, { reduction: 'sum' }, { reduction: 'none' }, { weight }, { weight, reduction: 'sum' }, { labelSmoothing: 0.2 },
  { labelSmoothing: 0.1, weight }, { labelSmoothing: 0.3, reduction: 'none', weight }, { ignoreIndex: 2 }, { ignoreIndex: 2, labelSmoothing: 0.2 },
];

describe('crossEntropy (one fused primitive)', () => {
  it.each(variants.map((v) => [JSON.stringify({ ...v, weight: v.weight ? 'w' : undefined }), v]))('agrees with its composed twin: %s', (_, options) => {
    const data = values(generator, [6, 4], -2, 2);
    const fusedInput = new Variable(data, { requiresGrad: true });
    const composedInput = new Variable(data, { requiresGrad: true });
    const fused = crossEntropy(fusedInput, targetFor(options), options);
    const twin = composed(composedInput, targetFor(options), options);
    expect(fused.shape).toEqual(twin.shape);
    fused.value.data.forEach((v, i) => expect(v).toBeCloseTo(twin.value.data[i], 12));
    const seed = values(generator, fused.shape);
    const [dFused] = grad([fused], [fusedInput], [seed]);
    const [dTwin] = grad([twin], [composedInput], [seed]);
    dFused!.data.forEach((v, i) => expect(v).toBeCloseTo(dTwin!.data[i], 12));
    gradcheck((x) => crossEntropy(x, targetFor(options), options), [data]);
  });

  it('takes [N, C, d…] inputs with [N, d…] targets, like the class axis moved last', () => {
    const data = values(generator, [2, 3, 4], -2, 2);
    const spatialTarget = int([0, 2, 1, -100, 2, 2, 0, 1], [2, 4]);
    for (const reduction of ['mean', 'none'] as const) {
      const options = { reduction, labelSmoothing: 0.1, weight: tensor([1, 2, 0.5], { dtype: 'float64' }) };
      gradcheck((x) => crossEntropy(x, spatialTarget, options), [data]);
      const flat = crossEntropy(reshape(permute(data, [0, 2, 1]), [8, 3]), reshape(spatialTarget, [8]).value, options);
      const spatial = crossEntropy(data, spatialTarget, options);
      spatial.value.data.forEach((v, i) => expect(v).toBeCloseTo(flat.value.data[i], 12));
    }
  });

  it('gives NaN for a mean over targets that are all ignored, as PyTorch', () => {
    expect(crossEntropy(values(generator, [2, 3]), int([-100, -100])).item()).toBeNaN();
  });

  it('names what is wrong with its arguments', () => {
    const x = values(generator, [3, 4]);
    expect(() => crossEntropy(x, int([0, 1]))).toThrow('crossEntropy: expected a target of shape [3] for input [3, 4], got [2]');
    expect(() => crossEntropy(x, tensor([0, 1, 2]))).toThrow('crossEntropy: expected int32 class indices as target, got float32');
    expect(() => crossEntropy(x, int([0, 4, 1]))).toThrow('crossEntropy: expected target values in [0, 4) or ignoreIndex -100, got 4 at position 1');
    expect(() => crossEntropy(x, int([0, 1, 2]), { weight: tensor([1, 2]) })).toThrow('crossEntropy: expected a class weight of shape [4], got [2]');
    expect(() => crossEntropy(x, int([0, 1, 2]), { labelSmoothing: 2 })).toThrow('crossEntropy: expected labelSmoothing in [0, 1], got 2');
    expect(() => crossEntropy(x, int([0, 1, 2]), { reduction: 'avg' as 'mean' })).toThrow("crossEntropy: expected reduction 'none', 'sum' or 'mean', got 'avg'");
  });
});

describe('nllLoss', () => {
  it('equals crossEntropy of logSoftmax, values and gradients', () => {
    const data = values(generator, [6, 4], -2, 2);
    for (const options of [{}, { weight, reduction: 'sum' as const }, { weight }, { reduction: 'none' as const, ignoreIndex: 2 }]) {
      gradcheck((x) => nllLoss(x, targetFor(options), options), [data]);
      const direct = crossEntropy(data, targetFor(options), options);
      const viaNll = nllLoss(logSoftmax(data, 1), targetFor(options), options);
      direct.value.data.forEach((v, i) => expect(v).toBeCloseTo(viaNll.value.data[i], 12));
    }
  });
});
